//! Losses from logits: BCE-with-logits and the fused cross-entropy.

use foveate_kernels::ops::losses;
use napi::{Error, Result};
use napi_derive::napi;

use crate::tensor::{js_error, NewTensor, TensorRef};

fn ignore_index(op: &str, v: Option<f64>) -> Result<Option<i32>> {
    match v {
        None => Ok(None),
        Some(x) if x.fract() == 0.0 && x >= i32::MIN as f64 && x <= i32::MAX as f64 => {
            Ok(Some(x as i32))
        }
        Some(x) => Err(Error::from_reason(format!(
            "{op}: ignoreIndex = {x} must be a 32-bit integer"
        ))),
    }
}

/// Elementwise max(x,0) − x·t + log(1 + e^{−|x|}).
#[napi(catch_unwind)]
pub fn bce_with_logits(logits: TensorRef, targets: TensorRef) -> Result<NewTensor> {
    let op = "bceWithLogits";
    losses::bce_with_logits(logits.get(op)?, targets.get(op)?)
        .map(NewTensor)
        .map_err(js_error)
}

/// [loss [N], softmax [N,K]] for logits [N,K] and int32 targets [N].
#[napi(catch_unwind)]
pub fn cross_entropy(
    logits: TensorRef,
    targets: TensorRef,
    ignore: Option<f64>,
) -> Result<Vec<NewTensor>> {
    let op = "crossEntropy";
    let r = losses::cross_entropy(logits.get(op)?, targets.get(op)?, ignore_index(op, ignore)?)
        .map_err(js_error)?;
    Ok(r.into_iter().map(NewTensor).collect())
}

/// d logits = g_r (softmax − onehot(t_r)) from the saved softmax and g [N].
#[napi(catch_unwind)]
pub fn cross_entropy_backward(
    softmax: TensorRef,
    targets: TensorRef,
    grad: TensorRef,
    ignore: Option<f64>,
) -> Result<NewTensor> {
    let op = "crossEntropyBackward";
    losses::cross_entropy_backward(
        softmax.get(op)?,
        targets.get(op)?,
        grad.get(op)?,
        ignore_index(op, ignore)?,
    )
    .map(NewTensor)
    .map_err(js_error)
}
