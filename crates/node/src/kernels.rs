//! One exported function per kernel family; the op name selects the kernel.

use foveate_kernels::ops::{binary, layout, matmul, random, reduce, scatter, softmax, unary};
use foveate_kernels::{Device, Tensor};
use napi::{Error, Result};
use napi_derive::napi;

use crate::tensor::{dims, js_error, NewTensor, TensorRef};

fn out(r: foveate_kernels::Result<Tensor>) -> Result<NewTensor> {
    r.map(NewTensor).map_err(js_error)
}

fn safe_u64(op: &str, name: &str, v: f64) -> Result<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 {
        Ok(v as u64)
    } else {
        Err(Error::from_reason(format!(
            "{op}: {name} = {v} must be a non-negative safe integer"
        )))
    }
}

/// Elementwise unary op `op` (exp, log, sigmoid, …; `param` for the *Scalar ops).
#[napi(catch_unwind)]
pub fn unary(op: String, x: TensorRef, param: f64) -> Result<NewTensor> {
    let kind = unary::UnaryKind::parse(&op).map_err(js_error)?;
    let op = unary::UnaryOp {
        kind,
        param: param as f32,
    };
    out(unary::unary(op, x.get(kind.name())?))
}

/// Elementwise binary op with broadcasting (add, sub, mul, div, pow, maximum, minimum, gt, lt, eq).
#[napi(catch_unwind)]
pub fn binary(op: String, a: TensorRef, b: TensorRef) -> Result<NewTensor> {
    let op = binary::BinaryOp::parse(&op).map_err(js_error)?;
    out(binary::binary(op, a.get(op.name())?, b.get(op.name())?))
}

/// a·b for rank-2/3 operands, either read transposed.
#[napi(catch_unwind)]
pub fn matmul(a: TensorRef, b: TensorRef, trans_a: bool, trans_b: bool) -> Result<NewTensor> {
    out(matmul::matmul(
        a.get("matmul")?,
        b.get("matmul")?,
        trans_a,
        trans_b,
    ))
}

/// sum | mean | max | min over `axes` (all axes when empty).
#[napi(catch_unwind)]
pub fn reduce(op: String, x: TensorRef, axes: Vec<i64>, keepdims: bool) -> Result<NewTensor> {
    out(reduce::reduce(&op, x.get(&op)?, &axes, keepdims))
}

#[napi(catch_unwind)]
pub fn argmax(x: TensorRef, axis: i64, keepdims: bool) -> Result<NewTensor> {
    out(reduce::argmax(x.get("argmax")?, axis, keepdims))
}

#[napi(catch_unwind)]
pub fn softmax(x: TensorRef, axis: i64, log: bool) -> Result<NewTensor> {
    out(softmax::softmax(x.get("softmax")?, axis, log))
}

#[napi(catch_unwind)]
pub fn permute(x: TensorRef, perm: Vec<u32>) -> Result<NewTensor> {
    let perm: Vec<usize> = perm.into_iter().map(|p| p as usize).collect();
    out(layout::permute(x.get("permute")?, &perm))
}

#[napi(catch_unwind)]
pub fn slice(x: TensorRef, starts: Vec<f64>, ends: Vec<f64>, steps: Vec<f64>) -> Result<NewTensor> {
    let (s, e, k) = (
        dims("slice", &starts)?,
        dims("slice", &ends)?,
        dims("slice", &steps)?,
    );
    out(layout::slice(x.get("slice")?, &s, &e, &k))
}

#[napi(catch_unwind)]
pub fn expand(x: TensorRef, shape: Vec<f64>) -> Result<NewTensor> {
    out(layout::expand(x.get("expand")?, &dims("expand", &shape)?))
}

#[napi(catch_unwind)]
pub fn concat(tensors: Vec<TensorRef>, axis: i64) -> Result<NewTensor> {
    let parts: Vec<&Tensor> = tensors
        .iter()
        .map(|t| t.get("concat"))
        .collect::<Result<_>>()?;
    out(layout::concat(&parts, axis))
}

#[napi(catch_unwind)]
pub fn index_select(x: TensorRef, axis: i64, index: TensorRef) -> Result<NewTensor> {
    out(layout::index_select(
        x.get("indexSelect")?,
        axis,
        index.get("indexSelect")?,
    ))
}

#[napi(catch_unwind)]
pub fn gather(x: TensorRef, axis: i64, index: TensorRef) -> Result<NewTensor> {
    out(layout::gather(x.get("gather")?, axis, index.get("gather")?))
}

/// A random tensor from the Philox stream (`seed`, `offset`): uniform(a, b),
/// normal(mean a, std b) or bernoulli(p = a).
#[napi(catch_unwind)]
pub fn random(
    dist: String,
    shape: Vec<f64>,
    a: f64,
    b: f64,
    seed: f64,
    offset: f64,
    device: String,
) -> Result<NewTensor> {
    let d = random::parse("random", &dist, a as f32, b as f32).map_err(js_error)?;
    let dev = Device::parse("random", &device).map_err(js_error)?;
    let (seed, offset) = (
        safe_u64("random", "seed", seed)?,
        safe_u64("random", "offset", offset)?,
    );
    out(random::random(
        d,
        dims("random", &shape)?,
        seed,
        offset,
        dev,
    ))
}

/// Zeros of `shape` with `src` written where slice(starts, steps) reads (slice's gradient).
#[napi(catch_unwind)]
pub fn slice_scatter(
    src: TensorRef,
    shape: Vec<f64>,
    starts: Vec<f64>,
    steps: Vec<f64>,
) -> Result<NewTensor> {
    let (shape, starts, steps) = (
        dims("sliceScatter", &shape)?,
        dims("sliceScatter", &starts)?,
        dims("sliceScatter", &steps)?,
    );
    out(scatter::slice_scatter(
        src.get("sliceScatter")?,
        &shape,
        &starts,
        &steps,
    ))
}

/// Rows of `src` summed into `dim` slots on `axis` by `index` (indexSelect's gradient).
#[napi(catch_unwind)]
pub fn index_add(src: TensorRef, axis: i64, index: TensorRef, dim: u32) -> Result<NewTensor> {
    out(scatter::index_add(
        src.get("indexAdd")?,
        axis,
        index.get("indexAdd")?,
        dim as usize,
    ))
}

/// `src` summed into zeros of `shape` at `index` along `axis` (gather's gradient).
#[napi(catch_unwind)]
pub fn scatter_add(
    src: TensorRef,
    axis: i64,
    index: TensorRef,
    shape: Vec<f64>,
) -> Result<NewTensor> {
    out(scatter::scatter_add(
        src.get("scatterAdd")?,
        axis,
        index.get("scatterAdd")?,
        &dims("scatterAdd", &shape)?,
    ))
}
