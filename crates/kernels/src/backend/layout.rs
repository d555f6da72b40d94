//! Data movement: strided copies (permute, slice, expand), concat, index_select,
//! gather. Float32 and int32 alike; the dtype is kept.

use crate::{Result, Tensor};

pub trait LayoutBackend {
    /// out[i] = x[offset + Σ_d i_d·view[d]] for every index i of `out`.
    fn strided_copy(
        &self,
        x: &Tensor,
        offset: usize,
        out: Vec<usize>,
        view: &[usize],
    ) -> Result<Tensor>;

    /// Parts seen as [outer, width_i] laid side by side into `out`.
    fn concat(
        &self,
        parts: &[&Tensor],
        outer: usize,
        widths: &[usize],
        out: Vec<usize>,
    ) -> Result<Tensor>;

    /// x [outer, n, inner] rows picked by `index` (int32, values in 0..n).
    fn index_select(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        index: &Tensor,
        out: Vec<usize>,
    ) -> Result<Tensor>;

    /// PyTorch's gather along `axis`; `out` is index's shape.
    fn gather(&self, x: &Tensor, index: &Tensor, axis: usize, out: Vec<usize>) -> Result<Tensor>;
}
