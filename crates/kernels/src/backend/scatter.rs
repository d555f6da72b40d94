//! Scatters: the gradients of slice, index_select and gather (float32).

use crate::{Result, Tensor};

pub trait ScatterBackend {
    /// Zeros of `shape`, with src written at offset + Σ_d i_d·view[d].
    fn strided_scatter(
        &self,
        src: &Tensor,
        shape: Vec<usize>,
        offset: usize,
        view: &[usize],
    ) -> Result<Tensor>;

    /// src [outer, count, inner] rows summed into [outer, dim, inner] by `index`.
    #[allow(clippy::too_many_arguments)]
    fn index_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        outer: usize,
        count: usize,
        inner: usize,
        dim: usize,
        out: Vec<usize>,
    ) -> Result<Tensor>;

    /// Zeros of `shape`, then out[p with axis coordinate index[p]] += src[p].
    fn scatter_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        axis: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor>;
}
