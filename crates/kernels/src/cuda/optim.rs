//! Fused optimiser steps on the GPU (kernels/optim.cu), in place.

use cudarc::driver::{CudaSlice, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::f32_slice;
use super::Cuda;
use crate::backend::OptimBackend;
use crate::desc::optim::{AdamCoef, RmsPropCoef, SgdCoef};
use crate::{Result, Storage, Tensor};

fn slice_mut<'a>(op: &str, name: &str, t: &'a mut Tensor) -> Result<&'a mut CudaSlice<f32>> {
    let err = t.kind_error(op, name, "a float32 tensor on cuda");
    match t.storage_mut() {
        Storage::CudaF32(s) => Ok(s),
        _ => Err(err),
    }
}

/// A null device pointer, for the `float*` of a state buffer the chosen
/// template instance never reads.
const NULL: u64 = 0;

fn sgd(param: &mut Tensor, grad: &Tensor, buf: Option<&mut Tensor>, c: &SgdCoef) -> Result<()> {
    let op = "sgdStep";
    let g = gpu(op)?;
    let n = param.numel();
    if n == 0 {
        return Ok(());
    }
    let gr = f32_slice(op, grad)?;
    let p = slice_mut(op, "param", param)?;
    let n64 = n as u64;
    match buf {
        None => {
            let f = g.function(op, "optim", "osgd_f32")?;
            let mut l = g.stream.launch_builder(&f);
            l.arg(p)
                .arg(gr)
                .arg(&n64)
                .arg(&c.neg_lr)
                .arg(&c.weight_decay);
            // SAFETY: argument types match osgd_f32 in optim.cu.
            unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
        }
        Some(b) => {
            let b = slice_mut(op, "momentumBuffer", b)?;
            let (nesterov, first) = (c.nesterov as i32, c.first as i32);
            let f = g.function(op, "optim", "osgd_momentum_f32")?;
            let mut l = g.stream.launch_builder(&f);
            l.arg(p)
                .arg(gr)
                .arg(b)
                .arg(&n64)
                .arg(&c.neg_lr)
                .arg(&c.momentum)
                .arg(&c.one_minus_dampening)
                .arg(&c.weight_decay)
                .arg(&nesterov)
                .arg(&first);
            // SAFETY: argument types match osgd_momentum_f32 in optim.cu.
            unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
        }
    }
    Ok(())
}

fn rmsprop(
    param: &mut Tensor,
    grad: &Tensor,
    square_avg: &mut Tensor,
    grad_avg: Option<&mut Tensor>,
    buf: Option<&mut Tensor>,
    c: &RmsPropCoef,
) -> Result<()> {
    let op = "rmspropStep";
    let g = gpu(op)?;
    let n = param.numel();
    if n == 0 {
        return Ok(());
    }
    let name = match (grad_avg.is_some(), buf.is_some()) {
        (false, false) => "ormsprop_f32",
        (true, false) => "ormsprop_centered_f32",
        (false, true) => "ormsprop_momentum_f32",
        (true, true) => "ormsprop_centered_momentum_f32",
    };
    let gr = f32_slice(op, grad)?;
    let p = slice_mut(op, "param", param)?;
    let sq = slice_mut(op, "squareAvg", square_avg)?;
    let ga = match grad_avg {
        Some(t) => Some(slice_mut(op, "gradAvg", t)?),
        None => None,
    };
    let b = match buf {
        Some(t) => Some(slice_mut(op, "momentumBuffer", t)?),
        None => None,
    };
    let f = g.function(op, "optim", name)?;
    let n64 = n as u64;
    let mut l = g.stream.launch_builder(&f);
    l.arg(p).arg(gr).arg(sq);
    match ga {
        Some(s) => l.arg(s),
        None => l.arg(&NULL),
    };
    match b {
        Some(s) => l.arg(s),
        None => l.arg(&NULL),
    };
    l.arg(&n64)
        .arg(&c.neg_lr)
        .arg(&c.alpha)
        .arg(&c.one_minus_alpha)
        .arg(&c.eps)
        .arg(&c.weight_decay)
        .arg(&c.momentum);
    // SAFETY: argument types match the ormsprop_* kernels in optim.cu; a NULL
    // (8-byte) pointer stands only for a buffer the chosen instance never reads.
    unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    Ok(())
}

fn adam(
    param: &mut Tensor,
    grad: &Tensor,
    exp_avg: &mut Tensor,
    exp_avg_sq: &mut Tensor,
    c: &AdamCoef,
) -> Result<()> {
    let op = "adamStep";
    let g = gpu(op)?;
    let n = param.numel();
    if n == 0 {
        return Ok(());
    }
    let gr = f32_slice(op, grad)?;
    let p = slice_mut(op, "param", param)?;
    let m = slice_mut(op, "expAvg", exp_avg)?;
    let v = slice_mut(op, "expAvgSq", exp_avg_sq)?;
    let f = g.function(op, "optim", "oadam_f32")?;
    let n64 = n as u64;
    let mut l = g.stream.launch_builder(&f);
    l.arg(p)
        .arg(gr)
        .arg(m)
        .arg(v)
        .arg(&n64)
        .arg(&c.neg_step_size)
        .arg(&c.one_minus_beta1)
        .arg(&c.beta2)
        .arg(&c.one_minus_beta2)
        .arg(&c.bc2_sqrt)
        .arg(&c.eps)
        .arg(&c.weight_decay);
    // SAFETY: argument types match oadam_f32 in optim.cu.
    unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    Ok(())
}

impl OptimBackend for Cuda {
    fn sgd_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        momentum_buffer: Option<&mut Tensor>,
        coef: &SgdCoef,
    ) -> Result<()> {
        sgd(param, grad, momentum_buffer, coef)
    }

    fn rmsprop_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        square_avg: &mut Tensor,
        grad_avg: Option<&mut Tensor>,
        momentum_buffer: Option<&mut Tensor>,
        coef: &RmsPropCoef,
    ) -> Result<()> {
        rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, coef)
    }

    fn adam_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        exp_avg: &mut Tensor,
        exp_avg_sq: &mut Tensor,
        coef: &AdamCoef,
    ) -> Result<()> {
        adam(param, grad, exp_avg, exp_avg_sq, coef)
    }
}
