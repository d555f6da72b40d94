//! Elementwise unary ops (the table: `desc/unary.rs`).

use crate::desc::unary::UnaryOp;
use crate::{Result, Tensor};

pub trait UnaryBackend {
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor>;
}
