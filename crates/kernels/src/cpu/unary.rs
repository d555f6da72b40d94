//! Elementwise unary kernels: one pass, parallel over chunks for large inputs.

use rayon::prelude::*;

use super::PARALLEL_MIN;
use crate::ops::unary::UnaryOp;

pub fn apply(op: UnaryOp, x: &[f32]) -> Vec<f32> {
    let f = |v: f32| op.apply(v);
    if x.len() < PARALLEL_MIN {
        x.iter().map(|&v| f(v)).collect()
    } else {
        x.par_iter()
            .with_min_len(PARALLEL_MIN / 4)
            .map(|&v| f(v))
            .collect()
    }
}
