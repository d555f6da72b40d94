//! Batch normalisation on the GPU (kernels/batchnorm.cu): one block per channel.

use cudarc::driver::{CudaSlice, LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::alloc;
use super::Cuda;
use crate::backend::BatchNormBackend;
use crate::desc::batchnorm::ChannelLayout;
use crate::{Result, Storage, Tensor};

fn slice<'a>(op: &str, name: &str, t: &'a Tensor) -> Result<&'a CudaSlice<f32>> {
    match t.storage() {
        Storage::CudaF32(s) => Ok(s),
        _ => Err(t.kind_error(op, name, "a float32 tensor on cuda")),
    }
}

/// One block of 256 threads per channel (grid-stride past 65,535 channels).
fn per_channel(c: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (c.clamp(1, 65_535) as u32, 1, 1),
        block_dim: (256, 1, 1),
        shared_mem_bytes: 0,
    }
}

fn forward(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    stats: Option<(&Tensor, &Tensor)>,
    eps: f32,
    relu: bool,
    (n, c, inner): (usize, usize, usize),
) -> Result<[Tensor; 4]> {
    let op = "batchNorm";
    let g = gpu(op)?;
    let (xs, ws, bs) = (
        slice(op, "x", x)?,
        slice(op, "weight", weight)?,
        slice(op, "bias", bias)?,
    );
    let total = x.numel();
    let mut y = alloc::<f32>(op, &g, total)?;
    let mut invstd = alloc::<f32>(op, &g, c)?;
    let (n64, c64, i64_, relu) = (n as u64, c as u64, inner as u64, relu as i32);
    let (mean, var) = match stats {
        None => {
            let mut mean = alloc::<f32>(op, &g, c)?;
            let mut var = alloc::<f32>(op, &g, c)?;
            if c > 0 {
                let f = g.function(op, "batchnorm", "bn_forward_train_f32")?;
                let mut l = g.stream.launch_builder(&f);
                l.arg(xs)
                    .arg(ws)
                    .arg(bs)
                    .arg(&mut y)
                    .arg(&mut mean)
                    .arg(&mut var)
                    .arg(&mut invstd)
                    .arg(&n64)
                    .arg(&c64)
                    .arg(&i64_)
                    .arg(&eps)
                    .arg(&relu);
                // SAFETY: argument types match the kernel's signature in batchnorm.cu.
                unsafe { l.launch(per_channel(c)) }.map_err(|e| driver_error(op, e))?;
            }
            (mean, var)
        }
        Some((m, v)) => {
            let (ms, vs) = (slice(op, "runningMean", m)?, slice(op, "runningVar", v)?);
            let mean = g.stream.clone_dtod(ms).map_err(|e| driver_error(op, e))?;
            let var = g.stream.clone_dtod(vs).map_err(|e| driver_error(op, e))?;
            if c > 0 {
                let f = g.function(op, "batchnorm", "bn_invstd_f32")?;
                let mut l = g.stream.launch_builder(&f);
                l.arg(vs).arg(&mut invstd).arg(&c64).arg(&eps);
                // SAFETY: argument types match the kernel's signature in batchnorm.cu.
                unsafe { l.launch(launch_1d(c)) }.map_err(|e| driver_error(op, e))?;
            }
            if total > 0 {
                let f = g.function(op, "batchnorm", "bn_forward_eval_f32")?;
                let t64 = total as u64;
                let mut l = g.stream.launch_builder(&f);
                l.arg(xs)
                    .arg(ws)
                    .arg(bs)
                    .arg(ms)
                    .arg(&invstd)
                    .arg(&mut y)
                    .arg(&t64)
                    .arg(&c64)
                    .arg(&i64_)
                    .arg(&relu);
                // SAFETY: argument types match the kernel's signature in batchnorm.cu.
                unsafe { l.launch(launch_1d(total)) }.map_err(|e| driver_error(op, e))?;
            }
            (mean, var)
        }
    };
    Ok([
        Tensor::cuda(Storage::CudaF32(y), x.shape().to_vec()),
        Tensor::cuda(Storage::CudaF32(mean), vec![c]),
        Tensor::cuda(Storage::CudaF32(invstd), vec![c]),
        Tensor::cuda(Storage::CudaF32(var), vec![c]),
    ])
}

