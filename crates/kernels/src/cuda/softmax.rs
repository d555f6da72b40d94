//! Softmax / log-softmax on the GPU (kernels/softmax.cu).

use cudarc::driver::{LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::SoftmaxBackend;
use crate::{Result, Storage, Tensor};

fn softmax_axis(x: &Tensor, outer: usize, n: usize, inner: usize, log: bool) -> Result<Tensor> {
    let op = if log { "logSoftmax" } else { "softmax" };
    let g = gpu(op)?;
    let src = f32_slice(op, x)?;
    let mut out = alloc::<f32>(op, &g, x.numel())?;
    let rows = outer * inner;
    if rows > 0 && n > 0 {
        let f = g.function(op, "softmax", "softmax_f32")?;
        let (o, nn, i, l) = (outer as u64, n as u64, inner as u64, log as i32);
        let cfg = LaunchConfig {
            grid_dim: (rows.clamp(1, 65_535) as u32, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut b = g.stream.launch_builder(&f);
        b.arg(src).arg(&mut out).arg(&o).arg(&nn).arg(&i).arg(&l);
        // SAFETY: argument types match the kernel's signature in softmax.cu.
        unsafe { b.launch(cfg) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), x.shape().to_vec()))
}

impl SoftmaxBackend for Cuda {
    fn softmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        log: bool,
    ) -> Result<Tensor> {
        softmax_axis(x, outer, n, inner, log)
    }
}
