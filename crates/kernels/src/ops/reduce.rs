//! Reductions over axes: sum, mean, max, min (any set of axes) and argmax (one axis).

use super::check;
use super::dispatch::backend;
use super::unary::{unary, UnaryKind, UnaryOp};
pub use crate::desc::reduce::ReduceOp;
use crate::error::fmt_shape;
use crate::shape::{around_axis, axis as norm_axis};
use crate::{bail, Result, Tensor};

/// Normalised, sorted, de-duplicated axes; an empty list means every axis.
pub fn resolve_axes(op: &str, axes: &[i64], rank: usize) -> Result<Vec<usize>> {
    if axes.is_empty() {
        return Ok((0..rank).collect());
    }
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = norm_axis(op, a, rank)?;
        if out.contains(&a) {
            bail!(op, "axis {a} given twice");
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(out)
}

fn reduced_shape(shape: &[usize], axes: &[usize], keepdims: bool) -> Vec<usize> {
    let mut out = Vec::with_capacity(shape.len());
    for (i, &d) in shape.iter().enumerate() {
        if !axes.contains(&i) {
            out.push(d);
        } else if keepdims {
            out.push(1);
        }
    }
    out
}

/// `op` over `axes`; `mean` is a sum scaled by the reduced element count.
pub fn reduce(name: &str, x: &Tensor, axes: &[i64], keepdims: bool) -> Result<Tensor> {
    let op = match name {
        "sum" | "mean" => ReduceOp::Sum,
        "max" => ReduceOp::Max,
        "min" => ReduceOp::Min,
        _ => bail!("reduce", "unknown reduction '{name}'"),
    };
    let axes = resolve_axes(name, axes, x.shape().len())?;
    let count: usize = axes.iter().map(|&a| x.shape()[a]).product();
    if count == 0 && op != ReduceOp::Sum {
        bail!(
            name,
            "cannot reduce over an empty axis of shape {}",
            fmt_shape(x.shape())
        );
    }
    // Reduce the highest axis first so lower axis numbers stay valid.
    let mut shape = x.shape().to_vec();
    let mut current: Option<Tensor> = None;
    for &a in axes.iter().rev() {
        let src = current.as_ref().unwrap_or(x);
        let (outer, n, inner) = around_axis(&shape, a);
        let next = reduce_axis(op, src, outer, n, inner)?;
        shape.remove(a);
        current = Some(next);
    }
    let mut out = match current {
        Some(t) => t,
        None => x.reshape(shape.clone())?,
    };
    if name == "mean" {
        out = unary(
            UnaryOp {
                kind: UnaryKind::MulScalar,
                param: 1.0 / count as f32,
            },
            &out,
        )?;
    }
    out.reshape(reduced_shape(x.shape(), &axes, keepdims))
}

fn reduce_axis(op: ReduceOp, x: &Tensor, outer: usize, n: usize, inner: usize) -> Result<Tensor> {
    check::float32(op.name(), "x", x)?;
    backend(op.name(), x.device())?.reduce_axis(op, x, outer, n, inner)
}

/// Index of the maximum along one axis, as int32.
pub fn argmax(x: &Tensor, axis: i64, keepdims: bool) -> Result<Tensor> {
    let a = norm_axis("argmax", axis, x.shape().len())?;
    let (outer, n, inner) = around_axis(x.shape(), a);
    if n == 0 {
        bail!(
            "argmax",
            "cannot reduce over an empty axis of shape {}",
            fmt_shape(x.shape())
        );
    }
    let shape = reduced_shape(x.shape(), &[a], keepdims);
    check::float32("argmax", "x", x)?;
    backend("argmax", x.device())?.argmax_axis(x, outer, n, inner, shape)
}
