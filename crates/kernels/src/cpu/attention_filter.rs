//! DRAW's read and write with given filters (PAPERS.md §1), fused, on validated
//! slices. Per example b (scale s = γ_b for read, 1/γ_b for write) and channel c:
//!   read:  r_c = s·FY x_c FXᵀ   ([H,W] → [N,N], "narrow")
//!   write: c_c = s·FYᵀ w_c FX   ([N,N] → [H,W], "widen")
//! Backward from G (the output's gradient), with A the N×N side (G for read, w
//! for write) and Z the H×W side (x for read, G for write):
//!   dx = s·FYᵀ G FX (a widen),  dw = s·FY G FXᵀ (a narrow)
//!   dFY = s·Σ_c A_c FX Z_cᵀ,     dFX = s·Σ_c A_cᵀ FY Z_c          (the same in both modes)
//!   dγ = ±⟨dm, m⟩/γ: ⟨G, FY x FXᵀ⟩ = ⟨FYᵀ G FX, x⟩ for read (+), and for write
//!   d(1/γ)/dγ = −1/γ² with ⟨G, FYᵀ w FX⟩ = ⟨FY G FXᵀ, w⟩ (−).
//! Examples run in parallel, in groups large enough to be worth a hand-off.

use super::parallel::{for_each_task, Parts};
use crate::backend::Filters;
use crate::desc::attention::{FilterDims, FilterMode};
use crate::{Result, Tensor};

/// Examples are handed to threads in groups of at least this many multiply-adds.
const TASK_MIN_WORK: usize = 1 << 16;

/// out [N,N] = s·FY src FXᵀ for src [H,W]; `t` holds H·N values.
fn narrow(
    d: &FilterDims,
    fx: &[f32],
    fy: &[f32],
    src: &[f32],
    s: f32,
    out: &mut [f32],
    t: &mut [f32],
) {
    let (n, h, w) = (d.n, d.height, d.width);
    // t[y,j] = Σ_x src[y,x] FX[j,x]
    for (y, row) in t[..h * n].chunks_exact_mut(n).enumerate() {
        let sr = &src[y * w..(y + 1) * w];
        for (j, v) in row.iter_mut().enumerate() {
            *v = dot(sr, &fx[j * w..(j + 1) * w]);
        }
    }
    // out[i,j] = s·Σ_y FY[i,y] t[y,j]
    for (i, row) in out.chunks_exact_mut(n).enumerate() {
        row.fill(0.0);
        for (y, &f) in fy[i * h..(i + 1) * h].iter().enumerate() {
            axpy(row, f, &t[y * n..(y + 1) * n]);
        }
        row.iter_mut().for_each(|v| *v *= s);
    }
}

/// out [H,W] = s·FYᵀ src FX for src [N,N]; `t` holds N·W values.
fn widen(
    d: &FilterDims,
    fx: &[f32],
    fy: &[f32],
    src: &[f32],
    s: f32,
    out: &mut [f32],
    t: &mut [f32],
) {
    let (n, h, w) = (d.n, d.height, d.width);
    // t[i,x] = s·Σ_j src[i,j] FX[j,x]
    for (i, row) in t[..n * w].chunks_exact_mut(w).enumerate() {
        row.fill(0.0);
        for (j, &v) in src[i * n..(i + 1) * n].iter().enumerate() {
            axpy(row, s * v, &fx[j * w..(j + 1) * w]);
        }
    }
    // out[y,x] = Σ_i FY[i,y] t[i,x]
    for (y, row) in out.chunks_exact_mut(w).enumerate() {
        row.fill(0.0);
        for i in 0..n {
            axpy(row, fy[i * h + y], &t[i * w..(i + 1) * w]);
        }
    }
}

