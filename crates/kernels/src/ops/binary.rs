//! Elementwise binary ops with NumPy broadcasting; comparisons return 0/1 floats.

use super::check;
use super::dispatch::backend;
pub use crate::desc::binary::{BinaryLoop, BinaryOp};
use crate::shape::{broadcast, check_rank};
use crate::{bail, Result, Tensor};

pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let name = op.name();
    if a.device() != b.device() {
        bail!(
            name,
            "tensors on different devices, a on {} vs b on {}",
            a.device().name(),
            b.device().name()
        );
    }
    let out_shape = broadcast(name, a.shape(), b.shape())?;
    check_rank(name, &out_shape)?;
    crate::memory::check_alloc(name, &out_shape, 4)?;
    check::float32(name, "a", a)?;
    check::float32(name, "b", b)?;
    backend(name, a.device())?.binary(op, a, b, out_shape)
}
