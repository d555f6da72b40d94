//! DRAW's read and write with given filters (PAPERS.md §1), fused, on validated
//! slices. Per example b (scale s = γ_b for read, 1/γ_b for write) and channel c:
//!   read:  r_c = s·FY x_c FXᵀ   ([H,W] → [N,N], "narrow")
//!   write: c_c = s·FYᵀ w_c FX   ([N,N] → [H,W], "widen")
//! Backward from G (the output's gradient), through the inner product the
//! forward formed (recomputed: it costs one H·N·W pass):
//!   read,  T = x FXᵀ [H,N], dT = s·FYᵀ G:  dFY = s·G Tᵀ, dx = dT FX, dFX = dTᵀ x,
//!          dγ = ⟨G, FY T⟩ = ⟨dT, T⟩/γ
//!   write, U = w FX [N,W], dU = s·FY G:    dFY = s·U Gᵀ, dw = dU FXᵀ, dFX = wᵀ dU,
//!          dγ = ⟨G, FYᵀ U⟩·d(1/γ)/dγ = −⟨dU, U⟩/γ
//! (the filters' gradients summed over channels). Read holds T and dT transposed
//! ([N,H]), so that every product is a dot or an axpy along H or W.
//! Examples run in parallel, in groups large enough to be worth a hand-off, with
//! subnormals flushed to zero (the filters' tails hold them; subnormal.rs).

use super::parallel::{for_each_task, Parts};
use super::subnormal::flushed;
use crate::backend::Filters;
use crate::desc::attention::{FilterDims, FilterMode};
use crate::{Result, Tensor};

/// Examples are handed to threads in groups of at least this many multiply-adds.
const TASK_MIN_WORK: usize = 1 << 16;

/// Calls below this many multiply-adds stay on the calling thread (~0.1 ms of
/// work, less than a hand-off to another thread costs on a small VM; the same
/// rule as the GEMM's). DRAW's MNIST read and write, batch 64, are all below it.
const PARALLEL_MIN_WORK: usize = 1 << 20;

/// out [N,N] = s·FY src FXᵀ for src [H,W]; `t` holds N·H values.
#[inline(always)]
fn narrow(
    d: &FilterDims,
    fx: &[f32],
    fy: &[f32],
    src: &[f32],
    s: f32,
    out: &mut [f32],
    t: &mut [f32],
) {
    let (n, h) = (d.n, d.height);
    // Tᵀ [N,H], so that both products below are long dots.
    project(d, fx, src, t);
    // out[i,j] = s·FY[i,:]·Tᵀ[j,:]
    for (i, row) in out.chunks_exact_mut(n).enumerate().take(n) {
        dots(&fy[i * h..(i + 1) * h], &t[..n * h], h, row);
        row.iter_mut().for_each(|v| *v *= s);
    }
}

/// tt [N,H] = (src FXᵀ)ᵀ for src [H,W]: tt[j,y] = src[y,:]·FX[j,:].
#[inline(always)]
fn project(d: &FilterDims, fx: &[f32], src: &[f32], tt: &mut [f32]) {
    let (n, h, w) = (d.n, d.height, d.width);
    let mut row = [0f32; 4];
    for y in 0..h {
        let sr = &src[y * w..(y + 1) * w];
        for j0 in (0..n).step_by(4) {
            let k = (n - j0).min(4);
            dots(sr, &fx[j0 * w..(j0 + k) * w], w, &mut row[..k]);
            for (q, &v) in row[..k].iter().enumerate() {
                tt[(j0 + q) * h + y] = v;
            }
        }
    }
}

/// out[q] = a·rows[q·len..(q+1)·len] for every q, four rows per pass over a
/// (four independent sums, a loaded once for all four).
#[inline(always)]
fn dots(a: &[f32], rows: &[f32], len: usize, out: &mut [f32]) {
    let mut q = 0;
    while q + 4 <= out.len() {
        let r = |k: usize| &rows[(q + k) * len..(q + k + 1) * len];
        let v = dot4(a, [r(0), r(1), r(2), r(3)]);
        out[q..q + 4].copy_from_slice(&v);
        q += 4;
    }
    for (k, o) in out.iter_mut().enumerate().skip(q) {
        *o = dot(a, &rows[k * len..(k + 1) * len]);
    }
}

