//! Fused optimiser steps: update a parameter and its state buffers in place.
//!
//! Hyper-parameters arrive as f64 (JavaScript numbers, like PyTorch's Python
//! floats); the scalars PyTorch derives from them (1 − α, lr / bias correction…)
//! are computed here in f64 and rounded to f32 once, as PyTorch does when a
//! Python scalar meets a float32 tensor.

use super::dispatch::backend;
pub use crate::desc::optim::{Adam, AdamCoef, RmsProp, RmsPropCoef, Sgd, SgdCoef};
use crate::error::fmt_shape;
use crate::{bail, Result, Tensor};

/// Checks that `states` (by name) match the parameter: float32, same shape and device.
fn check(op: &str, param: &Tensor, grad: &Tensor, states: &[(&str, &Tensor)]) -> Result<()> {
    if param.dtype() != crate::DType::F32 {
        return Err(param.kind_error(op, "param", "a float32 tensor"));
    }
    for (name, t) in std::iter::once(&("grad", grad)).chain(states) {
        if t.dtype() != crate::DType::F32
            || t.device() != param.device()
            || t.shape() != param.shape()
        {
            bail!(
                op,
                "{name} must be float32 on {} with param's shape {}, got {} on {} with shape {}",
                param.device().name(),
                fmt_shape(param.shape()),
                t.dtype().name(),
                t.device().name(),
                fmt_shape(t.shape())
            );
        }
    }
    Ok(())
}

/// One SGD step: `param` and `momentum_buffer` (when momentum ≠ 0) updated in place.
pub fn sgd_step(
    param: &mut Tensor,
    grad: &Tensor,
    momentum_buffer: Option<&mut Tensor>,
    h: &Sgd,
) -> Result<()> {
    let op = "sgdStep";
    let c = h.coef()?;
    if (h.momentum != 0.0) != momentum_buffer.is_some() {
        bail!(
            op,
            "a momentum buffer is needed exactly when momentum ≠ 0 (momentum {})",
            h.momentum
        );
    }
    let states: Vec<(&str, &Tensor)> = momentum_buffer
        .iter()
        .map(|b| ("momentumBuffer", &**b))
        .collect();
    check(op, param, grad, &states)?;
    backend(op, param.device())?.sgd_step(param, grad, momentum_buffer, &c)
}

/// One RMSProp step: `square_avg`, `grad_avg` (centered) and `momentum_buffer`
/// (momentum > 0) updated in place with `param`.
pub fn rmsprop_step(
    param: &mut Tensor,
    grad: &Tensor,
    square_avg: &mut Tensor,
    grad_avg: Option<&mut Tensor>,
    momentum_buffer: Option<&mut Tensor>,
    h: &RmsProp,
) -> Result<()> {
    let op = "rmspropStep";
    let c = h.coef()?;
    if h.centered != grad_avg.is_some() || (h.momentum > 0.0) != momentum_buffer.is_some() {
        bail!(
            op,
            "state buffers do not match the options: centered {} with gradAvg {}, momentum {} with momentumBuffer {}",
            h.centered,
            grad_avg.is_some(),
            h.momentum,
            momentum_buffer.is_some()
        );
    }
    let mut states: Vec<(&str, &Tensor)> = vec![("squareAvg", &*square_avg)];
    states.extend(grad_avg.iter().map(|t| ("gradAvg", &**t)));
    states.extend(momentum_buffer.iter().map(|t| ("momentumBuffer", &**t)));
    check(op, param, grad, &states)?;
    backend(op, param.device())?.rmsprop_step(
        param,
        grad,
        square_avg,
        grad_avg,
        momentum_buffer,
        &c,
    )
}

/// One Adam step: `exp_avg` (m) and `exp_avg_sq` (v) updated in place with `param`.
pub fn adam_step(
    param: &mut Tensor,
    grad: &Tensor,
    exp_avg: &mut Tensor,
    exp_avg_sq: &mut Tensor,
    h: &Adam,
) -> Result<()> {
    let op = "adamStep";
    let c = h.coef()?;
    check(
        op,
        param,
        grad,
        &[("expAvg", &*exp_avg), ("expAvgSq", &*exp_avg_sq)],
    )?;
    backend(op, param.device())?.adam_step(param, grad, exp_avg, exp_avg_sq, &c)
}
