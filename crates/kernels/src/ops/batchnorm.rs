//! Batch normalisation: training (batch statistics, Algorithm 1), inference
//! (given population statistics, Algorithm 2), the fused backward, and the
//! in-place update of running statistics. x is [N,C] or [N,C,…] (channel axis 1).

use super::check;
use super::dispatch::backend;
use crate::desc::batchnorm::ChannelLayout;
use crate::error::fmt_shape;
use crate::shape::numel;
use crate::{bail, Result, Tensor};

const OP: &str = "batchNorm";

/// x [N,C,…] as (n, c, inner).
fn layout(op: &str, x: &Tensor) -> Result<ChannelLayout> {
    let s = x.shape();
    if s.len() < 2 {
        bail!(op, "x must be [N,C] or [N,C,…], got {}", fmt_shape(s));
    }
    Ok(ChannelLayout {
        n: s[0],
        c: s[1],
        inner: numel(&s[2..]),
    })
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
    let l = layout(OP, x)?;
    let c = l.c;
    check_vec(OP, "weight", weight, c, x)?;
    check_vec(OP, "bias", bias, c, x)?;
    if let Some((m, v)) = stats {
        check_vec(OP, "runningMean", m, c, x)?;
        check_vec(OP, "runningVar", v, c, x)?;
    } else if l.count() <= 1 {
        bail!(
            OP,
            "expected more than 1 value per channel when training, got x {}",
            fmt_shape(x.shape())
        );
    }
    if !(eps.is_finite() && eps >= 0.0) {
        bail!(OP, "eps must be finite and non-negative, got {eps}");
    }
    check::float32(OP, "x", x)?;
    backend(OP, x.device())?.batch_norm(x, weight, bias, stats, eps, relu, l)
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
    let l = layout(op, x)?;
    let c = l.c;
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
    check::float32(op, "grad", g)?;
    check::float32(op, "x", x)?;
    backend(op, x.device())?.batch_norm_backward(g, x, weight, mean, invstd, training, relu_bias, l)
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
    backend(op, mean.device())?.update_running_stats(
        running_mean,
        running_var,
        mean,
        var,
        momentum,
        count,
    )
}
