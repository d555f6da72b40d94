//! Fused optimiser steps, in place on the parameter and its state buffers.

use crate::desc::optim::{AdamCoef, RmsPropCoef, SgdCoef};
use crate::{Result, Tensor};

pub trait OptimBackend {
    /// `momentum_buffer` is Some when momentum ≠ 0.
    fn sgd_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        momentum_buffer: Option<&mut Tensor>,
        coef: &SgdCoef,
    ) -> Result<()>;

    /// `grad_avg` is Some when centered, `momentum_buffer` when momentum > 0.
    fn rmsprop_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        square_avg: &mut Tensor,
        grad_avg: Option<&mut Tensor>,
        momentum_buffer: Option<&mut Tensor>,
        coef: &RmsPropCoef,
    ) -> Result<()>;

    fn adam_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        exp_avg: &mut Tensor,
        exp_avg_sq: &mut Tensor,
        coef: &AdamCoef,
    ) -> Result<()>;
}
