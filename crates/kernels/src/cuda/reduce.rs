//! Axis reductions on the GPU: one block per output element (kernels/reduce.cu).

use cudarc::driver::{LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::ReduceBackend;
use crate::desc::reduce::ReduceOp;
use crate::{Result, Storage, Tensor};

fn reduce_axis(op: ReduceOp, x: &Tensor, outer: usize, n: usize, inner: usize) -> Result<Tensor> {
    let name = op.name();
    let g = gpu(name)?;
    let src = f32_slice(name, x)?;
    let rows = outer * inner;
    let mut out = alloc::<f32>(name, &g, rows)?;
    if rows > 0 {
        let f = g.function(name, "reduce", &format!("r{name}_f32"))?;
        let (o, nn, i) = (outer as u64, n as u64, inner as u64);
        let cfg = LaunchConfig {
            grid_dim: (rows.clamp(1, 65_535) as u32, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut l = g.stream.launch_builder(&f);
        l.arg(src).arg(&mut out).arg(&o).arg(&nn).arg(&i);
        // SAFETY: argument types match the kernel's signature in reduce.cu.
        unsafe { l.launch(cfg) }.map_err(|e| driver_error(name, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), vec![rows]))
}

fn argmax_axis(
    x: &Tensor,
    outer: usize,
    n: usize,
    inner: usize,
    shape: Vec<usize>,
) -> Result<Tensor> {
    let g = gpu("argmax")?;
    let src = f32_slice("argmax", x)?;
    let rows = outer * inner;
    let mut out = alloc::<i32>("argmax", &g, rows)?;
    if rows > 0 {
        let f = g.function("argmax", "reduce", "rargmax_f32")?;
        let (o, nn, i) = (outer as u64, n as u64, inner as u64);
        let mut l = g.stream.launch_builder(&f);
        l.arg(src).arg(&mut out).arg(&o).arg(&nn).arg(&i);
        // SAFETY: argument types match the kernel's signature in reduce.cu.
        unsafe { l.launch(launch_1d(rows)) }.map_err(|e| driver_error("argmax", e))?;
    }
    Ok(Tensor::cuda(Storage::CudaI32(out), shape))
}

impl ReduceBackend for Cuda {
    fn reduce_axis(
        &self,
        op: ReduceOp,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
    ) -> Result<Tensor> {
        reduce_axis(op, x, outer, n, inner)
    }

    fn argmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        argmax_axis(x, outer, n, inner, shape)
    }
}
