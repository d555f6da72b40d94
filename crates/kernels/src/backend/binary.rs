//! Elementwise binary ops with NumPy broadcasting (the table: `desc/binary.rs`).

use crate::desc::binary::BinaryOp;
use crate::{Result, Tensor};

pub trait BinaryBackend {
    /// `a op b` broadcast to `out_shape`.
    fn binary(&self, op: BinaryOp, a: &Tensor, b: &Tensor, out_shape: Vec<usize>)
        -> Result<Tensor>;
}
