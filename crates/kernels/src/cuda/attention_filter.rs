//! DRAW's read and write with given filters on the GPU
//! (kernels/attention_filter.cu); the math is in `cpu/attention_filter.rs`.

use cudarc::driver::{CudaSlice, LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d, Gpu};
use super::elementwise::{alloc, f32_slice};
use crate::backend::Filters;
use crate::desc::attention::{FilterDims, FilterMode};
use crate::{Result, Storage, Tensor};

const MODULE: &str = "attention_filter";

/// Launches `kernel(src, f1, f2, gamma, out, B, C, N, H, W, invert)` over `threads` threads.
#[allow(clippy::too_many_arguments)]
fn launch(
    op: &str,
    g: &Gpu,
    kernel: &str,
    (src, f1, f2): (&CudaSlice<f32>, &CudaSlice<f32>, &CudaSlice<f32>),
    gamma: &CudaSlice<f32>,
    out: &mut CudaSlice<f32>,
    d: &FilterDims,
    invert: i32,
    threads: usize,
) -> Result<()> {
    if threads == 0 {
        return Ok(());
    }
    let f = g.function(op, MODULE, kernel)?;
    let dims = [d.batch, d.channels, d.n, d.height, d.width].map(|v| v as u64);
    let mut l = g.stream.launch_builder(&f);
    l.arg(src).arg(f1).arg(f2).arg(gamma).arg(out);
    for v in &dims {
        l.arg(v);
    }
    l.arg(&invert);
    // SAFETY: argument types match the kernel signatures in attention_filter.cu; the
    // ops layer checked every buffer's shape against `d`.
    unsafe { l.launch(launch_1d(threads)) }.map_err(|e| driver_error(op, e))?;
    Ok(())
}

/// 1 for write (s = 1/γ), 0 for read (s = γ).
fn invert(mode: FilterMode) -> i32 {
    (mode == FilterMode::Write) as i32
}

pub fn forward(f: &Filters, d: FilterDims, out_shape: Vec<usize>) -> Result<Tensor> {
    let op = f.mode.name();
    let g = gpu(op)?;
    let (m, fx, fy, gamma) = (
        f32_slice(op, f.m)?,
        f32_slice(op, f.fx)?,
        f32_slice(op, f.fy)?,
        f32_slice(op, f.gamma)?,
    );
    let len: usize = out_shape.iter().product();
    let mut out = alloc::<f32>(op, &g, len)?;
    let kernel = match f.mode {
        FilterMode::Read => "afilter_narrow_f32",
        FilterMode::Write => "afilter_widen_f32",
    };
    launch(
        op,
        &g,
        kernel,
        (m, fx, fy),
        gamma,
        &mut out,
        &d,
        invert(f.mode),
        len,
    )?;
    Ok(Tensor::cuda(Storage::CudaF32(out), out_shape))
}

pub fn backward(
    f: &Filters,
    grad: &Tensor,
    d: FilterDims,
    need: [bool; 4],
) -> Result<[Option<Tensor>; 4]> {
    let op = f.mode.backward_name();
    let g = gpu(op)?;
    let (m, gr, fx, fy, gamma) = (
        f32_slice(op, f.m)?,
        f32_slice(op, grad)?,
        f32_slice(op, f.fx)?,
        f32_slice(op, f.fy)?,
        f32_slice(op, f.gamma)?,
    );
    let (b, c, n, h, w) = (d.batch, d.channels, d.n, d.height, d.width);
    let inv = invert(f.mode);
    let m_len = b
        * c
        * f.m.shape()[f.m.shape().len() - 2..]
            .iter()
            .product::<usize>();
    let mut out: [Option<Tensor>; 4] = [None, None, None, None];
    if need[0] || need[3] {
        let mut dm = alloc::<f32>(op, &g, m_len)?;
        let kernel = match f.mode {
            FilterMode::Read => "afilter_widen_f32",
            FilterMode::Write => "afilter_narrow_f32",
        };
        launch(op, &g, kernel, (gr, fx, fy), gamma, &mut dm, &d, inv, m_len)?;
        if need[3] {
            let mut dg = alloc::<f32>(op, &g, b)?;
            if b > 0 {
                let k = g.function(op, MODULE, "afilter_dgamma_f32")?;
                let (b64, per) = (b as u64, (m_len / b.max(1)) as u64);
                let sign: f32 = if inv == 1 { -1.0 } else { 1.0 };
                let mut l = g.stream.launch_builder(&k);
                l.arg(&dm)
                    .arg(m)
                    .arg(gamma)
                    .arg(&mut dg)
                    .arg(&b64)
                    .arg(&per)
                    .arg(&sign);
                let cfg = LaunchConfig {
                    grid_dim: (b.clamp(1, 65_535) as u32, 1, 1),
                    block_dim: (256, 1, 1),
                    shared_mem_bytes: 0,
                };
                // SAFETY: the signature matches afilter_dgamma_f32; dm and m hold b·per floats.
                unsafe { l.launch(cfg) }.map_err(|e| driver_error(op, e))?;
            }
            out[3] = Some(Tensor::cuda(Storage::CudaF32(dg), vec![b]));
        }
        if need[0] {
            out[0] = Some(Tensor::cuda(Storage::CudaF32(dm), f.m.shape().to_vec()));
        }
    }
    // A is the N×N side, Z the H×W side (cpu/attention_filter.rs).
    let (a, z) = match f.mode {
        FilterMode::Read => (gr, m),
        FilterMode::Write => (m, gr),
    };
    if need[1] {
        let mut dfx = alloc::<f32>(op, &g, b * n * w)?;
        launch(
            op,
            &g,
            "afilter_dfx_f32",
            (a, z, fy),
            gamma,
            &mut dfx,
            &d,
            inv,
            b * n * w,
        )?;
        out[1] = Some(Tensor::cuda(Storage::CudaF32(dfx), vec![b, n, w]));
    }
    if need[2] {
        let mut dfy = alloc::<f32>(op, &g, b * n * h)?;
        launch(
            op,
            &g,
            "afilter_dfy_f32",
            (a, z, fx),
            gamma,
            &mut dfy,
            &d,
            inv,
            b * n * h,
        )?;
        out[2] = Some(Tensor::cuda(Storage::CudaF32(dfy), vec![b, n, h]));
    }
    Ok(out)
}
