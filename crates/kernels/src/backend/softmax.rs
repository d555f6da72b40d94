//! Softmax and log-softmax along one axis of x seen as [outer, n, inner].

use crate::{Result, Tensor};

pub trait SoftmaxBackend {
    fn softmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        log: bool,
    ) -> Result<Tensor>;
}
