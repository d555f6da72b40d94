//! DRAW's attention filterbank on the GPU (kernels/attention.cu); soft attention's
//! kernels are launched from `soft_attend.rs`.

use cudarc::driver::{CudaSlice, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::AttentionBackend;
use crate::backend::{Filters, SoftAttend, SoftAttendSaved};
use crate::desc::attention::{FilterDims, Geometry, SoftDims};
use crate::{Result, Storage, Tensor};

fn filterbank(params: &Tensor, geo: &Geometry) -> Result<(Tensor, Tensor, Tensor)> {
    let op = "attention.filterbank";
    let g = gpu(op)?;
    let p = f32_slice(op, params)?;
    let (b, n, w, h) = (geo.batch, geo.n, geo.width, geo.height);
    let mut fx = alloc::<f32>(op, &g, b * n * w)?;
    let mut fy = alloc::<f32>(op, &g, b * n * h)?;
    let mut gamma = alloc::<f32>(op, &g, b)?;
    let rows = b * (2 * n + 1);
    if rows > 0 {
        let f = g.function(op, "attention", "afilterbank_f32")?;
        let (b64, n64, w64, h64) = (b as u64, n as u64, w as u64, h as u64);
        let mut l = g.stream.launch_builder(&f);
        l.arg(p)
            .arg(&mut fx)
            .arg(&mut fy)
            .arg(&mut gamma)
            .arg(&b64)
            .arg(&n64)
            .arg(&w64)
            .arg(&h64);
        // SAFETY: argument types match the kernel's signature in attention.cu, and
        // the buffers hold batch·N·width, batch·N·height and batch floats.
        unsafe { l.launch(launch_1d(rows)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok((
        Tensor::cuda(Storage::CudaF32(fx), vec![b, n, w]),
        Tensor::cuda(Storage::CudaF32(fy), vec![b, n, h]),
        Tensor::cuda(Storage::CudaF32(gamma), vec![b]),
    ))
}

/// A given gradient's buffer and 1, or `fallback` and 0: an absent gradient's
/// pointer is never read (its has_* flag is 0).
fn grad_or<'a>(
    op: &str,
    t: Option<&'a Tensor>,
    fallback: &'a CudaSlice<f32>,
) -> Result<(&'a CudaSlice<f32>, i32)> {
    match t {
        Some(t) => Ok((f32_slice(op, t)?, 1)),
        None => Ok((fallback, 0)),
    }
}

fn filterbank_backward(
    params: &Tensor,
    dfx: Option<&Tensor>,
    dfy: Option<&Tensor>,
    dgamma: Option<&Tensor>,
    geo: &Geometry,
) -> Result<Tensor> {
    let op = "attention.filterbankBackward";
    let g = gpu(op)?;
    let p = f32_slice(op, params)?;
    let ((gx, hx), (gy, hy), (gg, hg)) = (
        grad_or(op, dfx, p)?,
        grad_or(op, dfy, p)?,
        grad_or(op, dgamma, p)?,
    );
    let b = geo.batch;
    let mut dp = g
        .stream
        .alloc_zeros::<f32>((b * 5).max(1))
        .map_err(|e| driver_error(op, e))?;
    let rows = b * (2 * geo.n + 1);
    if rows > 0 {
        let f = g.function(op, "attention", "afilterbank_backward_f32")?;
        let (b64, n64, w64, h64) = (b as u64, geo.n as u64, geo.width as u64, geo.height as u64);
        let mut l = g.stream.launch_builder(&f);
        l.arg(p)
            .arg(gx)
            .arg(gy)
            .arg(gg)
            .arg(&mut dp)
            .arg(&b64)
            .arg(&n64)
            .arg(&w64)
            .arg(&h64)
            .arg(&hx)
            .arg(&hy)
            .arg(&hg);
        // SAFETY: argument types match the kernel's signature in attention.cu; the
        // ops layer checked each given gradient's shape against the geometry.
        unsafe { l.launch(launch_1d(rows)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(dp), vec![b, 5]))
}

impl AttentionBackend for Cuda {
    fn filterbank(&self, params: &Tensor, geo: &Geometry) -> Result<(Tensor, Tensor, Tensor)> {
        filterbank(params, geo)
    }

    fn filterbank_backward(
        &self,
        params: &Tensor,
        dfx: Option<&Tensor>,
        dfy: Option<&Tensor>,
        dgamma: Option<&Tensor>,
        geo: &Geometry,
    ) -> Result<Tensor> {
        filterbank_backward(params, dfx, dfy, dgamma, geo)
    }

    fn soft_attend(
        &self,
        x: &SoftAttend,
        dims: SoftDims,
    ) -> Result<(Tensor, Tensor, Option<Tensor>)> {
        super::soft_attend::soft_attend(x, dims)
    }

    fn soft_attend_backward(
        &self,
        saved: &SoftAttendSaved,
        dcontext: Option<&Tensor>,
        dalpha: Option<&Tensor>,
        dims: SoftDims,
        need: [bool; 5],
    ) -> Result<[Option<Tensor>; 5]> {
        super::soft_attend::soft_attend_backward(saved, dcontext, dalpha, dims, need)
    }

    fn attention_filter(&self, f: &Filters, dims: FilterDims, out: Vec<usize>) -> Result<Tensor> {
        super::attention_filter::forward(f, dims, out)
    }

    fn attention_filter_backward(
        &self,
        f: &Filters,
        grad: &Tensor,
        dims: FilterDims,
        need: [bool; 4],
    ) -> Result<[Option<Tensor>; 4]> {
        super::attention_filter::backward(f, grad, dims, need)
    }
}
