//! Batch normalisation: forward (training or inference), fused backward, and the
//! in-place update of running statistics.

use foveate_kernels::ops::batchnorm;
use napi::bindgen_prelude::ClassInstance;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NativeTensor};

fn wrap_all<const N: usize>(
    r: foveate_kernels::Result<[foveate_kernels::Tensor; N]>,
) -> Result<Vec<NativeTensor>> {
    Ok(r.map_err(js_error)?
        .into_iter()
        .map(NativeTensor::wrap)
        .collect())
}

/// [y, mean, invstd, var]: batch statistics when no running statistics are
/// given (training), else normalised with them (inference); y through ReLU in
/// the same pass when `relu`.
#[napi(catch_unwind)]
pub fn batch_norm(
    x: &NativeTensor,
    weight: &NativeTensor,
    bias: &NativeTensor,
    running_mean: Option<ClassInstance<NativeTensor>>,
    running_var: Option<ClassInstance<NativeTensor>>,
    eps: f64,
    relu: bool,
) -> Result<Vec<NativeTensor>> {
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
    grad: &NativeTensor,
    x: &NativeTensor,
    weight: &NativeTensor,
    mean: &NativeTensor,
    invstd: &NativeTensor,
    training: bool,
    relu_bias: Option<ClassInstance<NativeTensor>>,
) -> Result<Vec<NativeTensor>> {
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
    running_mean: &mut NativeTensor,
    running_var: &mut NativeTensor,
    mean: &NativeTensor,
    batch_var: &NativeTensor,
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
