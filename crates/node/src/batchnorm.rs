//! Batch normalisation: forward (training or inference), fused backward, and the
//! in-place update of running statistics.

use foveate_kernels::ops::batchnorm;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NewTensor, TensorMut, TensorRef};

fn wrap_all<const N: usize>(
    r: foveate_kernels::Result<[foveate_kernels::Tensor; N]>,
) -> Result<Vec<NewTensor>> {
    Ok(r.map_err(js_error)?.into_iter().map(NewTensor).collect())
}

/// [y, mean, invstd, var]: batch statistics when no running statistics are
/// given (training), else normalised with them (inference); y through ReLU in
/// the same pass when `relu`.
#[napi(catch_unwind)]
pub fn batch_norm(
    x: TensorRef,
    weight: TensorRef,
    bias: TensorRef,
    running_mean: Option<TensorRef>,
    running_var: Option<TensorRef>,
    eps: f64,
    relu: bool,
) -> Result<Vec<NewTensor>> {
    let op = "batchNorm";
    let stats = match (&running_mean, &running_var) {
        (Some(m), Some(v)) => Some((m.get(op)?, v.get(op)?)),
        (None, None) => None,
        _ => {
            return Err(napi::Error::from_reason(
                "batchNorm: runningMean and runningVar must be given together",
            ))
        }
    };
    wrap_all(batchnorm::forward(
        x.get(op)?,
        weight.get(op)?,
        bias.get(op)?,
        stats,
        eps as f32,
        relu,
    ))
}

/// [dx, dweight, dbias] from the output gradient and the forward's mean and
/// invstd; `reluBias` is the forward's bias when it applied ReLU.
#[napi(catch_unwind)]
pub fn batch_norm_backward(
    grad: TensorRef,
    x: TensorRef,
    weight: TensorRef,
    mean: TensorRef,
    invstd: TensorRef,
    training: bool,
    relu_bias: Option<TensorRef>,
) -> Result<Vec<NewTensor>> {
    let op = "batchNormBackward";
    wrap_all(batchnorm::backward(
        grad.get(op)?,
        x.get(op)?,
        weight.get(op)?,
        mean.get(op)?,
        invstd.get(op)?,
        training,
        relu_bias.as_ref().map(|b| b.get(op)).transpose()?,
    ))
}

/// In place: running ← (1 − momentum)·running + momentum·batch (variance unbiased
/// by count/(count − 1)).
#[napi(catch_unwind)]
pub fn batch_norm_update_running(
    mut running_mean: TensorMut,
    mut running_var: TensorMut,
    mean: TensorRef,
    batch_var: TensorRef,
    momentum: f64,
    count: u32,
) -> Result<()> {
    let op = "batchNorm";
    batchnorm::update_running(
        running_mean.get_mut(op)?,
        running_var.get_mut(op)?,
        mean.get(op)?,
        batch_var.get(op)?,
        momentum as f32,
        count as usize,
    )
    .map_err(js_error)
}
