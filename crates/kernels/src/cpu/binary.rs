//! Elementwise binary kernels with broadcasting. Same-shape and scalar operands
//! take flat fast paths; anything else walks the output row by row with
//! per-operand strides (0 on broadcast axes), on ndarray's broadcasting views.
//! Each op runs its own monomorphised loop (`BinaryOp::dispatch`), so it vectorises.

use ndarray::{ArrayViewD, IxDyn, Zip};
use rayon::prelude::*;

use super::unary::map;
use super::PARALLEL_MIN;
use crate::ops::binary::{BinaryLoop, BinaryOp};

struct Operands<'a> {
    a: &'a [f32],
    sa: &'a [usize],
    b: &'a [f32],
    sb: &'a [usize],
    out: &'a [usize],
}

impl BinaryLoop for Operands<'_> {
    type Output = Vec<f32>;
    fn run(self, f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync) -> Vec<f32> {
        let Operands { a, sa, b, sb, out } = self;
        let n: usize = out.iter().product();
        if sa == sb {
            return zip_flat(a, b, f);
        }
        if b.len() == 1 && a.len() == n {
            let y = b[0];
            return map(a, move |x| f(x, y));
        }
        if a.len() == 1 && b.len() == n {
            let x = a[0];
            return map(b, move |y| f(x, y));
        }
        broadcast(a, sa, b, sb, out, f)
    }
}

pub fn apply(
    op: BinaryOp,
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
    out: &[usize],
) -> Vec<f32> {
    op.dispatch(Operands { a, sa, b, sb, out })
}

fn broadcast(
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
    out: &[usize],
    f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync,
) -> Vec<f32> {
    let n: usize = out.iter().product();
    let av = ArrayViewD::from_shape(IxDyn(sa), a).expect("shape checked by ops::binary");
    let bv = ArrayViewD::from_shape(IxDyn(sb), b).expect("shape checked by ops::binary");
    let av = av
        .broadcast(IxDyn(out))
        .expect("broadcast checked by ops::binary");
    let bv = bv
        .broadcast(IxDyn(out))
        .expect("broadcast checked by ops::binary");
    // Write into a standard-layout array so the flat buffer is row-major.
    let mut result = ndarray::ArrayD::<f32>::zeros(IxDyn(out));
    let zip = Zip::from(&mut result).and(&av).and(&bv);
    if n < PARALLEL_MIN {
        zip.for_each(|o, &x, &y| *o = f(x, y));
    } else {
        zip.par_for_each(|o, &x, &y| *o = f(x, y));
    }
    result.into_raw_vec_and_offset().0
}

fn zip_flat(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32 + Copy + Send + Sync) -> Vec<f32> {
    let mut out = vec![0f32; a.len()];
    let chunk = |((o, a), b): ((&mut [f32], &[f32]), &[f32])| zip_into_best(o, a, b, f);
    if a.len() < PARALLEL_MIN {
        chunk(((&mut out, a), b));
    } else {
        let n = PARALLEL_MIN / 4;
        out.par_chunks_mut(n)
            .zip(a.par_chunks(n))
            .zip(b.par_chunks(n))
            .for_each(chunk);
    }
    out
}

#[inline(always)]
fn zip_into<F: Fn(f32, f32) -> f32>(o: &mut [f32], a: &[f32], b: &[f32], f: F) {
    for ((o, &x), &y) in o.iter_mut().zip(a).zip(b) {
        *o = f(x, y);
    }
}

super::multiversion!(zip_into_best<F: Fn(f32, f32) -> f32>, zip_into, (o: &mut [f32], a: &[f32], b: &[f32], f: F));
