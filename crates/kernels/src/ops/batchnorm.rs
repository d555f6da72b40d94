//! Batch normalisation: training (batch statistics, Algorithm 1), inference
//! (given population statistics, Algorithm 2), the fused backward, and the
//! in-place update of running statistics. x is [N,C] or [N,C,…] (channel axis 1).

use crate::error::fmt_shape;
use crate::shape::numel;
use crate::{bail, cpu, Device, Result, Storage, Tensor};

const OP: &str = "batchNorm";

/// (n, c, inner) for x [N,C,…].
fn layout(op: &str, x: &Tensor) -> Result<(usize, usize, usize)> {
    let s = x.shape();
    if s.len() < 2 {
        bail!(op, "x must be [N,C] or [N,C,…], got {}", fmt_shape(s));
    }
    Ok((s[0], s[1], numel(&s[2..])))
}

/// A per-channel vector: float32 [c] on x's device.
fn check_vec(op: &str, name: &str, v: &Tensor, c: usize, x: &Tensor) -> Result<()> {
    if v.shape() != [c] {
        bail!(
            op,
            "{name} must be [{c}] (one per channel of x {}), got {}",
            fmt_shape(x.shape()),
            fmt_shape(v.shape())
        );
    }
    if v.device() != x.device() {
        bail!(
            op,
            "{name} on {} but x on {}",
            v.device().name(),
            x.device().name()
        );
    }
    if v.dtype() != crate::DType::F32 {
        return Err(v.kind_error(op, name, "a float32 tensor"));
    }
    Ok(())
}

fn cpu_vec<'a>(op: &str, name: &str, v: &'a Tensor) -> Result<&'a [f32]> {
    v.cpu_f32_data(op, name)
}

/// Forward. `stats` = Some((mean, var)) normalises with those (inference);
/// None uses the batch's (training). `relu` applies ReLU to y in the same pass.
/// Returns [y, mean, invstd, var], where in training var is the biased batch
/// variance of Algorithm 1.
pub fn forward(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    stats: Option<(&Tensor, &Tensor)>,
    eps: f32,
    relu: bool,
) -> Result<[Tensor; 4]> {
    let (n, c, inner) = layout(OP, x)?;
    check_vec(OP, "weight", weight, c, x)?;
    check_vec(OP, "bias", bias, c, x)?;
    if let Some((m, v)) = stats {
        check_vec(OP, "runningMean", m, c, x)?;
        check_vec(OP, "runningVar", v, c, x)?;
    } else if n * inner <= 1 {
        bail!(
            OP,
            "expected more than 1 value per channel when training, got x {}",
            fmt_shape(x.shape())
        );
    }
    if !(eps.is_finite() && eps >= 0.0) {
        bail!(OP, "eps must be finite and non-negative, got {eps}");
    }
    match x.storage() {
        Storage::CpuF32(xv) => {
            let (mean, var) = match stats {
                Some((m, v)) => (
                    cpu_vec(OP, "runningMean", m)?.to_vec(),
                    cpu_vec(OP, "runningVar", v)?.to_vec(),
                ),
                None => cpu::batchnorm::batch_stats(xv, n, c, inner),
            };
            let invstd = cpu::batchnorm::invstd(&var, eps);
            let y = cpu::batchnorm::normalize(
                xv,
                c,
                inner,
                &mean,
                &invstd,
                cpu_vec(OP, "weight", weight)?,
                cpu_vec(OP, "bias", bias)?,
                relu,
            );
            Ok([
                Tensor::cpu_f32(y, x.shape().to_vec()),
                Tensor::cpu_f32(mean, vec![c]),
                Tensor::cpu_f32(invstd, vec![c]),
                Tensor::cpu_f32(var, vec![c]),
            ])
        }
        #[cfg(feature = "cuda")]
        Storage::CudaF32(_) => {
            crate::cuda::batchnorm::forward(x, weight, bias, stats, eps, relu, (n, c, inner))
        }
        _ => Err(x.kind_error(OP, "x", "a float32 tensor")),
    }
}

