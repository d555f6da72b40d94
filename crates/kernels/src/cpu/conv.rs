//! conv2d on the CPU: im2col + SGEMM (`cpu::gemm`), one strided batched product
//! over the groups per sample; col2im for the gradient of x.
//!
//! A sample's im2col matrix is [C·kh·kw, Ho·Wo]: row (c, i, j) holds
//! x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] (zero outside the input) for every
//! output position. Group g's rows are the contiguous block g·(C/groups)·kh·kw..,
//! so the forward is out_g = W_g · col_g for each group, W_g [O/groups, C/groups·kh·kw].
//!
//! Threads: the batch is cut into one run of samples per thread, each with its
//! own column buffer; a batch of one leaves the threading to the GEMM.

use super::parallel::{for_each_chunk_mut, map_collect};

use super::gemm::sgemm_batched;
use crate::ops::conv::Conv2dGeom;

/// The output positions o in 0..out whose input coordinate o·stride + off lies in
/// 0..size, as a range lo..hi (empty when none does).
fn valid(off: isize, stride: usize, size: usize, out: usize) -> (usize, usize) {
    let s = stride as isize;
    // o·s + off ≥ 0  ⇔  o ≥ ⌈−off / s⌉
    let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
    // o·s + off ≤ size − 1  ⇔  o ≤ ⌊(size − 1 − off) / s⌋
    let last = size as isize - 1 - off;
    let hi = if last < 0 { 0 } else { last / s + 1 };
    let lo = (lo as usize).min(out);
    (lo, (hi as usize).clamp(lo, out))
}

/// x [C,H,W] of one sample → col [C·kh·kw, Ho·Wo].
pub fn im2col(x: &[f32], g: &Conv2dGeom, col: &mut [f32]) {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let rows = col[..g.c * g.kh * g.kw * howo].chunks_exact_mut(howo);
    for (r, row) in rows.enumerate() {
        let (c, i, j) = (r / (g.kh * g.kw), r / g.kw % g.kh, r % g.kw);
        let plane = &x[c * hw..(c + 1) * hw];
        let off_w = (j * g.dw) as isize - g.pw as isize;
        let (lo, hi) = valid(off_w, g.sw, g.w, g.wo);
        for (oh, out) in row.chunks_exact_mut(g.wo).enumerate() {
            let ih = (oh * g.sh + i * g.dh) as isize - g.ph as isize;
            if ih < 0 || ih >= g.h as isize || lo == hi {
                out.fill(0.0);
                continue;
            }
            let src = &plane[ih as usize * g.w..(ih as usize + 1) * g.w];
            out[..lo].fill(0.0);
            out[hi..].fill(0.0);
            let start = (lo * g.sw) as isize + off_w;
            if g.sw == 1 {
                out[lo..hi].copy_from_slice(&src[start as usize..start as usize + hi - lo]);
            } else {
                for (k, o) in out[lo..hi].iter_mut().enumerate() {
                    *o = src[start as usize + k * g.sw];
                }
            }
        }
    }
}

/// The adjoint of `im2col`: dx [C,H,W] (zeroed by the caller) += col2im(col).
pub fn col2im(col: &[f32], g: &Conv2dGeom, dx: &mut [f32]) {
    let (hw, howo, kk) = (g.h * g.w, g.ho * g.wo, g.kh * g.kw);
    let one_channel = |c: usize, plane: &mut [f32]| {
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = &col[((c * kk) + i * g.kw + j) * howo..][..howo];
                let off_w = (j * g.dw) as isize - g.pw as isize;
                let (lo, hi) = valid(off_w, g.sw, g.w, g.wo);
                if lo == hi {
                    continue;
                }
                for (oh, src) in row.chunks_exact(g.wo).enumerate() {
                    let ih = (oh * g.sh + i * g.dh) as isize - g.ph as isize;
                    if ih < 0 || ih >= g.h as isize {
                        continue;
                    }
                    let dst = &mut plane[ih as usize * g.w..(ih as usize + 1) * g.w];
                    let start = ((lo * g.sw) as isize + off_w) as usize;
                    if g.sw == 1 {
                        for (d, s) in dst[start..start + hi - lo].iter_mut().zip(&src[lo..hi]) {
                            *d += s;
                        }
                    } else {
                        for (k, s) in src[lo..hi].iter().enumerate() {
                            dst[start + k * g.sw] += s;
                        }
                    }
                }
            }
        }
    };
    for (c, plane) in dx[..g.c * hw].chunks_exact_mut(hw.max(1)).enumerate() {
        one_channel(c, plane);
    }
}

