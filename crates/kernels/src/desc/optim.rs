//! Optimiser options as JavaScript passes them (f64, PyTorch names) and the f32
//! coefficients the kernels use, derived in f64 and rounded once as PyTorch does.

use crate::{bail, Result};

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
