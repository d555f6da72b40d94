//! Reductions along one axis of x seen as [outer, n, inner].

use crate::desc::reduce::ReduceOp;
use crate::{Result, Tensor};

pub trait ReduceBackend {
    /// [outer·inner]: `op` over the n values of each (outer, inner) pair.
    fn reduce_axis(
        &self,
        op: ReduceOp,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
    ) -> Result<Tensor>;

    /// int32 index of each maximum, shaped `shape`.
    fn argmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor>;
}