/// dFY += s·A FX Zᵀ and dFX += s·Aᵀ FY Z for one channel (A [N,N], Z [H,W]);
/// `p` and `q` hold N·W values each.
#[allow(clippy::too_many_arguments)]
fn filter_grads(
    d: &FilterDims,
    (fx, fy): (&[f32], &[f32]),
    (a, z): (&[f32], &[f32]),
    s: f32,
    (dfx, dfy): (&mut [f32], &mut [f32]),
    p: &mut [f32],
    q: &mut [f32],
) {
    let (n, h, w) = (d.n, d.height, d.width);
    // p = A FX [N,W];  dFY[i,y] += s·Σ_x p[i,x] Z[y,x]
    for (i, row) in p.chunks_exact_mut(w).enumerate() {
        row.fill(0.0);
        for (j, &v) in a[i * n..(i + 1) * n].iter().enumerate() {
            axpy(row, v, &fx[j * w..(j + 1) * w]);
        }
        for (y, g) in dfy[i * h..(i + 1) * h].iter_mut().enumerate() {
            *g += s * dot(row, &z[y * w..(y + 1) * w]);
        }
    }
    // q = FY Z [N,W];  dFX[j,x] += s·Σ_i A[i,j] q[i,x]
    for (i, row) in q.chunks_exact_mut(w).enumerate() {
        row.fill(0.0);
        for (y, &f) in fy[i * h..(i + 1) * h].iter().enumerate() {
            axpy(row, f, &z[y * w..(y + 1) * w]);
        }
    }
    for j in 0..n {
        let dst = &mut dfx[j * w..(j + 1) * w];
        for i in 0..n {
            axpy(dst, s * a[i * n + j], &q[i * w..(i + 1) * w]);
        }
    }
}

#[inline(always)]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

#[inline(always)]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (v, &u) in y.iter_mut().zip(x) {
        *v += a * u;
    }
}

/// Sizes per example: (m, out) values per channel, and the multiply-adds of a forward.
fn sizes(mode: FilterMode, d: &FilterDims) -> (usize, usize, usize) {
    let (nn, hw) = (d.n * d.n, d.height * d.width);
    let work = d.channels * d.n * (hw + d.height * d.n).max(1);
    match mode {
        FilterMode::Read => (hw, nn, work),
        FilterMode::Write => (nn, hw, work),
    }
}

/// Runs `f(b)` for every example, in parallel groups of at least TASK_MIN_WORK.
fn per_example(batch: usize, work: usize, f: impl Fn(usize) + Sync) {
    let per = (TASK_MIN_WORK / work.max(1)).clamp(1, batch.max(1));
    for_each_task(batch.div_ceil(per), |t| {
        (t * per..((t + 1) * per).min(batch)).for_each(&f)
    });
}

fn scale(mode: FilterMode, gamma: f32) -> f32 {
    match mode {
        FilterMode::Read => gamma,
        FilterMode::Write => 1.0 / gamma,
    }
}

pub fn forward(f: &Filters, d: FilterDims, out_shape: Vec<usize>) -> Result<Tensor> {
    let op = f.mode.name();
    let m = f.m.cpu_f32_data(op, "m")?;
    let (fx, fy) = (f.fx.cpu_f32_data(op, "Fx")?, f.fy.cpu_f32_data(op, "Fy")?);
    let gamma = f.gamma.cpu_f32_data(op, "gamma")?;
    let (m_len, o_len, work) = sizes(f.mode, &d);
    let (c, n, h, w) = (d.channels, d.n, d.height, d.width);
    let mut out = crate::memory::try_zeroed::<f32>(op, &out_shape)?;
    let parts = Parts::new(&mut out);
    per_example(d.batch, work, |b| {
        let s = scale(f.mode, gamma[b]);
        let (fx, fy) = (
            &fx[b * n * w..(b + 1) * n * w],
            &fy[b * n * h..(b + 1) * n * h],
        );
        // SAFETY: example b owns out[b·C·o_len, (b+1)·C·o_len).
        let dst = unsafe { parts.part(b * c * o_len, c * o_len) };
        let mut t = vec![0f32; n * h.max(w)];
        for (ch, o) in dst.chunks_exact_mut(o_len.max(1)).enumerate().take(c) {
            let src = &m[(b * c + ch) * m_len..(b * c + ch + 1) * m_len];
            match f.mode {
                FilterMode::Read => narrow(&d, fx, fy, src, s, o, &mut t),
                FilterMode::Write => widen(&d, fx, fy, src, s, o, &mut t),
            }
        }
    });
    Ok(Tensor::cpu_f32(out, out_shape))
}

