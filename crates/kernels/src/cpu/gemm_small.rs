//! Tiny products (a few thousand multiply-adds) as plain loops.
//!
//! DRAW's attention is batches of 64 products like 56×28·28×2 or 5×28·28×28:
//! packing them for the blocked kernels (`gemm.rs`) costs more than the
//! arithmetic, and a step runs ~800 of them (0.4–0.6 ms per batch against
//! ~0.05 ms here). These loops read the operands where they lie: as dot products
//! over contiguous rows when B is transposed, else as rows of C built from
//! scaled rows of B.

/// Products of at most this many multiply-adds take the loops below.
pub const SMALL_MAX_WORK: usize = 1 << 13;

/// C = op(A)·op(B) with the layouts of `gemm::sgemm`; `c` (len ≥ m·n) is overwritten.
#[allow(clippy::too_many_arguments)]
pub fn small_product(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    ta: bool,
    b: &[f32],
    tb: bool,
    c: &mut [f32],
) {
    small_best(m, n, k, a, ta, b, tb, &mut c[..m * n]);
}

super::multiversion!(small_best, small_body, (m: usize, n: usize, k: usize, a: &[f32], ta: bool, b: &[f32], tb: bool, c: &mut [f32]));

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn small_body(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    ta: bool,
    b: &[f32],
    tb: bool,
    c: &mut [f32],
) {
    if k == 0 {
        c.fill(0.0);
        return;
    }
    if tb && !ta {
        // C[i,j] = A[i,:] · B[j,:], both rows contiguous.
        for (i, row) in c.chunks_exact_mut(n).enumerate() {
            let ar = &a[i * k..(i + 1) * k];
            for (j, cij) in row.iter_mut().enumerate() {
                *cij = dot(ar, &b[j * k..(j + 1) * k]);
            }
        }
        return;
    }
    c.fill(0.0);
    for (i, row) in c.chunks_exact_mut(n).enumerate() {
        for p in 0..k {
            let x = if ta { a[p * m + i] } else { a[i * k + p] };
            if tb {
                for (j, cij) in row.iter_mut().enumerate() {
                    *cij += x * b[j * k + p];
                }
            } else {
                for (cij, &y) in row.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                    *cij += x * y;
                }
            }
        }
    }
}

/// x·y in eight running sums (so the loop vectorises).
#[inline(always)]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let tail: f32 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (xs, ys) in xc.zip(yc) {
        for (s, (a, b)) in acc.iter_mut().zip(xs.iter().zip(ys)) {
            *s += a * b;
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DRAW's attention shapes and odd ones, every transpose, against a float64 loop.
    #[test]
    fn small_products_match_a_naive_loop() {
        let shapes = [
            (56, 2, 28),
            (2, 2, 28),
            (5, 28, 5),
            (28, 28, 5),
            (5, 5, 28),
            (1, 1, 1),
            (3, 7, 0),
            (9, 1, 17),
        ];
        for (m, n, k) in shapes {
            let a: Vec<f32> = (0..m * k)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0)
                .collect();
            let b: Vec<f32> = (0..k * n)
                .map(|i| ((i * 53 % 97) as f32 - 48.0) / 24.0)
                .collect();
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let mut c = vec![f32::NAN; m * n];
                small_product(m, n, k, &a, ta, &b, tb, &mut c);
                for i in 0..m {
                    for j in 0..n {
                        let want: f64 = (0..k)
                            .map(|p| {
                                let x = if ta { a[p * m + i] } else { a[i * k + p] };
                                let y = if tb { b[j * k + p] } else { b[p * n + j] };
                                x as f64 * y as f64
                            })
                            .sum();
                        let got = c[i * n + j] as f64;
                        assert!(
                            (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                            "{m}x{n}x{k} ta={ta} tb={tb}: c[{i},{j}] = {got}, want {want}"
                        );
                    }
                }
            }
        }
    }
}
