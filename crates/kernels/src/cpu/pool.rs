//! Max and average pooling on the CPU, eight (sample, channel) planes at a
//! time: the planes are interleaved so that one vector holds the same position
//! of all eight, and every window is then walked once for the eight, through a
//! table of its input positions shared by all planes. The per-window work is a
//! few vector operations whatever the plane size, where a loop per plane pays
//! its overhead again for each of the many small planes of a deep network.

use super::parallel::{for_each_task, Parts};
use crate::memory::zeroed;

use super::Cpu;
use crate::backend::PoolBackend;
use crate::desc::pool::Pool2dGeom;
use crate::{Result, Tensor};

/// Planes per group: one AVX2 vector of f32.
const LANES: usize = 8;
type Lanes = [f32; LANES];
type LaneIdx = [i32; LANES];

/// Every window's input positions h·W + w within a plane, in row-major window
/// order: window o reads `inputs[start[o]..start[o + 1]]`.
struct Windows {
    start: Vec<usize>,
    inputs: Vec<u32>,
}

impl Windows {
    fn new(g: &Pool2dGeom) -> Windows {
        let mut start = Vec::with_capacity(g.ho * g.wo + 1);
        let mut inputs = Vec::with_capacity(g.ho * g.wo * g.kh * g.kw);
        start.push(0);
        for oh in 0..g.ho {
            let (h0, h1, _) = g.rows(oh);
            for ow in 0..g.wo {
                let (w0, w1, _) = g.cols(ow);
                for ih in h0..h1 {
                    inputs.extend((w0..w1).map(|iw| (ih * g.w + iw) as u32));
                }
                start.push(inputs.len());
            }
        }
        Windows { start, inputs }
    }

    fn of(&self, o: usize) -> &[u32] {
        &self.inputs[self.start[o]..self.start[o + 1]]
    }
}

/// Copies planes `first..first + count` (count ≤ LANES) of `src` (planes of
/// `size` values) into lanes: `dst[i][l]` = plane first + l, position i.
fn interleave(src: &[f32], first: usize, count: usize, size: usize, dst: &mut [Lanes]) {
    for (l, plane) in src[first * size..][..count * size]
        .chunks_exact(size)
        .enumerate()
    {
        for (d, &v) in dst.iter_mut().zip(plane) {
            d[l] = v;
        }
    }
}

/// The inverse of `interleave`: lanes 0..count of `src` into consecutive planes.
fn deinterleave<T: Copy>(src: &[[T; LANES]], dst: &mut [T], size: usize) {
    for (l, plane) in dst.chunks_exact_mut(size).enumerate() {
        for (d, s) in plane.iter_mut().zip(src) {
            *d = s[l];
        }
    }
}

/// Lane buffers for one group, allocated once per task (a 112×112 plane's
/// lanes are 400 KB): values at the input's positions, and values and argmax
/// indices at the output's.
struct Scratch {
    input: Vec<Lanes>,
    output: Vec<Lanes>,
    argmax: Vec<LaneIdx>,
}

/// Runs `f(scratch, group, planes_in_group)` for each group of up to LANES
/// planes, in parallel when the work (values touched per plane × planes) is
/// large enough; the scratch holds `input_len` and `output_len` positions.
fn groups(
    g: &Pool2dGeom,
    (input_len, output_len): (usize, usize),
    work_per_plane: usize,
    f: impl Fn(&mut Scratch, usize, usize) + Sync,
) {
    let planes = g.n * g.c;
    let count = |k: usize| LANES.min(planes - k * LANES);
    let n = planes.div_ceil(LANES);
    let run = |range: std::ops::Range<usize>| {
        let mut s = Scratch {
            input: vec![[0.0; LANES]; input_len],
            output: vec![[0.0; LANES]; output_len],
            argmax: vec![[0; LANES]; output_len],
        };
        range.for_each(|k| f(&mut s, k, count(k)));
    };
    if planes * work_per_plane < super::PARALLEL_MIN {
        run(0..n);
    } else {
        // Several groups per task: a task should be worth its hand-off.
        let per = (super::PARALLEL_MIN / 8)
            .div_ceil(work_per_plane * LANES)
            .max(1);
        for_each_task(n.div_ceil(per), |t| run(t * per..((t + 1) * per).min(n)));
    }
}

