//! Softmax and log-softmax along one axis of a tensor viewed as [outer, n, inner],
//! shifted by the maximum so large logits do not overflow.

use super::parallel::for_each_row_mut;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::SoftmaxBackend;
use crate::{Result, Tensor};

pub fn softmax_axis(
    x: &[f32],
    _outer: usize,
    n: usize,
    inner: usize,
    log: bool,
) -> Result<Vec<f32>> {
    let op = if log { "logSoftmax" } else { "softmax" };
    let mut out = crate::memory::zeroed(op, x.len())?;
    let block = |(o, dst): (usize, &mut [f32])| {
        let src = &x[o * n * inner..(o + 1) * n * inner];
        for i in 0..inner {
            let at = |j: usize| j * inner + i;
            let max = (0..n).map(|j| src[at(j)]).fold(f32::NEG_INFINITY, f32::max);
            let shift = if max.is_finite() { max } else { 0.0 };
            let sum: f64 = (0..n).map(|j| ((src[at(j)] - shift) as f64).exp()).sum();
            if log {
                let lse = sum.ln() as f32;
                for j in 0..n {
                    dst[at(j)] = src[at(j)] - shift - lse;
                }
            } else {
                let inv = 1.0 / sum;
                for j in 0..n {
                    dst[at(j)] = (((src[at(j)] - shift) as f64).exp() * inv) as f32;
                }
            }
        }
    };
    let row = (n * inner).max(1);
    if x.len() < PARALLEL_MIN {
        out.chunks_mut(row).enumerate().for_each(block);
    } else {
        for_each_row_mut(&mut out, row, PARALLEL_MIN / 8, |i, r| block((i, r)));
    }
    Ok(out)
}

impl SoftmaxBackend for Cpu {
    fn softmax_axis(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        log: bool,
    ) -> Result<Tensor> {
        let v = x.cpu_f32_data(if log { "logSoftmax" } else { "softmax" }, "x")?;
        Ok(Tensor::cpu_f32(
            softmax_axis(v, outer, n, inner, log)?,
            x.shape().to_vec(),
        ))
    }
}
