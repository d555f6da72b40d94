//! Elementwise binary kernels with broadcasting. Same-shape and scalar operands
//! take flat fast paths; anything else walks the output row by row with
//! per-operand strides (0 on broadcast axes), on ndarray's broadcasting views.

use ndarray::{ArrayViewD, IxDyn, Zip};
use rayon::prelude::*;

use super::PARALLEL_MIN;
use crate::ops::binary::BinaryOp;

pub fn apply(
    op: BinaryOp,
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
    out: &[usize],
) -> Vec<f32> {
    let f = |x: f32, y: f32| op.apply(x, y);
    let n: usize = out.iter().product();
    if sa == sb {
        return zip_flat(a, b, f);
    }
    if b.len() == 1 && a.len() == n {
        let y = b[0];
        return map_flat(a, |x| f(x, y));
    }
    if a.len() == 1 && b.len() == n {
        let x = a[0];
        return map_flat(b, |y| f(x, y));
    }
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

fn zip_flat(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32 + Sync) -> Vec<f32> {
    if a.len() < PARALLEL_MIN {
        a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect()
    } else {
        a.par_iter()
            .zip(b.par_iter())
            .with_min_len(PARALLEL_MIN / 4)
            .map(|(&x, &y)| f(x, y))
            .collect()
    }
}

fn map_flat(a: &[f32], f: impl Fn(f32) -> f32 + Sync) -> Vec<f32> {
    if a.len() < PARALLEL_MIN {
        a.iter().map(|&x| f(x)).collect()
    } else {
        a.par_iter()
            .with_min_len(PARALLEL_MIN / 4)
            .map(|&x| f(x))
            .collect()
    }
}