/// [a·b₀, a·b₁, a·b₂, a·b₃] in sixteen lanes each (four separate accumulators,
/// so the loop vectorises and keeps them in registers).
#[inline(always)]
fn dot4(a: &[f32], b: [&[f32]; 4]) -> [f32; 4] {
    const L: usize = 16;
    let len = a.len();
    let [b0, b1, b2, b3] = b.map(|r| &r[..len]);
    let (mut s0, mut s1, mut s2, mut s3) = ([0f32; L], [0f32; L], [0f32; L], [0f32; L]);
    let chunks = a
        .chunks_exact(L)
        .zip(b0.chunks_exact(L))
        .zip(b1.chunks_exact(L).zip(b2.chunks_exact(L)))
        .zip(b3.chunks_exact(L));
    for (((x, y0), (y1, y2)), y3) in chunks {
        for l in 0..L {
            s0[l] += x[l] * y0[l];
            s1[l] += x[l] * y1[l];
            s2[l] += x[l] * y2[l];
            s3[l] += x[l] * y3[l];
        }
    }
    let full = len / L * L;
    let tail = |r: &[f32]| -> f32 { a[full..].iter().zip(&r[full..]).map(|(x, y)| x * y).sum() };
    [
        hsum(s0) + tail(b0),
        hsum(s1) + tail(b1),
        hsum(s2) + tail(b2),
        hsum(s3) + tail(b3),
    ]
}

/// The sixteen lanes' sum as a tree (four vector adds, not fifteen dependent ones).
#[inline(always)]
fn hsum(s: [f32; 16]) -> f32 {
    let mut h = [0f32; 8];
    for l in 0..8 {
        h[l] = s[l] + s[l + 8];
    }
    let mut q = [0f32; 4];
    for l in 0..4 {
        q[l] = h[l] + h[l + 4];
    }
    (q[0] + q[2]) + (q[1] + q[3])
}

/// out [H,W] = s·FYᵀ src FX for src [N,N]; `t` holds N·W values.
#[inline(always)]
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

#[inline(always)]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (v, &u) in y.iter_mut().zip(x) {
        *v += a * u;
    }
}

