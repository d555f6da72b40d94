//! Elementwise unary ops (the table of names and formulas: `desc/unary.rs`).

pub use crate::desc::unary::{UnaryKind, UnaryLoop, UnaryOp};

use super::check;
use super::dispatch::backend;
use crate::{Result, Tensor};

pub fn unary(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
    let name = op.kind.name();
    check::float32(name, "x", x)?;
    backend(name, x.device())?.unary(op, x)
}
