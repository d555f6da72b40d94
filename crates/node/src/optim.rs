//! Fused optimiser steps: the only functions here that mutate their arguments
//! (the parameter and its state buffers, in place). Each of those is a
//! `TensorMut`, lent out of the table for the call, so passing one tensor twice
//! is an error naming the step rather than aliased mutable buffers.

use foveate_kernels::ops::optim;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, TensorMut, TensorRef};

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
    mut param: TensorMut,
    grad: TensorRef,
    mut momentum_buffer: Option<TensorMut>,
    options: SgdOptions,
) -> Result<()> {
    let op = "sgdStep";
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
    mut param: TensorMut,
    grad: TensorRef,
    mut square_avg: TensorMut,
    mut grad_avg: Option<TensorMut>,
    mut momentum_buffer: Option<TensorMut>,
    options: RmsPropOptions,
) -> Result<()> {
    let op = "rmspropStep";
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
    mut param: TensorMut,
    grad: TensorRef,
    mut exp_avg: TensorMut,
    mut exp_avg_sq: TensorMut,
    options: AdamOptions,
) -> Result<()> {
    let op = "adamStep";
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
