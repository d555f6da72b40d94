//! Losses from logits: BCE-with-logits (elementwise) and cross-entropy (fused
//! log-softmax + pick, saving the softmax for the backward).

use super::check;
use super::dispatch::backend;
use crate::error::fmt_shape;
use crate::{bail, DType, Result, Tensor};

/// Elementwise max(x,0) − x·t + log(1 + e^{−|x|}); logits and targets share a shape.
pub fn bce_with_logits(x: &Tensor, t: &Tensor) -> Result<Tensor> {
    let op = "bceWithLogits";
    if x.shape() != t.shape() || x.device() != t.device() {
        bail!(
            op,
            "targets {} on {} must match logits {} on {}",
            fmt_shape(t.shape()),
            t.device().name(),
            fmt_shape(x.shape()),
            x.device().name()
        );
    }
    check::float32(op, "logits", x)?;
    check::float32(op, "targets", t)?;
    backend(op, x.device())?.bce_with_logits(x, t)
}

/// Checks logits [n,k] and int32 targets [n] with values in 0..k (or `ignore`);
/// returns (n, k).
fn check_ce(op: &str, x: &Tensor, targets: &Tensor, ignore: Option<i32>) -> Result<(usize, usize)> {
    if x.shape().len() != 2 {
        bail!(op, "logits must be [N,K], got {}", fmt_shape(x.shape()));
    }
    let (n, k) = (x.shape()[0], x.shape()[1]);
    if targets.shape() != [n] {
        bail!(
            op,
            "targets must be [{n}] (one class per row of logits {}), got {}",
            fmt_shape(x.shape()),
            fmt_shape(targets.shape())
        );
    }
    if targets.dtype() != DType::I32 || targets.device() != x.device() {
        return Err(targets.kind_error(
            op,
            "targets",
            &format!("an int32 tensor on {}", x.device().name()),
        ));
    }
    if x.dtype() != DType::F32 {
        return Err(x.kind_error(op, "logits", "a float32 tensor"));
    }
    let values = targets.to_i32_vec()?;
    if let Some((i, &v)) = values
        .iter()
        .enumerate()
        .find(|(_, &v)| Some(v) != ignore && (v < 0 || v as usize >= k))
    {
        bail!(op, "targets[{i}] = {v} is out of range 0..{k}");
    }
    Ok((n, k))
}

/// [loss [n], softmax [n,k]]: loss_r = logsumexp(x_r) − x_r,t_r (0 where t_r = ignore).
pub fn cross_entropy(x: &Tensor, targets: &Tensor, ignore: Option<i32>) -> Result<[Tensor; 2]> {
    let op = "crossEntropy";
    let (n, k) = check_ce(op, x, targets, ignore)?;
    backend(op, x.device())?.cross_entropy(x, targets, n, k, ignore)
}

/// d logits [n,k] = g_r (softmax − onehot(t_r)), from the saved softmax and g [n].
pub fn cross_entropy_backward(
    prob: &Tensor,
    targets: &Tensor,
    g: &Tensor,
    ignore: Option<i32>,
) -> Result<Tensor> {
    let op = "crossEntropyBackward";
    let (n, k) = check_ce(op, prob, targets, ignore)?;
    if g.shape() != [n] || g.device() != prob.device() {
        bail!(
            op,
            "grad {} on {} must be [{n}] on {}",
            fmt_shape(g.shape()),
            g.device().name(),
            prob.device().name()
        );
    }
    check::float32(op, "grad", g)?;
    backend(op, prob.device())?.cross_entropy_backward(prob, targets, g, n, k, ignore)
}
