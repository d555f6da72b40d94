//! Scatter ops: the gradients of slice, index_select and gather.

use super::check;
use super::dispatch::backend;
use super::layout::check_index;
use crate::error::fmt_shape;
use crate::shape::{axis as norm_axis, check_rank, numel, strides};
use crate::{bail, Result, Tensor};

/// Zeros of `shape` with `src` written where slice(starts, steps) reads.
pub fn slice_scatter(
    src: &Tensor,
    shape: &[usize],
    starts: &[usize],
    steps: &[usize],
) -> Result<Tensor> {
    let op = "sliceScatter";
    check_rank(op, shape)?;
    let rank = shape.len();
    let fits = src.shape().len() == rank
        && starts.len() == rank
        && steps.len() == rank
        && (0..rank).all(|d| {
            steps[d] >= 1
                && (src.shape()[d] == 0 || starts[d] + (src.shape()[d] - 1) * steps[d] < shape[d])
        });
    if !fits {
        bail!(
            op,
            "src {} does not fit in {} at starts {starts:?} steps {steps:?}",
            fmt_shape(src.shape()),
            fmt_shape(shape)
        );
    }
    let s = strides(shape);
    let offset: usize = (0..rank)
        .filter(|&d| src.shape()[d] > 0)
        .map(|d| starts[d] * s[d])
        .sum();
    let view: Vec<usize> = (0..rank).map(|d| s[d] * steps[d]).collect();
    check::float32(op, "src", src)?;
    crate::memory::check_alloc(op, shape, 4)?;
    backend(op, src.device())?.strided_scatter(src, shape.to_vec(), offset, &view)
}

/// src.shape[..axis] + [dim] + src.shape[axis+k..], summing src rows by index (rank k).
pub fn index_add(src: &Tensor, axis: i64, index: &Tensor, dim: usize) -> Result<Tensor> {
    let op = "indexAdd";
    let k = index.shape().len();
    let a = usize::try_from(axis).unwrap_or(usize::MAX);
    if a.saturating_add(k) > src.shape().len() || src.shape()[a..a + k] != *index.shape() {
        bail!(
            op,
            "index {} does not match src {} at axis {a}",
            fmt_shape(index.shape()),
            fmt_shape(src.shape())
        );
    }
    check_index(op, index, src, dim)?;
    let outer = numel(&src.shape()[..a]);
    let count = numel(index.shape());
    let inner = numel(&src.shape()[a + k..]);
    let mut out = src.shape()[..a].to_vec();
    out.push(dim);
    out.extend_from_slice(&src.shape()[a + k..]);
    check::float32(op, "src", src)?;
    crate::memory::check_alloc(op, &out, 4)?;
    backend(op, src.device())?.index_add(src, index, outer, count, inner, dim, out)
}

/// Zeros of `shape`, then out[p with axis coordinate index[p]] += src[p].
pub fn scatter_add(src: &Tensor, axis: i64, index: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let op = "scatterAdd";
    let rank = shape.len();
    let a = norm_axis(op, axis, rank)?;
    let fits = src.shape() == index.shape()
        && src.shape().len() == rank
        && (0..rank).all(|d| d == a || src.shape()[d] <= shape[d]);
    if !fits {
        bail!(
            op,
            "src {} and index {} do not fit {} along axis {a}",
            fmt_shape(src.shape()),
            fmt_shape(index.shape()),
            fmt_shape(shape)
        );
    }
    check_index(op, index, src, shape[a])?;
    check::float32(op, "src", src)?;
    crate::memory::check_alloc(op, shape, 4)?;
    backend(op, src.device())?.scatter_add(src, index, a, shape.to_vec())
}
