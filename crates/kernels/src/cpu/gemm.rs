//! Placeholder until the tuned SGEMM lands: a naive but correct product.
#![allow(clippy::too_many_arguments)]
pub fn sgemm(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    trans_a: bool,
    b: &[f32],
    trans_b: bool,
    c: &mut [f32],
) {
    for i in 0..m {
        for j in 0..n {
            let mut s = 0f32;
            for p in 0..k {
                let x = if trans_a { a[p * m + i] } else { a[i * k + p] };
                let y = if trans_b { b[j * k + p] } else { b[p * n + j] };
                s += x * y;
            }
            c[i * n + j] = s;
        }
    }
}
#[allow(clippy::too_many_arguments)]
pub fn sgemm_batched(
    batch: usize,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_stride: usize,
    trans_a: bool,
    b: &[f32],
    b_stride: usize,
    trans_b: bool,
    c: &mut [f32],
    c_stride: usize,
) {
    for i in 0..batch {
        sgemm(
            m,
            n,
            k,
            &a[i * a_stride..],
            trans_a,
            &b[i * b_stride..],
            trans_b,
            &mut c[i * c_stride..i * c_stride + m * n],
        );
    }
}
