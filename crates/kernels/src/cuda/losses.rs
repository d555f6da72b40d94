//! Losses on the GPU (kernels/losses.cu).

use cudarc::driver::{CudaSlice, LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::alloc;
use super::Cuda;
use crate::backend::LossBackend;
use crate::{Result, Storage, Tensor};

fn f32s<'a>(op: &str, name: &str, t: &'a Tensor) -> Result<&'a CudaSlice<f32>> {
    match t.storage() {
        Storage::CudaF32(s) => Ok(s),
        _ => Err(t.kind_error(op, name, "a float32 tensor on cuda")),
    }
}

fn i32s<'a>(op: &str, name: &str, t: &'a Tensor) -> Result<&'a CudaSlice<i32>> {
    match t.storage() {
        Storage::CudaI32(s) => Ok(s),
        _ => Err(t.kind_error(op, name, "an int32 tensor on cuda")),
    }
}

fn bce_with_logits(x: &Tensor, t: &Tensor) -> Result<Tensor> {
    let op = "bceWithLogits";
    let g = gpu(op)?;
    let (xs, ts) = (f32s(op, "logits", x)?, f32s(op, "targets", t)?);
    let n = x.numel();
    let mut out = alloc::<f32>(op, &g, n)?;
    if n > 0 {
        let f = g.function(op, "losses", "loss_bce_f32")?;
        let n64 = n as u64;
        let mut l = g.stream.launch_builder(&f);
        l.arg(xs).arg(ts).arg(&mut out).arg(&n64);
        // SAFETY: argument types match the kernel's signature in losses.cu.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), x.shape().to_vec()))
}

fn cross_entropy(
    x: &Tensor,
    targets: &Tensor,
    n: usize,
    k: usize,
    ignore: Option<i32>,
) -> Result<[Tensor; 2]> {
    let op = "crossEntropy";
    let g = gpu(op)?;
    let (xs, ts) = (f32s(op, "logits", x)?, i32s(op, "targets", targets)?);
    let mut loss = alloc::<f32>(op, &g, n)?;
    let mut prob = alloc::<f32>(op, &g, n * k)?;
    if n > 0 && k > 0 {
        let f = g.function(op, "losses", "loss_ce_f32")?;
        let (n64, k64) = (n as u64, k as u64);
        let (has, ig) = (ignore.is_some() as i32, ignore.unwrap_or(0));
        let cfg = LaunchConfig {
            grid_dim: (n.clamp(1, 65_535) as u32, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut l = g.stream.launch_builder(&f);
        l.arg(xs)
            .arg(ts)
            .arg(&mut loss)
            .arg(&mut prob)
            .arg(&n64)
            .arg(&k64)
            .arg(&has)
            .arg(&ig);
        // SAFETY: argument types match the kernel's signature in losses.cu.
        unsafe { l.launch(cfg) }.map_err(|e| driver_error(op, e))?;
    }
    Ok([
        Tensor::cuda(Storage::CudaF32(loss), vec![n]),
        Tensor::cuda(Storage::CudaF32(prob), vec![n, k]),
    ])
}

fn cross_entropy_backward(
    prob: &Tensor,
    targets: &Tensor,
    grad: &Tensor,
    n: usize,
    k: usize,
    ignore: Option<i32>,
) -> Result<Tensor> {
    let op = "crossEntropyBackward";
    let g = gpu(op)?;
    let (ps, ts, gs) = (
        f32s(op, "softmax", prob)?,
        i32s(op, "targets", targets)?,
        f32s(op, "grad", grad)?,
    );
    let mut dx = alloc::<f32>(op, &g, n * k)?;
    if n * k > 0 {
        let f = g.function(op, "losses", "loss_ce_backward_f32")?;
        let (n64, k64) = (n as u64, k as u64);
        let (has, ig) = (ignore.is_some() as i32, ignore.unwrap_or(0));
        let mut l = g.stream.launch_builder(&f);
        l.arg(ps)
            .arg(ts)
            .arg(gs)
            .arg(&mut dx)
            .arg(&n64)
            .arg(&k64)
            .arg(&has)
            .arg(&ig);
        // SAFETY: argument types match the kernel's signature in losses.cu.
        unsafe { l.launch(launch_1d(n * k)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(dx), vec![n, k]))
}

impl LossBackend for Cuda {
    fn bce_with_logits(&self, x: &Tensor, targets: &Tensor) -> Result<Tensor> {
        bce_with_logits(x, targets)
    }

    fn cross_entropy(
        &self,
        x: &Tensor,
        targets: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<[Tensor; 2]> {
        cross_entropy(x, targets, n, k, ignore)
    }

    fn cross_entropy_backward(
        &self,
        prob: &Tensor,
        targets: &Tensor,
        grad: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<Tensor> {
        cross_entropy_backward(prob, targets, grad, n, k, ignore)
    }
}
