//! Elementwise unary kernels: one pass, parallel over chunks for large inputs.
//! Each op runs its own monomorphised loop (`UnaryOp::dispatch`), so it vectorises.

use rayon::prelude::*;

use super::PARALLEL_MIN;
use crate::ops::unary::{UnaryLoop, UnaryOp};

struct Map<'a>(&'a [f32]);

impl UnaryLoop for Map<'_> {
    type Output = Vec<f32>;
    fn run(self, f: impl Fn(f32) -> f32 + Copy + Send + Sync) -> Vec<f32> {
        map(self.0, f)
    }
}

/// f over x: below PARALLEL_MIN on this thread, above it in chunks on the pool.
pub(crate) fn map(x: &[f32], f: impl Fn(f32) -> f32 + Copy + Send + Sync) -> Vec<f32> {
    let mut out = vec![0f32; x.len()];
    let chunk = |(o, x): (&mut [f32], &[f32])| map_into_best(o, x, f);
    if x.len() < PARALLEL_MIN {
        chunk((&mut out, x));
    } else {
        let n = PARALLEL_MIN / 4;
        out.par_chunks_mut(n).zip(x.par_chunks(n)).for_each(chunk);
    }
    out
}

#[inline(always)]
fn map_into<F: Fn(f32) -> f32>(o: &mut [f32], x: &[f32], f: F) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = f(v);
    }
}

super::multiversion!(map_into_best<F: Fn(f32) -> f32>, map_into, (o: &mut [f32], x: &[f32], f: F));

pub fn apply(op: UnaryOp, x: &[f32]) -> Vec<f32> {
    op.dispatch(Map(x))
}