/// Runs `f(first_sample, samples)` over runs of consecutive samples, one per thread.
fn per_thread_runs<T: Send>(n: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let runs = super::threads().min(n).max(1);
    let per = n.div_ceil(runs);
    map_collect(runs, |r| {
        let first = (r * per).min(n);
        f(first, (n - first).min(per))
    })
}

/// Splits `data` into one mutable run of `per_sample` elements per thread, matching `per_thread_runs`.
fn per_thread_chunks(
    data: &mut [f32],
    n: usize,
    per_sample: usize,
    f: impl Fn(usize, &mut [f32]) + Sync,
) {
    let runs = super::threads().min(n).max(1);
    let per = n.div_ceil(runs);
    if per_sample == 0 || n == 0 {
        return;
    }
    for_each_chunk_mut(data, per * per_sample, |r, chunk| f(r * per, chunk));
}

/// out [N,O,Ho,Wo] = conv2d(x [N,C,H,W], w [O,C/groups,kh,kw]) + bias.
pub fn forward(x: &[f32], w: &[f32], bias: Option<&[f32]>, g: &Conv2dGeom) -> Vec<f32> {
    let (chw, howo, k) = (g.c * g.h * g.w, g.ho * g.wo, g.col_rows());
    let og = g.o / g.groups;
    let per_out = g.o * howo;
    let mut out = vec![0f32; g.n * per_out];
    per_thread_chunks(&mut out, g.n, per_out, |first, chunk| {
        let mut col = if g.is_pointwise() {
            Vec::new()
        } else {
            vec![0f32; g.groups * k * howo]
        };
        for (s, out_n) in chunk.chunks_exact_mut(per_out).enumerate() {
            let x_n = &x[(first + s) * chw..(first + s + 1) * chw];
            let cols: &[f32] = if g.is_pointwise() {
                x_n
            } else {
                im2col(x_n, g, &mut col);
                &col
            };
            #[rustfmt::skip]
            sgemm_batched(g.groups, og, howo, k, w, og * k, false, cols, k * howo, false, out_n, og * howo);
            if let Some(b) = bias {
                for (plane, &bo) in out_n.chunks_exact_mut(howo.max(1)).zip(b) {
                    plane.iter_mut().for_each(|v| *v += bo);
                }
            }
        }
    });
    out
}

/// dx [N,C,H,W] from dy [N,O,Ho,Wo] and w: col = W_gᵀ · dy_g, then col2im.
pub fn backward_input(dy: &[f32], w: &[f32], g: &Conv2dGeom) -> Vec<f32> {
    let (chw, howo, k) = (g.c * g.h * g.w, g.ho * g.wo, g.col_rows());
    let og = g.o / g.groups;
    let per_out = g.o * howo;
    let mut dx = vec![0f32; g.n * chw];
    per_thread_chunks(&mut dx, g.n, chw, |first, chunk| {
        let mut col = vec![0f32; g.groups * k * howo];
        for (s, dx_n) in chunk.chunks_exact_mut(chw).enumerate() {
            let dy_n = &dy[(first + s) * per_out..(first + s + 1) * per_out];
            if g.is_pointwise() {
                #[rustfmt::skip]
                sgemm_batched(g.groups, k, howo, og, w, og * k, true, dy_n, og * howo, false, dx_n, k * howo);
            } else {
                #[rustfmt::skip]
                sgemm_batched(g.groups, k, howo, og, w, og * k, true, dy_n, og * howo, false, &mut col, k * howo);
                col2im(&col, g, dx_n);
            }
        }
    });
    dx
}