/// The maxima of every window for eight planes at once, and the position of
/// each. Strictly greater, so the first maximum in row-major window order wins
/// a tie; a NaN wins over numbers (the first NaN).
#[inline(always)]
fn max_windows_body(x: &[Lanes], win: &Windows, best: &mut [Lanes], at: &mut [LaneIdx]) {
    for (o, (best, at)) in best.iter_mut().zip(at.iter_mut()).enumerate() {
        let taps = win.of(o);
        // -∞ with the first position stands when no value beats it (all -∞).
        let mut b = [f32::NEG_INFINITY; LANES];
        let mut a = [taps.first().map_or(0, |&i| i as i32); LANES];
        for &i in taps {
            let v = x[i as usize];
            for l in 0..LANES {
                // As a bit mask, not `||`: the loop vectorises.
                let take = (v[l] > b[l]) as i32 | (v[l].is_nan() as i32 & !b[l].is_nan() as i32);
                b[l] = if take != 0 { v[l] } else { b[l] };
                a[l] = if take != 0 { i as i32 } else { a[l] };
            }
        }
        *best = b;
        *at = a;
    }
}

super::multiversion!(max_windows, max_windows_body, (x: &[Lanes], win: &Windows, best: &mut [Lanes], at: &mut [LaneIdx]));

/// Each window's mean for eight planes at once: its sum times `scale[o]`.
#[inline(always)]
fn avg_windows_body(x: &[Lanes], win: &Windows, scale: &[f32], out: &mut [Lanes]) {
    for (o, (dst, &s)) in out.iter_mut().zip(scale).enumerate() {
        let mut acc = [0f32; LANES];
        for &i in win.of(o) {
            let v = &x[i as usize];
            for l in 0..LANES {
                acc[l] += v[l];
            }
        }
        for l in 0..LANES {
            dst[l] = acc[l] * s;
        }
    }
}

super::multiversion!(avg_windows, avg_windows_body, (x: &[Lanes], win: &Windows, scale: &[f32], out: &mut [Lanes]));

/// The transpose of `avg_windows`: dx[i] += dy[o]·scale[o] over window o's inputs.
#[inline(always)]
fn avg_windows_backward_body(dy: &[Lanes], win: &Windows, scale: &[f32], dx: &mut [Lanes]) {
    dx.fill([0.0; LANES]);
    for (o, (d, &s)) in dy.iter().zip(scale).enumerate() {
        let mut share = [0f32; LANES];
        for l in 0..LANES {
            share[l] = d[l] * s;
        }
        for &i in win.of(o) {
            let t = &mut dx[i as usize];
            for l in 0..LANES {
                t[l] += share[l];
            }
        }
    }
}

super::multiversion!(avg_windows_backward, avg_windows_backward_body, (dy: &[Lanes], win: &Windows, scale: &[f32], dx: &mut [Lanes]));

/// Window maxima and the index h·W + w of each within its plane. The first
/// maximum in row-major window order wins a tie; a NaN wins over numbers.
pub fn max_forward(x: &[f32], g: &Pool2dGeom) -> Result<(Vec<f32>, Vec<i32>)> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut values = zeroed("maxPool2d", g.n * g.c * howo)?;
    let mut idx = zeroed("maxPool2d", values.len())?;
    let (value_parts, idx_parts) = (Parts::new(&mut values), Parts::new(&mut idx));
    let win = Windows::new(g);
    groups(g, (hw, howo), hw + win.inputs.len(), |s, k, count| {
        interleave(x, k * LANES, count, hw, &mut s.input);
        max_windows(&s.input, &win, &mut s.output, &mut s.argmax);
        // SAFETY: group k's planes, disjoint from every other group's.
        let (v, i) = unsafe {
            (
                value_parts.part(k * LANES * howo, count * howo),
                idx_parts.part(k * LANES * howo, count * howo),
            )
        };
        deinterleave(&s.output, v, howo);
        deinterleave(&s.argmax, i, howo);
    });
    Ok((values, idx))
}

/// dx: each dy element added at its plane's saved index.
pub fn max_backward(dy: &[f32], idx: &[i32], g: &Pool2dGeom) -> Result<Vec<f32>> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut dx = zeroed("maxPool2dBackward", g.n * g.c * hw)?;
    let parts = Parts::new(&mut dx);
    groups(g, (0, 0), hw + howo, |_, k, count| {
        // SAFETY: group k's planes, disjoint from every other group's.
        let block = unsafe { parts.part(k * LANES * hw, count * hw) };
        for (l, plane) in block.chunks_exact_mut(hw).enumerate() {
            let range = (k * LANES + l) * howo..(k * LANES + l + 1) * howo;
            for (&d, &at) in dy[range.clone()].iter().zip(&idx[range]) {
                plane[at as usize] += d;
            }
        }
    });
    Ok(dx)
}

