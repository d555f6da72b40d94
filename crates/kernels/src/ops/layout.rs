//! Layout ops: reshape-free data movement (permute, slice, expand, concat,
//! index_select, gather). Each validates its arguments and names them in errors.

use super::dispatch::backend;
use crate::error::fmt_shape;
use crate::shape::{axis as norm_axis, check_rank, numel, strides};
use crate::{bail, Result, Tensor};

/// A strided view copied out: the common core of permute, slice and expand.
fn strided(
    op: &str,
    x: &Tensor,
    offset: usize,
    out: Vec<usize>,
    view_strides: Vec<usize>,
) -> Result<Tensor> {
    check_rank(op, &out)?;
    crate::memory::check_alloc(op, &out, 4)?;
    backend(op, x.device())?.strided_copy(x, offset, out, &view_strides)
}

pub fn permute(x: &Tensor, perm: &[usize]) -> Result<Tensor> {
    let rank = x.shape().len();
    let mut seen = vec![false; rank];
    if perm.len() != rank
        || perm
            .iter()
            .any(|&p| p >= rank || std::mem::replace(&mut seen[p], true))
    {
        bail!(
            "permute",
            "perm {perm:?} is not a permutation of the {rank} axes of {}",
            fmt_shape(x.shape())
        );
    }
    let s = strides(x.shape());
    let out = perm.iter().map(|&p| x.shape()[p]).collect();
    strided("permute", x, 0, out, perm.iter().map(|&p| s[p]).collect())
}

/// x[start_d..end_d:step_d] on every axis (bounds already non-negative).
pub fn slice(x: &Tensor, starts: &[usize], ends: &[usize], steps: &[usize]) -> Result<Tensor> {
    let shape = x.shape();
    let rank = shape.len();
    if starts.len() != rank || ends.len() != rank || steps.len() != rank {
        bail!(
            "slice",
            "starts/ends/steps need {rank} entries for shape {}, got {}/{}/{}",
            fmt_shape(shape),
            starts.len(),
            ends.len(),
            steps.len()
        );
    }
    let s = strides(shape);
    let mut out = Vec::with_capacity(rank);
    let mut offset = 0;
    for d in 0..rank {
        let (a, b, k) = (starts[d], ends[d], steps[d]);
        if k == 0 || a > b || b > shape[d] {
            bail!(
                "slice",
                "axis {d}: range {a}..{b} step {k} is invalid for size {} of shape {}",
                shape[d],
                fmt_shape(shape)
            );
        }
        out.push((b - a).div_ceil(k));
        if b > a {
            offset += a * s[d];
        }
    }
    let view: Vec<usize> = (0..rank).map(|d| s[d] * steps[d]).collect();
    strided("slice", x, offset, out, view)
}

/// Broadcasts x to `shape` (NumPy rules), materialised.
pub fn expand(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let out = crate::shape::broadcast("expand", x.shape(), shape)?;
    if out != shape {
        bail!(
            "expand",
            "cannot expand {} to {}",
            fmt_shape(x.shape()),
            fmt_shape(shape)
        );
    }
    let view = crate::shape::broadcast_strides(x.shape(), shape);
    strided("expand", x, 0, out, view)
}

pub fn concat(parts: &[&Tensor], axis: i64) -> Result<Tensor> {
    let Some(first) = parts.first() else {
        bail!("concat", "needs at least one tensor");
    };
    let rank = first.shape().len();
    let a = norm_axis("concat", axis, rank)?;
    let mut out = first.shape().to_vec();
    out[a] = 0;
    for (i, p) in parts.iter().enumerate() {
        let same_rest = p.shape().len() == rank
            && (0..rank).all(|d| d == a || p.shape()[d] == first.shape()[d]);
        if !same_rest || p.dtype() != first.dtype() || p.device() != first.device() {
            bail!(
                "concat",
                "tensors[{i}] is {} {} on {}, expected {} on {} matching {} except on axis {a}",
                p.dtype().name(),
                fmt_shape(p.shape()),
                p.device().name(),
                first.dtype().name(),
                first.device().name(),
                fmt_shape(first.shape())
            );
        }
        out[a] += p.shape()[a];
    }
    let outer = numel(&out[..a]);
    crate::memory::check_alloc("concat", &out, 4)?;
    let widths: Vec<usize> = parts.iter().map(|p| numel(&p.shape()[a..])).collect();
    backend("concat", first.device())?.concat(parts, outer, &widths, out)
}

/// Checks `index` is int32 on x's device with every value in 0..limit.
pub(crate) fn check_index(op: &str, index: &Tensor, x: &Tensor, limit: usize) -> Result<()> {
    if index.device() != x.device() {
        bail!(
            op,
            "index on {} but x on {}",
            index.device().name(),
            x.device().name()
        );
    }
    let values = index
        .to_i32_vec()
        .map_err(|_| index.kind_error(op, "index", "an int32 tensor"))?;
    if let Some((i, &v)) = values
        .iter()
        .enumerate()
        .find(|(_, &v)| v < 0 || v as usize >= limit)
    {
        bail!(
            op,
            "index[{i}] = {v} is out of range 0..{limit} for x {}",
            fmt_shape(x.shape())
        );
    }
    Ok(())
}

/// out = x.shape[..axis] + index.shape + x.shape[axis+1..] (NumPy's take, PyTorch's index_select).
pub fn index_select(x: &Tensor, axis: i64, index: &Tensor) -> Result<Tensor> {
    let a = norm_axis("indexSelect", axis, x.shape().len())?;
    check_index("indexSelect", index, x, x.shape()[a])?;
    let (outer, n, inner) = crate::shape::around_axis(x.shape(), a);
    let mut out = x.shape()[..a].to_vec();
    out.extend_from_slice(index.shape());
    out.extend_from_slice(&x.shape()[a + 1..]);
    check_rank("indexSelect", &out)?;
    crate::memory::check_alloc("indexSelect", &out, 4)?;
    backend("indexSelect", x.device())?.index_select(x, outer, n, inner, index, out)
}

/// PyTorch's gather along `axis`: index has x's rank and, off the axis, no larger sizes.
pub fn gather(x: &Tensor, axis: i64, index: &Tensor) -> Result<Tensor> {
    let rank = x.shape().len();
    let a = norm_axis("gather", axis, rank)?;
    let ok = index.shape().len() == rank
        && (0..rank).all(|d| d == a || index.shape()[d] <= x.shape()[d]);
    if !ok {
        bail!(
            "gather",
            "index {} does not fit x {} along axis {a}",
            fmt_shape(index.shape()),
            fmt_shape(x.shape())
        );
    }
    check_index("gather", index, x, x.shape()[a])?;
    let out = index.shape().to_vec();
    crate::memory::check_alloc("gather", &out, 4)?;
    backend("gather", x.device())?.gather(x, index, a, out)
}