/// y += a₀·x₀ + a₁·x₁ (one load and store of y for two rows).
#[inline(always)]
fn axpy2(y: &mut [f32], (a0, x0): (f32, &[f32]), (a1, x1): (f32, &[f32])) {
    for ((v, &u0), &u1) in y.iter_mut().zip(x0).zip(x1) {
        *v += a0 * u0 + a1 * u1;
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

/// Runs `f(b)` for every example (`work` multiply-adds each), in parallel groups
/// of at least TASK_MIN_WORK when the call is worth it, with subnormals flushed
/// (the filters' Gaussian tails hold them: subnormal.rs says why).
fn per_example(batch: usize, work: usize, f: impl Fn(usize) + Sync) {
    if batch.saturating_mul(work) < PARALLEL_MIN_WORK {
        return flushed(|| (0..batch).for_each(f));
    }
    let per = (TASK_MIN_WORK / work.max(1)).clamp(1, batch.max(1));
    for_each_task(batch.div_ceil(per), |t| {
        flushed(|| (t * per..((t + 1) * per).min(batch)).for_each(&f))
    });
}

fn scale(mode: FilterMode, gamma: f32) -> f32 {
    match mode {
        FilterMode::Read => gamma,
        FilterMode::Write => 1.0 / gamma,
    }
}

/// One example: its filters, its C planes of m and the scale s (γ or 1/γ).
struct Example<'a> {
    d: &'a FilterDims,
    mode: FilterMode,
    fx: &'a [f32],
    fy: &'a [f32],
    m: &'a [f32],
    s: f32,
}

impl<'a> Example<'a> {
    fn new(
        f: &Filters,
        d: &'a FilterDims,
        b: usize,
        (fx, fy, m, gamma): (&'a [f32], &'a [f32], &'a [f32], &[f32]),
    ) -> Self {
        let (n, h, w, c) = (d.n, d.height, d.width, d.channels);
        let m_len = sizes(f.mode, d).0;
        Example {
            d,
            mode: f.mode,
            fx: &fx[b * n * w..(b + 1) * n * w],
            fy: &fy[b * n * h..(b + 1) * n * h],
            m: &m[b * c * m_len..(b + 1) * c * m_len],
            s: scale(f.mode, gamma[b]),
        }
    }
}

/// The example's output planes into `out` (C·out values); `t` holds N·max(H,W).
#[inline(always)]
fn forward_body(e: &Example, out: &mut [f32], t: &mut [f32]) {
    let (m_len, o_len, _) = sizes(e.mode, e.d);
    for (ch, o) in out
        .chunks_exact_mut(o_len.max(1))
        .enumerate()
        .take(e.d.channels)
    {
        let src = &e.m[ch * m_len..(ch + 1) * m_len];
        match e.mode {
            FilterMode::Read => narrow(e.d, e.fx, e.fy, src, e.s, o, t),
            FilterMode::Write => widen(e.d, e.fx, e.fy, src, e.s, o, t),
        }
    }
}

super::multiversion!(forward_one, forward_body, (e: &Example, out: &mut [f32], t: &mut [f32]));

/// Read's gradients for one channel, from Tᵀ = (M FXᵀ)ᵀ [N,H] (recomputed) and
/// dTᵀ = (s·FYᵀ G)ᵀ [N,H]: dFY += s·G Tᵀ, dM = dT FX, dFX += dTᵀ M; returns
/// ⟨dT, T⟩ (dγ = ⟨dT, T⟩/γ). Held transposed, every product below is an axpy or
/// a dot along H or W. `t` and `dt` hold N·H values each.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn read_grads(
    e: &Example,
    mc: &[f32],
    gc: &[f32],
    dm: Option<&mut [f32]>,
    (dfx, dfy): (&mut [f32], &mut [f32]),
    t: &mut [f32],
    dt: &mut [f32],
) -> f64 {
    let (n, h, w, s) = (e.d.n, e.d.height, e.d.width, e.s);
    let (fx, fy) = (e.fx, e.fy);
    project(e.d, fx, mc, t);
    // dTᵀ[j,:] = s·Σ_i G[i,j] FY[i,:]; dFY[i,:] += s·Σ_j G[i,j] Tᵀ[j,:]
    for j in 0..n {
        let row = &mut dt[j * h..(j + 1) * h];
        row.fill(0.0);
        for i in 0..n {
            axpy(row, s * gc[i * n + j], &fy[i * h..(i + 1) * h]);
        }
    }
    for i in 0..n {
        let row = &mut dfy[i * h..(i + 1) * h];
        for j in 0..n {
            axpy(row, s * gc[i * n + j], &t[j * h..(j + 1) * h]);
        }
    }
    if let Some(dm) = dm {
        for (y, row) in dm[..h * w].chunks_exact_mut(w.max(1)).enumerate() {
            row.fill(0.0);
            for j in 0..n {
                axpy(row, dt[j * h + y], &fx[j * w..(j + 1) * w]);
            }
        }
    }
    // dFX[j,:] += Σ_y dTᵀ[j,y] M[y,:], two rows of M per pass over dFX's row.
    for j in 0..n {
        let (row, dtj) = (&mut dfx[j * w..(j + 1) * w], &dt[j * h..(j + 1) * h]);
        let mut y = 0;
        while y + 2 <= h {
            axpy2(
                row,
                (dtj[y], &mc[y * w..(y + 1) * w]),
                (dtj[y + 1], &mc[(y + 1) * w..(y + 2) * w]),
            );
            y += 2;
        }
        if y < h {
            axpy(row, dtj[y], &mc[y * w..(y + 1) * w]);
        }
    }
    t[..n * h]
        .iter()
        .zip(&dt[..n * h])
        .map(|(&a, &b)| a as f64 * b as f64)
        .sum()
}

/// Write's gradients for one channel, from U = M FX [N,W] (recomputed) and
/// dU = s·FY G [N,W]: dFY += s·U Gᵀ, dM = dU FXᵀ, dFX += Mᵀ dU; returns ⟨dU, U⟩
/// (dγ = −⟨dU, U⟩/γ). `u` and `du` hold N·W values each.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn write_grads(
    e: &Example,
    mc: &[f32],
    gc: &[f32],
    dm: Option<&mut [f32]>,
    (dfx, dfy): (&mut [f32], &mut [f32]),
    u: &mut [f32],
    du: &mut [f32],
) -> f64 {
    let (n, h, w, s) = (e.d.n, e.d.height, e.d.width, e.s);
    let (fx, fy) = (e.fx, e.fy);
    for i in 0..n {
        let (ui, dui) = (&mut u[i * w..(i + 1) * w], &mut du[i * w..(i + 1) * w]);
        ui.fill(0.0);
        for (j, &v) in mc[i * n..(i + 1) * n].iter().enumerate() {
            axpy(ui, v, &fx[j * w..(j + 1) * w]);
        }
        dui.fill(0.0);
        for (y, &f) in fy[i * h..(i + 1) * h].iter().enumerate() {
            axpy(dui, s * f, &gc[y * w..(y + 1) * w]);
        }
        for (y, v) in dfy[i * h..(i + 1) * h].iter_mut().enumerate() {
            *v += s * dot(ui, &gc[y * w..(y + 1) * w]);
        }
        let dui = &du[i * w..(i + 1) * w];
        for (j, &v) in mc[i * n..(i + 1) * n].iter().enumerate() {
            axpy(&mut dfx[j * w..(j + 1) * w], v, dui);
        }
    }
    if let Some(dm) = dm {
        for i in 0..n {
            let dui = &du[i * w..(i + 1) * w];
            for (j, v) in dm[i * n..(i + 1) * n].iter_mut().enumerate() {
                *v = dot(dui, &fx[j * w..(j + 1) * w]);
            }
        }
    }
    u[..n * w]
        .iter()
        .zip(&du[..n * w])
        .map(|(&a, &b)| a as f64 * b as f64)
        .sum()
}

