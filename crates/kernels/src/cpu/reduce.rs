//! Reductions over one axis of a tensor viewed as [outer, n, inner].
//! Sums accumulate in f64 so long axes keep float32 accuracy.

use super::parallel::for_each_row_mut;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::ReduceBackend;
use crate::desc::reduce::ReduceOp;
use crate::math::sum_f64;
use crate::{Result, Tensor};

pub fn reduce_axis(op: ReduceOp, x: &[f32], outer: usize, n: usize, inner: usize) -> Vec<f32> {
    let mut out = vec![0f32; outer * inner];
    let block = |(o, dst): (usize, &mut [f32])| {
        let src = &x[o * n * inner..(o + 1) * n * inner];
        match op {
            ReduceOp::Sum => sum_rows(src, n, inner, dst),
            ReduceOp::Max => fold_rows(src, n, inner, dst, |acc, v| {
                if v > acc || v.is_nan() {
                    v
                } else {
                    acc
                }
            }),
            ReduceOp::Min => fold_rows(src, n, inner, dst, |acc, v| {
                if v < acc || v.is_nan() {
                    v
                } else {
                    acc
                }
            }),
        }
    };
    // Parallel over the outer blocks only: a single block on the pool would
    // only add a thread handoff.
    if x.len() < PARALLEL_MIN || inner == 0 || outer < 2 {
        out.chunks_mut(inner.max(1)).enumerate().for_each(block);
    } else {
        for_each_row_mut(&mut out, inner, 1, |o, dst| block((o, dst)));
    }
    out
}

/// Σ over the n rows of src [n, inner] into dst [inner], accumulated in f64.
#[inline(always)]
fn sum_rows_body(src: &[f32], n: usize, inner: usize, dst: &mut [f32]) {
    if inner == 1 {
        dst[0] = sum_f64(&src[..n], |v| v as f64) as f32;
        return;
    }
    let mut acc = vec![0f64; inner];
    for row in src.chunks_exact(inner).take(n) {
        for (a, &v) in acc.iter_mut().zip(row) {
            *a += v as f64;
        }
    }
    for (d, a) in dst.iter_mut().zip(acc) {
        *d = a as f32;
    }
}

super::multiversion!(sum_rows, sum_rows_body, (src: &[f32], n: usize, inner: usize, dst: &mut [f32]));

fn fold_rows(src: &[f32], n: usize, inner: usize, dst: &mut [f32], f: impl Fn(f32, f32) -> f32) {
    dst.copy_from_slice(&src[..inner]);
    for j in 1..n {
        for (d, &v) in dst.iter_mut().zip(&src[j * inner..(j + 1) * inner]) {
            *d = f(*d, v);
        }
    }
}

/// Index of the first maximum along the axis; a NaN counts as the maximum.
pub fn argmax_axis(x: &[f32], outer: usize, n: usize, inner: usize) -> Vec<i32> {
    let mut out = vec![0i32; outer * inner];
    for o in 0..outer {
        for i in 0..inner {
            let mut best = x[o * n * inner + i];
            let mut at = 0;
            for j in 1..n {
                let v = x[(o * n + j) * inner + i];
                if best.is_nan() {
                    break;
                }
                if v > best || v.is_nan() {
                    best = v;
                    at = j;
                }
            }
            out[o * inner + i] = at as i32;
        }
    }
    out
}

impl ReduceBackend for Cpu {
    fn reduce_axis(
        &self,
        op: ReduceOp,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
    ) -> Result<Tensor> {
        let v = x.cpu_f32_data(op.name(), "x")?;
        Ok(Tensor::cpu_f32(
            reduce_axis(op, v, outer, n, inner),
            vec![outer * inner],
        ))
    }

    fn argmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        let v = x.cpu_f32_data("argmax", "x")?;
        Ok(Tensor::cpu_i32(argmax_axis(v, outer, n, inner), shape))
    }
}