/// 1/divisor of each window: its padded area, or the input elements it covers.
fn inverse_divisors(g: &Pool2dGeom, include_pad: bool) -> Vec<f32> {
    let span = |(s, e, padded): (usize, usize, usize)| if include_pad { padded } else { e - s };
    let mut scale = Vec::with_capacity(g.ho * g.wo);
    for oh in 0..g.ho {
        for ow in 0..g.wo {
            scale.push(1.0 / (span(g.rows(oh)) * span(g.cols(ow))) as f32);
        }
    }
    scale
}

pub fn avg_forward(x: &[f32], g: &Pool2dGeom, include_pad: bool) -> Result<Vec<f32>> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut out = zeroed("avgPool2d", g.n * g.c * howo)?;
    let parts = Parts::new(&mut out);
    let (win, scale) = (Windows::new(g), inverse_divisors(g, include_pad));
    groups(g, (hw, howo), hw + win.inputs.len(), |s, k, count| {
        interleave(x, k * LANES, count, hw, &mut s.input);
        avg_windows(&s.input, &win, &scale, &mut s.output);
        // SAFETY: group k's planes, disjoint from every other group's.
        deinterleave(
            &s.output,
            unsafe { parts.part(k * LANES * howo, count * howo) },
            howo,
        );
    });
    Ok(out)
}

pub fn avg_backward(dy: &[f32], g: &Pool2dGeom, include_pad: bool) -> Result<Vec<f32>> {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let mut dx = zeroed("avgPool2dBackward", g.n * g.c * hw)?;
    let parts = Parts::new(&mut dx);
    let (win, scale) = (Windows::new(g), inverse_divisors(g, include_pad));
    groups(g, (hw, howo), hw + win.inputs.len(), |s, k, count| {
        interleave(dy, k * LANES, count, howo, &mut s.output);
        avg_windows_backward(&s.output, &win, &scale, &mut s.input);
        // SAFETY: group k's planes, disjoint from every other group's.
        deinterleave(
            &s.input,
            unsafe { parts.part(k * LANES * hw, count * hw) },
            hw,
        );
    });
    Ok(dx)
}

impl PoolBackend for Cpu {
    fn max_pool2d(&self, x: &Tensor, g: &Pool2dGeom) -> Result<(Tensor, Tensor)> {
        let (out, idx) = max_forward(x.cpu_f32_data("maxPool2d", "x")?, g)?;
        Ok((
            Tensor::cpu_f32(out, g.out_shape()),
            Tensor::cpu_i32(idx, g.out_shape()),
        ))
    }

    fn max_pool2d_backward(
        &self,
        grad: &Tensor,
        indices: &Tensor,
        g: &Pool2dGeom,
    ) -> Result<Tensor> {
        let op = "maxPool2dBackward";
        let (gv, iv) = (
            grad.cpu_f32_data(op, "grad")?,
            indices.cpu_i32_data(op, "indices")?,
        );
        // The indices come from JavaScript: one outside its plane would write out of bounds.
        let plane = g.h * g.w;
        if let Some((i, &v)) = iv
            .iter()
            .enumerate()
            .find(|(_, &v)| v < 0 || v as usize >= plane)
        {
            crate::bail!(op, "indices[{i}] = {v} is out of range 0..{plane}");
        }
        Ok(Tensor::cpu_f32(max_backward(gv, iv, g)?, g.x_shape()))
    }

    fn avg_pool2d(&self, x: &Tensor, g: &Pool2dGeom, include_pad: bool) -> Result<Tensor> {
        let v = x.cpu_f32_data("avgPool2d", "x")?;
        Ok(Tensor::cpu_f32(
            avg_forward(v, g, include_pad)?,
            g.out_shape(),
        ))
    }

    fn avg_pool2d_backward(
        &self,
        grad: &Tensor,
        g: &Pool2dGeom,
        include_pad: bool,
    ) -> Result<Tensor> {
        let v = grad.cpu_f32_data("avgPool2dBackward", "grad")?;
        Ok(Tensor::cpu_f32(
            avg_backward(v, g, include_pad)?,
            g.x_shape(),
        ))
    }
}