/// The example's gradients into dm (C planes, when wanted), dFX and dFY (scratch
/// where unwanted); returns Σ_c of read's ⟨dT, T⟩ or write's ⟨dU, U⟩ (for dγ).
/// `g` is the example's output gradient; `scratch` holds 2·N·max(H,W) values.
#[inline(always)]
fn backward_body(
    e: &Example,
    g: &[f32],
    grads: (&mut [f32], &mut [f32], &mut [f32]),
    want_dm: bool,
    scratch: &mut [f32],
) -> f64 {
    let (dm, dfx, dfy) = grads;
    let (m_len, o_len, _) = sizes(e.mode, e.d);
    let (a, b) = scratch.split_at_mut(scratch.len() / 2);
    let mut acc = 0f64;
    for ch in 0..e.d.channels {
        let (mc, gc) = (
            &e.m[ch * m_len..(ch + 1) * m_len],
            &g[ch * o_len..(ch + 1) * o_len],
        );
        let dmc = want_dm.then(|| &mut dm[ch * m_len..(ch + 1) * m_len]);
        let filters = (&mut *dfx, &mut *dfy);
        acc += match e.mode {
            FilterMode::Read => read_grads(e, mc, gc, dmc, filters, a, b),
            FilterMode::Write => write_grads(e, mc, gc, dmc, filters, a, b),
        };
    }
    acc
}

super::multiversion!(backward_one, backward_body, (e: &Example, g: &[f32], grads: (&mut [f32], &mut [f32], &mut [f32]), want_dm: bool, scratch: &mut [f32]) -> f64);

pub fn forward(f: &Filters, d: FilterDims, out_shape: Vec<usize>) -> Result<Tensor> {
    let op = f.mode.name();
    let data = (
        f.fx.cpu_f32_data(op, "Fx")?,
        f.fy.cpu_f32_data(op, "Fy")?,
        f.m.cpu_f32_data(op, "m")?,
        f.gamma.cpu_f32_data(op, "gamma")?,
    );
    let (_, o_len, work) = sizes(f.mode, &d);
    let per = d.channels * o_len;
    let mut out = crate::memory::try_zeroed::<f32>(op, &out_shape)?;
    let parts = Parts::new(&mut out);
    per_example(d.batch, work, |b| {
        let e = Example::new(f, &d, b, data);
        // SAFETY: example b owns out[b·C·o_len, (b+1)·C·o_len).
        let dst = unsafe { parts.part(b * per, per) };
        let mut t = vec![0f32; d.n * d.height.max(d.width)];
        forward_one(&e, dst, &mut t);
    });
    Ok(Tensor::cpu_f32(out, out_shape))
}

pub fn backward(
    f: &Filters,
    grad: &Tensor,
    d: FilterDims,
    need: [bool; 4],
) -> Result<[Option<Tensor>; 4]> {
    let op = f.mode.backward_name();
    let data = (
        f.fx.cpu_f32_data(op, "Fx")?,
        f.fy.cpu_f32_data(op, "Fy")?,
        f.m.cpu_f32_data(op, "m")?,
        f.gamma.cpu_f32_data(op, "gamma")?,
    );
    let g = grad.cpu_f32_data(op, "grad")?;
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
        let e = Example::new(f, &d, b, data);
        let mut scratch = vec![0f32; 2 * n * h.max(w)];
        // Scratch for whichever of dFX and dFY is not wanted (both come out of one pass).
        let mut sm: [f32; 0] = [];
        let mut sx = vec![0f32; if need[1] { 0 } else { n * w }];
        let mut sy = vec![0f32; if need[2] { 0 } else { n * h }];
        // SAFETY: example b owns its rows of every gradient.
        let gm = if need[0] {
            unsafe { pm.part(b * c * m_len, c * m_len) }
        } else {
            &mut sm[..]
        };
        // SAFETY: as above.
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
        let gb = &g[b * c * o_len..(b + 1) * c * o_len];
        let acc = backward_one(&e, gb, (gm, gfx, gfy), need[0], &mut scratch);
        if need[3] {
            let sign = match f.mode {
                FilterMode::Read => 1.0,
                FilterMode::Write => -1.0,
            };
            // SAFETY: as above.
            let dst = unsafe { pg.part(b, 1) };
            dst[0] = (sign * acc / data.3[b] as f64) as f32;
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
