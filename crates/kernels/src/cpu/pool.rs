//! Max and average pooling on the CPU, one (sample, channel) plane at a time;
//! planes run in parallel when there is enough work.

use super::parallel::for_each_row_mut;

use crate::ops::pool::Pool2dGeom;

/// Calls `f(plane_index, out_plane)` for each of the n·c planes of `out`.
fn planes<T: Send>(out: &mut [T], per: usize, work: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    if per == 0 {
        return;
    }
    if work >= super::PARALLEL_MIN {
        for_each_row_mut(out, per, super::PARALLEL_MIN / 8, f);
    } else {
        out.chunks_mut(per).enumerate().for_each(|(p, o)| f(p, o));
    }
}

/// Window maxima and the index h·W + w of each within its plane. The first
/// maximum in row-major window order wins a tie; a NaN wins over numbers.
pub fn max_forward(x: &[f32], g: &Pool2dGeom) -> (Vec<f32>, Vec<i32>) {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let planes_n = g.n * g.c;
    let mut idx = vec![0i32; planes_n * howo];
    planes(&mut idx, howo, planes_n * howo * g.kh * g.kw, |p, out| {
        let plane = &x[p * hw..(p + 1) * hw];
        for oh in 0..g.ho {
            let (h0, h1, _) = g.rows(oh);
            for ow in 0..g.wo {
                let (w0, w1, _) = g.cols(ow);
                let mut at = h0 * g.w + w0;
                let mut best = plane[at];
                for ih in h0..h1 {
                    for iw in w0..w1 {
                        let v = plane[ih * g.w + iw];
                        if v > best || (v.is_nan() && !best.is_nan()) {
                            best = v;
                            at = ih * g.w + iw;
                        }
                    }
                }
                out[oh * g.wo + ow] = at as i32;
            }
        }
    });
    let mut values = vec![0f32; planes_n * howo];
    planes(&mut values, howo, planes_n * howo, |p, out| {
        let plane = &x[p * hw..(p + 1) * hw];
        for (o, &at) in out.iter_mut().zip(&idx[p * howo..(p + 1) * howo]) {
            *o = plane[at as usize];
        }
    });
    (values, idx)
}

/// dx: each dy element added at its plane's saved index.
pub fn max_backward(dy: &[f32], idx: &[i32], g: &Pool2dGeom) -> Vec<f32> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut dx = vec![0f32; g.n * g.c * hw];
    planes(&mut dx, hw, g.n * g.c * howo, |p, plane| {
        let range = p * howo..(p + 1) * howo;
        for (&d, &at) in dy[range.clone()].iter().zip(&idx[range]) {
            plane[at as usize] += d;
        }
    });
    dx
}

/// The divisor of window (oh, ow): its padded area, or the input elements it covers.
fn divisor(g: &Pool2dGeom, oh: usize, ow: usize, include_pad: bool) -> f32 {
    let ((h0, h1, hs), (w0, w1, ws)) = (g.rows(oh), g.cols(ow));
    if include_pad {
        (hs * ws) as f32
    } else {
        ((h1 - h0) * (w1 - w0)) as f32
    }
}

pub fn avg_forward(x: &[f32], g: &Pool2dGeom, include_pad: bool) -> Vec<f32> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut out = vec![0f32; g.n * g.c * howo];
    let work = out.len() * g.kh * g.kw;
    planes(&mut out, howo, work, |p, out| {
        let plane = &x[p * hw..(p + 1) * hw];
        for oh in 0..g.ho {
            let (h0, h1, _) = g.rows(oh);
            for ow in 0..g.wo {
                let (w0, w1, _) = g.cols(ow);
                let mut s = 0f32;
                for ih in h0..h1 {
                    s += plane[ih * g.w + w0..ih * g.w + w1].iter().sum::<f32>();
                }
                out[oh * g.wo + ow] = s / divisor(g, oh, ow, include_pad);
            }
        }
    });
    out
}

pub fn avg_backward(dy: &[f32], g: &Pool2dGeom, include_pad: bool) -> Vec<f32> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut dx = vec![0f32; g.n * g.c * hw];
    planes(&mut dx, hw, g.n * g.c * howo * g.kh * g.kw, |p, plane| {
        let d = &dy[p * howo..(p + 1) * howo];
        for oh in 0..g.ho {
            let (h0, h1, _) = g.rows(oh);
            for ow in 0..g.wo {
                let (w0, w1, _) = g.cols(ow);
                let share = d[oh * g.wo + ow] / divisor(g, oh, ow, include_pad);
                for ih in h0..h1 {
                    plane[ih * g.w + w0..ih * g.w + w1]
                        .iter_mut()
                        .for_each(|v| *v += share);
                }
            }
        }
    });
    dx
}
