//! Fused optimiser steps: update a parameter and its state buffers in place.
//!
//! Hyper-parameters arrive as f64 (JavaScript numbers, like PyTorch's Python
//! floats); the scalars PyTorch derives from them (1 − α, lr / bias correction…)
//! are computed here in f64 and rounded to f32 once, as PyTorch does when a
//! Python scalar meets a float32 tensor.

use crate::error::fmt_shape;
use crate::{bail, cpu, Device, Result, Storage, Tensor};

/// SGD options (PyTorch names). `first`: the momentum buffer is new this step.
#[derive(Clone, Copy, Debug)]
pub struct Sgd {
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub weight_decay: f64,
    pub nesterov: bool,
    pub first: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct RmsProp {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
}

/// Adam options; `step` counts from 1 (the bias corrections use it).
#[derive(Clone, Copy, Debug)]
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub step: f64,
}

/// The f32 scalars the kernels use.
#[derive(Clone, Copy, Debug)]
pub struct SgdCoef {
    pub neg_lr: f32,
    pub momentum: f32,
    pub one_minus_dampening: f32,
    pub weight_decay: f32,
    pub nesterov: bool,
    pub first: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct RmsPropCoef {
    pub neg_lr: f32,
    pub alpha: f32,
    pub one_minus_alpha: f32,
    pub eps: f32,
    pub weight_decay: f32,
    pub momentum: f32,
}

#[derive(Clone, Copy, Debug)]
pub struct AdamCoef {
    pub neg_step_size: f32,
    pub one_minus_beta1: f32,
    pub beta2: f32,
    pub one_minus_beta2: f32,
    pub bc2_sqrt: f32,
    pub eps: f32,
    pub weight_decay: f32,
}

fn check_finite(op: &str, pairs: &[(&str, f64)]) -> Result<()> {
    for &(name, v) in pairs {
        if !v.is_finite() {
            bail!(op, "{name} must be finite, got {v}");
        }
    }
    Ok(())
}

impl Sgd {
    pub fn coef(&self) -> Result<SgdCoef> {
        let op = "sgdStep";
        check_finite(
            op,
            &[
                ("lr", self.lr),
                ("momentum", self.momentum),
                ("dampening", self.dampening),
                ("weightDecay", self.weight_decay),
            ],
        )?;
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            bail!(
                op,
                "nesterov needs momentum > 0 and dampening 0, got momentum {} dampening {}",
                self.momentum,
                self.dampening
            );
        }
        Ok(SgdCoef {
            neg_lr: -self.lr as f32,
            momentum: self.momentum as f32,
            one_minus_dampening: (1.0 - self.dampening) as f32,
            weight_decay: self.weight_decay as f32,
            nesterov: self.nesterov,
            first: self.first,
        })
    }
}

impl RmsProp {
    pub fn coef(&self) -> Result<RmsPropCoef> {
        check_finite(
            "rmspropStep",
            &[
                ("lr", self.lr),
                ("alpha", self.alpha),
                ("eps", self.eps),
                ("weightDecay", self.weight_decay),
                ("momentum", self.momentum),
            ],
        )?;
        Ok(RmsPropCoef {
            neg_lr: -self.lr as f32,
            alpha: self.alpha as f32,
            one_minus_alpha: (1.0 - self.alpha) as f32,
            eps: self.eps as f32,
            weight_decay: self.weight_decay as f32,
            momentum: self.momentum as f32,
        })
    }
}

impl Adam {
    pub fn coef(&self) -> Result<AdamCoef> {
        let op = "adamStep";
        check_finite(
            op,
            &[
                ("lr", self.lr),
                ("beta1", self.beta1),
                ("beta2", self.beta2),
                ("eps", self.eps),
                ("weightDecay", self.weight_decay),
            ],
        )?;
        if !(self.step >= 1.0 && self.step.fract() == 0.0 && self.step <= 9_007_199_254_740_991.0) {
            bail!(op, "step must be an integer ≥ 1, got {}", self.step);
        }
        // As torch/optim/adam.py: bias corrections and step size in Python floats (f64).
        let bc1 = 1.0 - self.beta1.powf(self.step);
        let bc2 = 1.0 - self.beta2.powf(self.step);
        Ok(AdamCoef {
            neg_step_size: -(self.lr / bc1) as f32,
            one_minus_beta1: (1.0 - self.beta1) as f32,
            beta2: self.beta2 as f32,
            one_minus_beta2: (1.0 - self.beta2) as f32,
            bc2_sqrt: bc2.sqrt() as f32,
            eps: self.eps as f32,
            weight_decay: self.weight_decay as f32,
        })
    }
}

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

fn cpu_mut<'a>(op: &str, name: &str, t: &'a mut Tensor) -> Result<&'a mut [f32]> {
    let err = t.kind_error(op, name, "a float32 tensor on cpu");
    match t.storage_mut() {
        Storage::CpuF32(v) => Ok(v.as_mut_slice()),
        _ => Err(err),
    }
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
    match param.device() {
        Device::Cpu => {
            let g = grad.cpu_f32_data(op, "grad")?;
            let buf = match momentum_buffer {
                Some(b) => Some(cpu_mut(op, "momentumBuffer", b)?),
                None => None,
            };
            cpu::optim::sgd(cpu_mut(op, "param", param)?, g, buf, &c);
            Ok(())
        }
        #[cfg(feature = "cuda")]
        Device::Cuda => crate::cuda::optim::sgd(param, grad, momentum_buffer, &c),
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => bail!(op, "this build of foveate has no CUDA support"),
    }
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
    match param.device() {
        Device::Cpu => {
            let g = grad.cpu_f32_data(op, "grad")?;
            let ga = match grad_avg {
                Some(t) => Some(cpu_mut(op, "gradAvg", t)?),
                None => None,
            };
            let buf = match momentum_buffer {
                Some(t) => Some(cpu_mut(op, "momentumBuffer", t)?),
                None => None,
            };
            let sq = cpu_mut(op, "squareAvg", square_avg)?;
            cpu::optim::rmsprop(cpu_mut(op, "param", param)?, g, sq, ga, buf, &c);
            Ok(())
        }
        #[cfg(feature = "cuda")]
        Device::Cuda => {
            crate::cuda::optim::rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, &c)
        }
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => bail!(op, "this build of foveate has no CUDA support"),
    }
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
    match param.device() {
        Device::Cpu => {
            let g = grad.cpu_f32_data(op, "grad")?;
            let m = cpu_mut(op, "expAvg", exp_avg)?;
            let v = cpu_mut(op, "expAvgSq", exp_avg_sq)?;
            cpu::optim::adam(cpu_mut(op, "param", param)?, g, m, v, &c);
            Ok(())
        }
        #[cfg(feature = "cuda")]
        Device::Cuda => crate::cuda::optim::adam(param, grad, exp_avg, exp_avg_sq, &c),
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => bail!(op, "this build of foveate has no CUDA support"),
    }
}