pub fn backward(
    f: &Filters,
    grad: &Tensor,
    d: FilterDims,
    need: [bool; 4],
) -> Result<[Option<Tensor>; 4]> {
    let op = match f.mode {
        FilterMode::Read => "attention.readBackward",
        FilterMode::Write => "attention.writeBackward",
    };
    let m = f.m.cpu_f32_data(op, "m")?;
    let g = grad.cpu_f32_data(op, "grad")?;
    let (fx, fy) = (f.fx.cpu_f32_data(op, "Fx")?, f.fy.cpu_f32_data(op, "Fy")?);
    let gamma = f.gamma.cpu_f32_data(op, "gamma")?;
    let (m_len, o_len, work) = sizes(f.mode, &d);
    let (batch, c, n, h, w) = (d.batch, d.channels, d.n, d.height, d.width);
    let zeros = |on: bool, len: usize| vec![0f32; if on { len } else { 0 }];
    let mut dm = zeros(need[0], batch * c * m_len);
    let mut dfx = zeros(need[1], batch * n * w);
    let mut dfy = zeros(need[2], batch * n * h);
    let mut dgamma = zeros(need[3], batch);
    let (pm, pfx, pfy, pg) = (
        Parts::new(&mut dm),
        Parts::new(&mut dfx),
        Parts::new(&mut dfy),
        Parts::new(&mut dgamma),
    );
    per_example(batch, 3 * work, |b| {
        let s = scale(f.mode, gamma[b]);
        let (fxb, fyb) = (
            &fx[b * n * w..(b + 1) * n * w],
            &fy[b * n * h..(b + 1) * n * h],
        );
        let mut t = vec![0f32; n * h.max(w)];
        let (mut p, mut q) = (vec![0f32; n * w], vec![0f32; n * w]);
        let mut dmc = vec![0f32; m_len];
        // Scratch for an unwanted one of dFX and dFY (both come out of one pass).
        let mut sx = vec![0f32; if need[1] { 0 } else { n * w }];
        let mut sy = vec![0f32; if need[2] { 0 } else { n * h }];
        // SAFETY: example b owns its rows of every gradient.
        let gfx = if need[1] {
            unsafe { pfx.part(b * n * w, n * w) }
        } else {
            &mut sx[..]
        };
        // SAFETY: as above.
        let gfy = if need[2] {
            unsafe { pfy.part(b * n * h, n * h) }
        } else {
            &mut sy[..]
        };
        let mut dot_m = 0f64;
        for ch in 0..c {
            let (at, gt) = ((b * c + ch) * m_len, (b * c + ch) * o_len);
            let (mc, gc) = (&m[at..at + m_len], &g[gt..gt + o_len]);
            if need[0] || need[3] {
                match f.mode {
                    FilterMode::Read => widen(&d, fxb, fyb, gc, s, &mut dmc, &mut t),
                    FilterMode::Write => narrow(&d, fxb, fyb, gc, s, &mut dmc, &mut t),
                }
                dot_m += dmc
                    .iter()
                    .zip(mc)
                    .map(|(&a, &b)| a as f64 * b as f64)
                    .sum::<f64>();
                if need[0] {
                    // SAFETY: as above.
                    let dst = unsafe { pm.part(at, m_len) };
                    dst.copy_from_slice(&dmc);
                }
            }
            if need[1] || need[2] {
                let (a, z) = match f.mode {
                    FilterMode::Read => (gc, mc),
                    FilterMode::Write => (mc, gc),
                };
                filter_grads(
                    &d,
                    (fxb, fyb),
                    (a, z),
                    s,
                    (&mut *gfx, &mut *gfy),
                    &mut p,
                    &mut q,
                );
            }
        }
        if need[3] {
            let sign = match f.mode {
                FilterMode::Read => 1.0,
                FilterMode::Write => -1.0,
            };
            // SAFETY: as above.
            let dst = unsafe { pg.part(b, 1) };
            dst[0] = (sign * dot_m / gamma[b] as f64) as f32;
        }
    });
    let wrap = |on: bool, v: Vec<f32>, shape: Vec<usize>| on.then(|| Tensor::cpu_f32(v, shape));
    Ok([
        wrap(need[0], dm, f.m.shape().to_vec()),
        wrap(need[1], dfx, vec![batch, n, w]),
        wrap(need[2], dfy, vec![batch, n, h]),
        wrap(need[3], dgamma, vec![batch]),
    ])
}
