//! Fused optimiser steps: the only functions here that mutate their arguments
//! (the parameter and its state buffers, in place).

use foveate_kernels::ops::optim;
use napi::bindgen_prelude::ClassInstance;
use napi::{Error, Result};
use napi_derive::napi;

use crate::tensor::{js_error, NativeTensor};

/// Refuses the same tensor passed twice, before any of them is borrowed mutably.
fn distinct(op: &str, handles: &[Option<&ClassInstance<NativeTensor>>]) -> Result<()> {
    let ptrs: Vec<*const NativeTensor> = handles
        .iter()
        .flatten()
        .map(|h| &***h as *const NativeTensor)
        .collect();
    for (i, a) in ptrs.iter().enumerate() {
        if ptrs[..i].contains(a) {
            return Err(Error::from_reason(format!(
                "{op}: the same tensor was passed twice; param, grad and each state buffer must be distinct"
            )));
        }
    }
    Ok(())
}

#[napi(object)]
pub struct SgdOptions {
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub weight_decay: f64,
    pub nesterov: bool,
    /// The momentum buffer is new: it becomes the gradient (PyTorch's first step).
    pub first: bool,
}

#[napi(object)]
pub struct RmsPropOptions {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
}

#[napi(object)]
pub struct AdamOptions {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// This step's number, from 1.
    pub step: f64,
}

/// SGD step in place on `param` (and `momentumBuffer` when momentum ≠ 0).
#[napi(catch_unwind)]
pub fn sgd_step(
    mut param: ClassInstance<NativeTensor>,
    grad: ClassInstance<NativeTensor>,
    mut momentum_buffer: Option<ClassInstance<NativeTensor>>,
    options: SgdOptions,
) -> Result<()> {
    let op = "sgdStep";
    distinct(op, &[Some(&param), Some(&grad), momentum_buffer.as_ref()])?;
    let h = optim::Sgd {
        lr: options.lr,
        momentum: options.momentum,
        dampening: options.dampening,
        weight_decay: options.weight_decay,
        nesterov: options.nesterov,
        first: options.first,
    };
    let buf = match momentum_buffer.as_mut() {
        Some(b) => Some(b.get_mut(op)?),
        None => None,
    };
    optim::sgd_step(param.get_mut(op)?, grad.get(op)?, buf, &h).map_err(js_error)
}

/// RMSProp step in place on `param`, `squareAvg`, and `gradAvg` (centered) /
/// `momentumBuffer` (momentum > 0) when given.
#[napi(catch_unwind)]
pub fn rmsprop_step(
    mut param: ClassInstance<NativeTensor>,
    grad: ClassInstance<NativeTensor>,
    mut square_avg: ClassInstance<NativeTensor>,
    mut grad_avg: Option<ClassInstance<NativeTensor>>,
    mut momentum_buffer: Option<ClassInstance<NativeTensor>>,
    options: RmsPropOptions,
) -> Result<()> {
    let op = "rmspropStep";
    distinct(
        op,
        &[
            Some(&param),
            Some(&grad),
            Some(&square_avg),
            grad_avg.as_ref(),
            momentum_buffer.as_ref(),
        ],
    )?;
    let h = optim::RmsProp {
        lr: options.lr,
        alpha: options.alpha,
        eps: options.eps,
        weight_decay: options.weight_decay,
        momentum: options.momentum,
        centered: options.centered,
    };
    let ga = match grad_avg.as_mut() {
        Some(t) => Some(t.get_mut(op)?),
        None => None,
    };
    let buf = match momentum_buffer.as_mut() {
        Some(t) => Some(t.get_mut(op)?),
        None => None,
    };
    optim::rmsprop_step(
        param.get_mut(op)?,
        grad.get(op)?,
        square_avg.get_mut(op)?,
        ga,
        buf,
        &h,
    )
    .map_err(js_error)
}

/// Adam step in place on `param`, `expAvg` and `expAvgSq`.
#[napi(catch_unwind)]
pub fn adam_step(
    mut param: ClassInstance<NativeTensor>,
    grad: ClassInstance<NativeTensor>,
    mut exp_avg: ClassInstance<NativeTensor>,
    mut exp_avg_sq: ClassInstance<NativeTensor>,
    options: AdamOptions,
) -> Result<()> {
    let op = "adamStep";
    distinct(
        op,
        &[Some(&param), Some(&grad), Some(&exp_avg), Some(&exp_avg_sq)],
    )?;
    let h = optim::Adam {
        lr: options.lr,
        beta1: options.beta1,
        beta2: options.beta2,
        eps: options.eps,
        weight_decay: options.weight_decay,
        step: options.step,
    };
    optim::adam_step(
        param.get_mut(op)?,
        grad.get(op)?,
        exp_avg.get_mut(op)?,
        exp_avg_sq.get_mut(op)?,
        &h,
    )
    .map_err(js_error)
}