/// Backward: [dx, dweight, dbias] from the output gradient `g` and the forward's
/// saved mean and invstd (batch statistics when `training`, else the fixed ones).
/// `relu_bias` is the forward's bias when it applied ReLU: the gradient then
/// passes only where the pre-activation, recomputed from x, is positive.
#[allow(clippy::too_many_arguments)]
pub fn backward(
    g: &Tensor,
    x: &Tensor,
    weight: &Tensor,
    mean: &Tensor,
    invstd: &Tensor,
    training: bool,
    relu_bias: Option<&Tensor>,
) -> Result<[Tensor; 3]> {
    let op = "batchNormBackward";
    let (n, c, inner) = layout(op, x)?;
    if g.shape() != x.shape() || g.device() != x.device() {
        bail!(
            op,
            "grad {} on {} does not match x {} on {}",
            fmt_shape(g.shape()),
            g.device().name(),
            fmt_shape(x.shape()),
            x.device().name()
        );
    }
    check_vec(op, "weight", weight, c, x)?;
    check_vec(op, "mean", mean, c, x)?;
    check_vec(op, "invstd", invstd, c, x)?;
    if let Some(b) = relu_bias {
        check_vec(op, "reluBias", b, c, x)?;
    }
    match (g.storage(), x.storage()) {
        (Storage::CpuF32(gv), Storage::CpuF32(xv)) => {
            let (dx, dw, db) = cpu::batchnorm::backward(
                gv,
                xv,
                n,
                c,
                inner,
                cpu_vec(op, "weight", weight)?,
                cpu_vec(op, "mean", mean)?,
                cpu_vec(op, "invstd", invstd)?,
                training,
                relu_bias.map(|b| cpu_vec(op, "reluBias", b)).transpose()?,
            );
            Ok([
                Tensor::cpu_f32(dx, x.shape().to_vec()),
                Tensor::cpu_f32(dw, vec![c]),
                Tensor::cpu_f32(db, vec![c]),
            ])
        }
        #[cfg(feature = "cuda")]
        (Storage::CudaF32(_), Storage::CudaF32(_)) => crate::cuda::batchnorm::backward(
            g,
            x,
            weight,
            mean,
            invstd,
            training,
            relu_bias,
            (n, c, inner),
        ),
        (Storage::CpuF32(_), _) => Err(x.kind_error(op, "x", "a float32 tensor")),
        _ => Err(g.kind_error(op, "grad", "a float32 tensor")),
    }
}

/// In place: running ← (1 − momentum)·running + momentum·batch, with the batch
/// variance made unbiased by count/(count − 1), count = N·H·W values per channel.
pub fn update_running(
    running_mean: &mut Tensor,
    running_var: &mut Tensor,
    mean: &Tensor,
    var: &Tensor,
    momentum: f32,
    count: usize,
) -> Result<()> {
    let op = "batchNorm";
    let c = mean.numel();
    for (name, t) in [
        ("runningMean", &*running_mean),
        ("runningVar", &*running_var),
        ("var", var),
    ] {
        check_vec(op, name, t, c, mean)?;
    }
    if !(momentum.is_finite() && (0.0..=1.0).contains(&momentum)) {
        bail!(op, "momentum must lie in [0, 1], got {momentum}");
    }
    if count < 2 {
        bail!(
            op,
            "expected more than 1 value per channel when training, got {count}"
        );
    }
    match mean.device() {
        Device::Cpu => {
            let (m, v) = (cpu_vec(op, "mean", mean)?, cpu_vec(op, "var", var)?);
            let (Storage::CpuF32(rm), Storage::CpuF32(rv)) =
                (running_mean.storage_mut(), running_var.storage_mut())
            else {
                bail!(
                    op,
                    "runningMean and runningVar must be float32 tensors on cpu"
                );
            };
            cpu::batchnorm::update_running(rm, rv, m, v, momentum, count);
            Ok(())
        }
        #[cfg(feature = "cuda")]
        Device::Cuda => crate::cuda::batchnorm::update_running(
            running_mean,
            running_var,
            mean,
            var,
            momentum,
            count,
        ),
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => bail!(op, "this build of foveate has no CUDA support"),
    }
}
