//! Unary and broadcasting binary ops on the GPU (sources generated in sources.rs).

use cudarc::driver::{DeviceRepr, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::Cuda;
use crate::backend::{BinaryBackend, UnaryBackend};
use crate::desc::binary::BinaryOp;
use crate::desc::unary::UnaryOp;
use crate::shape::{broadcast_strides, numel, MAX_RANK};
use crate::{Result, Storage, Tensor};

/// Mirrors `FvBroadcast` in common.cuh.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct BroadcastInfo {
    rank: u64,
    dims: [u64; MAX_RANK],
    sa: [u64; MAX_RANK],
    sb: [u64; MAX_RANK],
}

// SAFETY: plain-old-data with the C layout the kernels expect.
unsafe impl DeviceRepr for BroadcastInfo {}

/// Borrows the f32 buffer of a CUDA tensor (callers dispatch on the storage first).
pub(crate) fn f32_slice<'a>(op: &str, x: &'a Tensor) -> Result<&'a cudarc::driver::CudaSlice<f32>> {
    match x.storage() {
        Storage::CudaF32(s) => Ok(s),
        _ => Err(x.kind_error(op, "x", "a float32 tensor on cuda")),
    }
}

/// An uninitialised buffer of `n` (at least one) elements.
pub(crate) fn alloc<T: DeviceRepr>(
    op: &str,
    g: &super::Gpu,
    n: usize,
) -> Result<cudarc::driver::CudaSlice<T>> {
    // SAFETY: every caller's kernel writes all `n` elements before they are read.
    unsafe { g.stream.alloc::<T>(n.max(1)) }.map_err(|e| driver_error(op, e))
}

fn unary(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
    let name = op.kind.name();
    let g = gpu(name)?;
    let src = f32_slice(name, x)?;
    let n = x.numel();
    let mut out = alloc::<f32>(name, &g, n)?;
    if n > 0 {
        let f = g.function(name, "unary", &format!("u{name}_f32"))?;
        let n64 = n as u64;
        let mut b = g.stream.launch_builder(&f);
        b.arg(src).arg(&mut out).arg(&n64).arg(&op.param);
        // SAFETY: argument types match the kernel's signature in sources.rs.
        unsafe { b.launch(launch_1d(n)) }.map_err(|e| driver_error(name, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), x.shape().to_vec()))
}

fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out_shape: Vec<usize>) -> Result<Tensor> {
    let name = op.name();
    let g = gpu(name)?;
    let (sa, sb) = (f32_slice(name, a)?, f32_slice(name, b)?);
    let n = numel(&out_shape);
    let mut info = BroadcastInfo {
        rank: out_shape.len() as u64,
        dims: [1; MAX_RANK],
        sa: [0; MAX_RANK],
        sb: [0; MAX_RANK],
    };
    let (ta, tb) = (
        broadcast_strides(a.shape(), &out_shape),
        broadcast_strides(b.shape(), &out_shape),
    );
    for d in 0..out_shape.len() {
        info.dims[d] = out_shape[d] as u64;
        info.sa[d] = ta[d] as u64;
        info.sb[d] = tb[d] as u64;
    }
    let mut out = alloc::<f32>(name, &g, n)?;
    if n > 0 {
        let f = g.function(name, "binary", &format!("b{name}_f32"))?;
        let n64 = n as u64;
        let mut l = g.stream.launch_builder(&f);
        l.arg(sa).arg(sb).arg(&mut out).arg(&n64).arg(&info);
        // SAFETY: argument types match the kernel's signature in sources.rs.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(name, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), out_shape))
}

impl UnaryBackend for Cuda {
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        unary(op, x)
    }
}

impl BinaryBackend for Cuda {
    fn binary(
        &self,
        op: BinaryOp,
        a: &Tensor,
        b: &Tensor,
        out_shape: Vec<usize>,
    ) -> Result<Tensor> {
        binary(op, a, b, out_shape)
    }
}
