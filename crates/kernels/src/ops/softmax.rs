//! Softmax and log-softmax over an axis.

use super::check;
use super::dispatch::backend;
use crate::shape::{around_axis, axis as norm_axis};
use crate::{Result, Tensor};

pub fn softmax(x: &Tensor, axis: i64, log: bool) -> Result<Tensor> {
    let op = if log { "logSoftmax" } else { "softmax" };
    let a = norm_axis(op, axis, x.shape().len())?;
    let (outer, n, inner) = around_axis(x.shape(), a);
    check::float32(op, "x", x)?;
    backend(op, x.device())?.softmax_axis(x, outer, n, inner, log)
}
