//! Philox random tensors on the GPU: the same stream as cpu/rng.rs.

use cudarc::driver::PushKernelArg;

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::alloc;
use super::Cuda;
use crate::backend::RandomBackend;
use crate::desc::random::Distribution;
use crate::shape::numel;
use crate::{Result, Storage, Tensor};

fn fill(dist: Distribution, seed: u64, offset: u64, shape: Vec<usize>) -> Result<Tensor> {
    let op = "random";
    let g = gpu(op)?;
    let n = numel(&shape);
    let (kind, a, b) = match dist {
        Distribution::Uniform { low, high } => (0i32, low, high),
        Distribution::Normal { mean, std } => (1, mean, std),
        Distribution::Bernoulli { p } => (2, p, 0.0),
    };
    let mut out = alloc::<f32>(op, &g, n)?;
    if n > 0 {
        let f = g.function(op, "random", "random_f32")?;
        let n64 = n as u64;
        let mut l = g.stream.launch_builder(&f);
        l.arg(&mut out)
            .arg(&n64)
            .arg(&seed)
            .arg(&offset)
            .arg(&kind)
            .arg(&a)
            .arg(&b);
        // SAFETY: argument types match the kernel's signature in random.cu.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), shape))
}

impl RandomBackend for Cuda {
    fn random(
        &self,
        dist: Distribution,
        seed: u64,
        offset: u64,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        fill(dist, seed, offset, shape)
    }
}
