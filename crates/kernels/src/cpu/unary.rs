//! Elementwise unary kernels: one pass, parallel over chunks for large inputs.
//! Each op runs its own monomorphised loop (`UnaryOp::dispatch`), so it vectorises.

use super::parallel::for_each_chunk_mut;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::UnaryBackend;
use crate::desc::unary::{UnaryLoop, UnaryOp};
use crate::{Result, Tensor};

struct Map<'a>(&'a str, &'a [f32]);

impl UnaryLoop for Map<'_> {
    type Output = Result<Vec<f32>>;
    fn run(self, f: impl Fn(f32) -> f32 + Copy + Send + Sync) -> Result<Vec<f32>> {
        map(self.0, self.1, f)
    }
}

/// f over x: below PARALLEL_MIN on this thread, above it in chunks on the pool.
/// The output is allocated fallibly (an error naming `op`).
pub(crate) fn map(
    op: &str,
    x: &[f32],
    f: impl Fn(f32) -> f32 + Copy + Send + Sync,
) -> Result<Vec<f32>> {
    let mut out = crate::memory::zeroed(op, x.len())?;
    let chunk = |(o, x): (&mut [f32], &[f32])| map_into_best(o, x, f);
    if x.len() < PARALLEL_MIN {
        chunk((&mut out, x));
    } else {
        let n = PARALLEL_MIN / 4;
        for_each_chunk_mut(&mut out, n, |i, o| {
            let len = o.len();
            chunk((o, &x[i * n..i * n + len]))
        });
    }
    Ok(out)
}

#[inline(always)]
fn map_into<F: Fn(f32) -> f32>(o: &mut [f32], x: &[f32], f: F) {
    for (o, &v) in o.iter_mut().zip(x) {
        *o = f(v);
    }
}

super::multiversion!(pub(crate) map_into_best<F: Fn(f32) -> f32>, map_into, (o: &mut [f32], x: &[f32], f: F));

pub fn apply(op: UnaryOp, x: &[f32]) -> Result<Vec<f32>> {
    op.dispatch(Map(op.kind.name(), x))
}

impl UnaryBackend for Cpu {
    fn unary(&self, op: UnaryOp, x: &Tensor) -> Result<Tensor> {
        let v = x.cpu_f32_data(op.kind.name(), "x")?;
        Ok(Tensor::cpu_f32(apply(op, v)?, x.shape().to_vec()))
    }
}