#[allow(clippy::too_many_arguments)]
fn backward(
    grad: &Tensor,
    x: &Tensor,
    weight: &Tensor,
    mean: &Tensor,
    invstd: &Tensor,
    training: bool,
    relu_bias: Option<&Tensor>,
    (n, c, inner): (usize, usize, usize),
) -> Result<[Tensor; 3]> {
    let op = "batchNormBackward";
    let g = gpu(op)?;
    let (gs, xs, ws, ms, is) = (
        slice(op, "grad", grad)?,
        slice(op, "x", x)?,
        slice(op, "weight", weight)?,
        slice(op, "mean", mean)?,
        slice(op, "invstd", invstd)?,
    );
    // Without ReLU the kernel never reads the bias: the weight stands in for it.
    let rb = match relu_bias {
        Some(b) => slice(op, "reluBias", b)?,
        None => ws,
    };
    let relu = relu_bias.is_some() as i32;
    let mut dx = alloc::<f32>(op, &g, x.numel())?;
    let mut dw = alloc::<f32>(op, &g, c)?;
    let mut db = alloc::<f32>(op, &g, c)?;
    if c > 0 {
        let f = g.function(op, "batchnorm", "bn_backward_f32")?;
        let (n64, c64, i64_, t) = (n as u64, c as u64, inner as u64, training as i32);
        let mut l = g.stream.launch_builder(&f);
        l.arg(gs)
            .arg(xs)
            .arg(ws)
            .arg(ms)
            .arg(is)
            .arg(&mut dx)
            .arg(&mut dw)
            .arg(&mut db)
            .arg(&n64)
            .arg(&c64)
            .arg(&i64_)
            .arg(&t)
            .arg(rb)
            .arg(&relu);
        // SAFETY: argument types match the kernel's signature in batchnorm.cu.
        unsafe { l.launch(per_channel(c)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok([
        Tensor::cuda(Storage::CudaF32(dx), x.shape().to_vec()),
        Tensor::cuda(Storage::CudaF32(dw), vec![c]),
        Tensor::cuda(Storage::CudaF32(db), vec![c]),
    ])
}

fn update_running(
    running_mean: &mut Tensor,
    running_var: &mut Tensor,
    mean: &Tensor,
    var: &Tensor,
    momentum: f32,
    count: usize,
) -> Result<()> {
    let op = "batchNorm";
    let g = gpu(op)?;
    let c = mean.numel();
    let (ms, vs) = (slice(op, "mean", mean)?, slice(op, "var", var)?);
    let unbias = count as f64 / (count as f64 - 1.0);
    let Storage::CudaF32(rm) = running_mean.storage_mut() else {
        return Err(crate::Error::new(
            op,
            "runningMean must be a float32 tensor on cuda",
        ));
    };
    let Storage::CudaF32(rv) = running_var.storage_mut() else {
        return Err(crate::Error::new(
            op,
            "runningVar must be a float32 tensor on cuda",
        ));
    };
    if c > 0 {
        let f = g.function(op, "batchnorm", "bn_update_running_f32")?;
        let c64 = c as u64;
        let mut l = g.stream.launch_builder(&f);
        l.arg(rm)
            .arg(rv)
            .arg(ms)
            .arg(vs)
            .arg(&c64)
            .arg(&momentum)
            .arg(&unbias);
        // SAFETY: argument types match the kernel's signature in batchnorm.cu.
        unsafe { l.launch(launch_1d(c)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(())
}

impl BatchNormBackend for Cuda {
    fn batch_norm(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        stats: Option<(&Tensor, &Tensor)>,
        eps: f32,
        relu: bool,
        l: ChannelLayout,
    ) -> Result<[Tensor; 4]> {
        forward(x, weight, bias, stats, eps, relu, (l.n, l.c, l.inner))
    }

    fn batch_norm_backward(
        &self,
        grad: &Tensor,
        x: &Tensor,
        weight: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        training: bool,
        relu_bias: Option<&Tensor>,
        l: ChannelLayout,
    ) -> Result<[Tensor; 3]> {
        backward(
            grad,
            x,
            weight,
            mean,
            invstd,
            training,
            relu_bias,
            (l.n, l.c, l.inner),
        )
    }

    fn update_running_stats(
        &self,
        running_mean: &mut Tensor,
        running_var: &mut Tensor,
        mean: &Tensor,
        var: &Tensor,
        momentum: f32,
        count: usize,
    ) -> Result<()> {
        update_running(running_mean, running_var, mean, var, momentum, count)
    }
}