/// dw [O,C/groups,kh,kw] = Σ_n dy_n,g · col_n,gᵀ, summed per thread then across threads.
pub fn backward_weight(dy: &[f32], x: &[f32], g: &Conv2dGeom) -> Vec<f32> {
    let (chw, howo, k) = (g.c * g.h * g.w, g.ho * g.wo, g.col_rows());
    let og = g.o / g.groups;
    let per_out = g.o * howo;
    let size = g.o * k;
    let partials = per_thread_runs(g.n, |first, count| {
        let mut acc = vec![0f32; size];
        let mut tmp = vec![0f32; size];
        let mut col = if g.is_pointwise() {
            Vec::new()
        } else {
            vec![0f32; g.groups * k * howo]
        };
        for s in first..first + count {
            let x_n = &x[s * chw..(s + 1) * chw];
            let dy_n = &dy[s * per_out..(s + 1) * per_out];
            let cols: &[f32] = if g.is_pointwise() {
                x_n
            } else {
                im2col(x_n, g, &mut col);
                &col
            };
            #[rustfmt::skip]
            sgemm_batched(g.groups, og, k, howo, dy_n, og * howo, false, cols, k * howo, true, &mut tmp, og * k);
            acc.iter_mut().zip(&tmp).for_each(|(a, t)| *a += t);
        }
        acc
    });
    let mut dw = vec![0f32; size];
    for p in partials {
        dw.iter_mut().zip(&p).for_each(|(a, t)| *a += t);
    }
    dw
}

/// db [O] = Σ over samples and positions of dy [N,O,Ho·Wo], one channel per task;
/// eight running sums per channel so the inner loop vectorises.
pub fn backward_bias(dy: &[f32], n: usize, o: usize, hw: usize) -> Vec<f32> {
    let channel = |c: usize| {
        let mut lanes = [0f32; 8];
        let mut tail = 0f32;
        for s in 0..n {
            let row = &dy[(s * o + c) * hw..(s * o + c + 1) * hw];
            let mut chunks = row.chunks_exact(8);
            for ch in &mut chunks {
                for (l, v) in lanes.iter_mut().zip(ch) {
                    *l += v;
                }
            }
            tail += chunks.remainder().iter().sum::<f32>();
        }
        lanes.iter().sum::<f32>() + tail
    };
    if n * o * hw >= super::PARALLEL_MIN {
        map_collect(o, channel)
    } else {
        (0..o).map(channel).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::conv::{Conv2dGeom, Conv2dParams};

    fn geom(
        x: [usize; 4],
        w: [usize; 4],
        s: usize,
        p: usize,
        d: usize,
        groups: usize,
    ) -> Conv2dGeom {
        let params = Conv2dParams {
            stride: (s, s + 1),
            padding: (p, p),
            dilation: (d, d),
            groups,
        };
        Conv2dGeom::new("test", &x, &w, params).unwrap()
    }

    /// ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩: col2im is im2col's adjoint.
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        for (s, p, d) in [(1, 0, 1), (1, 1, 1), (2, 2, 2), (3, 1, 1), (1, 3, 2)] {
            let g = geom([1, 3, 7, 9], [2, 3, 3, 2], s, p, d, 1);
            let x: Vec<f32> = (0..3 * 7 * 9)
                .map(|i| ((i * 37) % 11) as f32 - 5.0)
                .collect();
            let rows = g.col_rows() * g.ho * g.wo;
            let c: Vec<f32> = (0..rows).map(|i| ((i * 13) % 7) as f32 - 3.0).collect();
            let mut col = vec![f32::NAN; rows];
            im2col(&x, &g, &mut col);
            let mut dx = vec![0f32; x.len()];
            col2im(&c, &g, &mut dx);
            let lhs: f64 = col.iter().zip(&c).map(|(a, b)| (a * b) as f64).sum();
            let rhs: f64 = x.iter().zip(&dx).map(|(a, b)| (a * b) as f64).sum();
            assert_eq!(lhs, rhs, "stride {s} padding {p} dilation {d}");
        }
    }

    #[test]
    fn valid_ranges() {
        assert_eq!(valid(-2, 1, 5, 5), (2, 5));
        assert_eq!(valid(0, 2, 5, 3), (0, 3));
        assert_eq!(valid(-1, 2, 5, 3), (1, 3));
        assert_eq!(valid(4, 1, 3, 4), (0, 0));
        assert_eq!(valid(-9, 2, 3, 2), (2, 2));
    }
}
