//! Show, Attend and Tell's soft attention (PAPERS.md §3, the decoder's "attention
//! MLP" and "soft context"), fused, on validated slices. Per image b, over
//! locations l < L, attention units k < A and channels d < D:
//!   t_lk  = tanh(proj_lk + hProj_k)       proj = W_a a_i (once per image), hProj = W_d h_{t−1} + b
//!   e_l   = Σ_k v_k t_lk (+ bias)         e_ti = v_attᵀ tanh(…) (+ c)
//!   α_l   = softmax over the unmasked l   α_t = softmax_i(e_t); masked locations get 0
//!   ctx_d = Σ_l α_l a_ld                  ẑ_t = Σ_i α_ti a_i (the caller applies the gate β_t)
//! Backward, from dctx and dα (either may be absent: zero):
//!   gα_l = dα_l + Σ_d dctx_d a_ld;  de_l = α_l (gα_l − Σ_l′ α_l′ gα_l′)   (the softmax Jacobian)
//!   dproj_lk = de_l v_k (1 − t_lk²);  dhProj_k = Σ_l dproj_lk;  dv_k = Σ_b Σ_l de_l t_lk
//!   da_ld = α_l dctx_d;  dbias = Σ_b Σ_l de_l (zero but for rounding: a shift leaves α alone)
//! The forward keeps t [B,L,A] for the backward. Images run in parallel; the
//! rows (A or D long) are vectorised, compiled for AVX-512, AVX2 or the baseline.

use super::parallel::{for_each_task, Parts};
use super::PARALLEL_MIN;
use crate::backend::{SoftAttend, SoftAttendSaved};
use crate::desc::attention::SoftDims;
use crate::math::{exp, tanh};
use crate::{Result, Tensor};

const OP: &str = "softAttend";
const OP_BACKWARD: &str = "softAttendBackward";

/// t = tanh(p + h) into `t`; returns vᵀt, summed in 16 lanes so the loop vectorises.
#[inline(always)]
fn score_row_body(p: &[f32], h: &[f32], v: &[f32], t: &mut [f32]) -> f32 {
    let mut lanes = [0f32; 16];
    let mut tail = 0f32;
    let n = t.len();
    let (p, h, v) = (&p[..n], &h[..n], &v[..n]);
    let whole = n - n % 16;
    for (((tc, pc), hc), vc) in t[..whole]
        .chunks_exact_mut(16)
        .zip(p.chunks_exact(16))
        .zip(h.chunks_exact(16))
        .zip(v.chunks_exact(16))
    {
        for j in 0..16 {
            let x = tanh(pc[j] + hc[j]);
            tc[j] = x;
            lanes[j] += vc[j] * x;
        }
    }
    for k in whole..n {
        let x = tanh(p[k] + h[k]);
        t[k] = x;
        tail += v[k] * x;
    }
    lanes.iter().sum::<f32>() + tail
}

/// out += w · x.
#[inline(always)]
fn axpy_body(out: &mut [f32], w: f32, x: &[f32]) {
    for (o, &x) in out.iter_mut().zip(x) {
        *o += w * x;
    }
}

/// Σ g_d x_d, and da = w · g when asked, in one pass over the row x.
#[inline(always)]
fn dot_scale_body(g: &[f32], x: &[f32], w: f32, da: Option<&mut [f32]>) -> f32 {
    let mut lanes = [0f32; 16];
    let n = g.len();
    let x = &x[..n];
    let whole = n - n % 16;
    for (gc, xc) in g[..whole].chunks_exact(16).zip(x.chunks_exact(16)) {
        for j in 0..16 {
            lanes[j] += gc[j] * xc[j];
        }
    }
    let tail: f32 = (whole..n).map(|d| g[d] * x[d]).sum();
    if let Some(da) = da {
        for (o, &gd) in da[..n].iter_mut().zip(g) {
            *o = w * gd;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// One location's backward through tanh: dproj = de·v·(1 − t²) (written when
/// asked), added to dh; de·t added to dv.
#[inline(always)]
fn tanh_back_body(
    de: f32,
    v: &[f32],
    t: &[f32],
    dproj: Option<&mut [f32]>,
    dh: &mut [f32],
    dv: &mut [f32],
) {
    let n = t.len();
    let (v, dh, dv) = (&v[..n], &mut dh[..n], &mut dv[..n]);
    match dproj {
        Some(dp) => {
            let dp = &mut dp[..n];
            for k in 0..n {
                let g = de * v[k] * (1.0 - t[k] * t[k]);
                dp[k] = g;
                dh[k] += g;
                dv[k] += de * t[k];
            }
        }
        None => {
            for k in 0..n {
                dh[k] += de * v[k] * (1.0 - t[k] * t[k]);
                dv[k] += de * t[k];
            }
        }
    }
}

super::multiversion!(score_row, score_row_body, (p: &[f32], h: &[f32], v: &[f32], t: &mut [f32]) -> f32);
super::multiversion!(axpy, axpy_body, (out: &mut [f32], w: f32, x: &[f32]));
super::multiversion!(dot_scale, dot_scale_body, (g: &[f32], x: &[f32], w: f32, da: Option<&mut [f32]>) -> f32);
super::multiversion!(tanh_back, tanh_back_body, (de: f32, v: &[f32], t: &[f32], dproj: Option<&mut [f32]>, dh: &mut [f32], dv: &mut [f32]));

/// Runs `f(b)` for every image, in parallel when the work is worth it.
fn per_image(d: SoftDims, f: impl Fn(usize) + Sync) {
    let work = d.batch * d.locations * (d.units + d.channels);
    if work < PARALLEL_MIN {
        (0..d.batch).for_each(f);
    } else {
        for_each_task(d.batch, f);
    }
}

/// One image's operands, borrowed for the forward.
struct Inputs<'a> {
    proj: &'a [f32],
    h_proj: &'a [f32],
    v: &'a [f32],
    ann: &'a [f32],
    bias: f32,
    mask: Option<&'a [f32]>,
    keep: bool,
}

/// (context [B·D], α [B·L], t [B·L·A]); t is empty unless `x.keep`.
fn forward(x: &Inputs, d: SoftDims) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let SoftDims {
        batch: bn,
        locations: l,
        units: a,
        channels: c,
    } = d;
    let (mut ctx, mut alpha) = (vec![0f32; bn * c], vec![0f32; bn * l]);
    let mut hidden = vec![0f32; if x.keep { bn * l * a } else { 0 }];
    let (pc, pa, pt) = (
        Parts::new(&mut ctx),
        Parts::new(&mut alpha),
        Parts::new(&mut hidden),
    );
    per_image(d, |b| {
        // SAFETY: image b's rows of each output, disjoint per task.
        let (ctx, alpha) = unsafe { (pc.part(b * c, c), pa.part(b * l, l)) };
        // Without a backward to feed, t is one row of scratch, rewritten per location.
        let mut scratch = Vec::new();
        let (t, stride) = if x.keep {
            // SAFETY: image b's rows of t, disjoint per task.
            (unsafe { pt.part(b * l * a, l * a) }, a)
        } else {
            scratch.resize(a, 0f32);
            (&mut scratch[..], 0)
        };
        let h = &x.h_proj[b * a..(b + 1) * a];
        let kept = |j: usize| x.mask.is_none_or(|m| m[b * l + j] != 0.0);
        // Scores into α, then the softmax in place, shifted by the largest kept score.
        let mut max = f32::NEG_INFINITY;
        for j in 0..l {
            let row = (b * l + j) * a;
            let t_row = &mut t[j * stride..j * stride + a];
            alpha[j] = score_row(&x.proj[row..row + a], h, x.v, t_row) + x.bias;
            if kept(j) {
                max = max.max(alpha[j]);
            }
        }
        let mut z = 0f64;
        for (j, w) in alpha.iter_mut().enumerate() {
            *w = if kept(j) { exp(*w - max) } else { 0.0 };
            z += *w as f64;
        }
        // z ≥ 1 (the largest kept score gives e^0): ops/ refused rows with nothing kept.
        let inv = (1.0 / z) as f32;
        for (j, w) in alpha.iter_mut().enumerate() {
            *w *= inv;
            if *w != 0.0 {
                axpy(ctx, *w, &x.ann[(b * l + j) * c..(b * l + j + 1) * c]);
            }
        }
    });
    (ctx, alpha, hidden)
}

/// The backward's inputs, borrowed.
struct Saved<'a> {
    v: &'a [f32],
    ann: &'a [f32],
    alpha: &'a [f32],
    t: &'a [f32],
    dctx: Option<&'a [f32]>,
    dalpha: Option<&'a [f32]>,
}

/// [dproj, dhProj, dv, da, dbias] where `need` asks.
fn backward(s: &Saved, d: SoftDims, need: [bool; 5]) -> [Option<Vec<f32>>; 5] {
    let SoftDims {
        batch: bn,
        locations: l,
        units: a,
        channels: c,
    } = d;
    let zeros = |n: usize, want: bool| want.then(|| vec![0f32; n]);
    let mut dproj = zeros(bn * l * a, need[0]);
    let mut da = zeros(bn * l * c, need[3] && s.dctx.is_some());
    // Per image: dhProj rows, dv and dbias partials (summed over images below, in order).
    let (mut dh, mut dv_rows, mut db_rows) =
        (vec![0f32; bn * a], vec![0f32; bn * a], vec![0f64; bn]);
    let (pp, pda) = (
        dproj.as_mut().map(|v| Parts::new(v)),
        da.as_mut().map(|v| Parts::new(v)),
    );
    let (ph, pv, pb) = (
        Parts::new(&mut dh),
        Parts::new(&mut dv_rows),
        Parts::new(&mut db_rows),
    );
    per_image(d, |b| {
        // SAFETY: image b's rows of each output, disjoint per task.
        let (dh, dv, db) = unsafe { (ph.part(b * a, a), pv.part(b * a, a), pb.part(b, 1)) };
        let alpha = &s.alpha[b * l..(b + 1) * l];
        // gα = dα + dctx·a_l, and da_l = α_l dctx in the same pass over the annotations.
        let mut g: Vec<f32> = (0..l)
            .map(|j| s.dalpha.map_or(0.0, |x| x[b * l + j]))
            .collect();
        if let Some(dctx) = s.dctx {
            let dctx = &dctx[b * c..(b + 1) * c];
            for (j, gj) in g.iter_mut().enumerate() {
                let row = (b * l + j) * c;
                // SAFETY: row (b, j) of da, disjoint per task.
                let out = pda.as_ref().map(|p| unsafe { p.part(row, c) });
                *gj += dot_scale(dctx, &s.ann[row..row + c], alpha[j], out);
            }
        }
        let dot: f64 = alpha
            .iter()
            .zip(&g)
            .map(|(&w, &x)| w as f64 * x as f64)
            .sum();
        let mut sum = 0f64;
        for j in 0..l {
            let de = (alpha[j] as f64 * (g[j] as f64 - dot)) as f32;
            sum += de as f64;
            // A masked location has α = 0, so de = 0: nothing to add, dproj stays 0.
            if de != 0.0 {
                let row = (b * l + j) * a;
                // SAFETY: row (b, j) of dproj, disjoint per task.
                let out = pp.as_ref().map(|p| unsafe { p.part(row, a) });
                tanh_back(de, s.v, &s.t[row..row + a], out, dh, dv);
            }
        }
        db[0] = sum;
    });
    let dv = need[2].then(|| {
        let mut acc = vec![0f64; a];
        for row in dv_rows.chunks(a.max(1)) {
            acc.iter_mut().zip(row).for_each(|(s, &x)| *s += x as f64);
        }
        acc.into_iter().map(|x| x as f32).collect()
    });
    let da = if need[3] {
        da.or_else(|| Some(vec![0f32; bn * l * c]))
    } else {
        None
    };
    let dbias = need[4].then(|| vec![db_rows.iter().sum::<f64>() as f32]);
    [dproj, need[1].then_some(dh), dv, da, dbias]
}

/// A CPU tensor's data, or None for an absent one.
fn data<'t>(op: &str, arg: &str, t: Option<&'t Tensor>) -> Result<Option<&'t [f32]>> {
    t.map(|t| t.cpu_f32_data(op, arg)).transpose()
}

pub fn soft_attend(x: &SoftAttend, d: SoftDims) -> Result<(Tensor, Tensor, Option<Tensor>)> {
    let inputs = Inputs {
        proj: x.proj.cpu_f32_data(OP, "proj")?,
        h_proj: x.h_proj.cpu_f32_data(OP, "hProj")?,
        v: x.v.cpu_f32_data(OP, "v")?,
        ann: x.annotations.cpu_f32_data(OP, "annotations")?,
        bias: data(OP, "bias", x.bias)?.map_or(0.0, |b| b[0]),
        mask: data(OP, "mask", x.mask)?,
        keep: x.keep_hidden,
    };
    let (ctx, alpha, t) = forward(&inputs, d);
    let SoftDims {
        batch: b,
        locations: l,
        units: a,
        channels: c,
    } = d;
    Ok((
        Tensor::cpu_f32(ctx, vec![b, c]),
        Tensor::cpu_f32(alpha, vec![b, l]),
        x.keep_hidden.then(|| Tensor::cpu_f32(t, vec![b, l, a])),
    ))
}

pub fn soft_attend_backward(
    saved: &SoftAttendSaved,
    dcontext: Option<&Tensor>,
    dalpha: Option<&Tensor>,
    d: SoftDims,
    need: [bool; 5],
) -> Result<[Option<Tensor>; 5]> {
    let op = OP_BACKWARD;
    let s = Saved {
        v: saved.v.cpu_f32_data(op, "v")?,
        ann: saved.annotations.cpu_f32_data(op, "annotations")?,
        alpha: saved.alpha.cpu_f32_data(op, "alpha")?,
        t: saved.hidden.cpu_f32_data(op, "t")?,
        dctx: data(op, "dcontext", dcontext)?,
        dalpha: data(op, "dalpha", dalpha)?,
    };
    let SoftDims {
        batch: b,
        locations: l,
        units: a,
        channels: c,
    } = d;
    let [dp, dh, dv, da, db] = backward(&s, d, need);
    let wrap = |g: Option<Vec<f32>>, shape: Vec<usize>| g.map(|g| Tensor::cpu_f32(g, shape));
    Ok([
        wrap(dp, vec![b, l, a]),
        wrap(dh, vec![b, a]),
        wrap(dv, vec![a]),
        wrap(da, vec![b, l, c]),
        wrap(db, vec![1]),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(batch: usize, locations: usize, units: usize, channels: usize) -> SoftDims {
        SoftDims {
            batch,
            locations,
            units,
            channels,
        }
    }

    #[test]
    fn masked_locations_get_nothing_and_alpha_sums_to_one() {
        let d = dims(1, 3, 2, 2);
        let (proj, h, v) = ([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [0.2, 0.1], [1.0, -2.0]);
        let ann = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mask = [1.0, 0.0, 1.0];
        let x = Inputs {
            proj: &proj,
            h_proj: &h,
            v: &v,
            ann: &ann,
            bias: 0.5,
            mask: Some(&mask),
            keep: true,
        };
        let (ctx, alpha, t) = forward(&x, d);
        assert_eq!(alpha[1], 0.0);
        assert!((alpha.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((t[0] - (0.3f32).tanh()).abs() < 1e-6);
        let want = alpha[0] * 1.0 + alpha[2] * 5.0;
        assert!((ctx[0] - want).abs() < 1e-6);
    }

    #[test]
    fn backward_gives_only_what_is_asked_and_a_zero_bias_gradient() {
        let d = dims(2, 4, 3, 5);
        let n = |len: usize, s: f32| (0..len).map(|i| (i as f32 * s).sin()).collect::<Vec<f32>>();
        let (proj, h, v, ann) = (n(24, 0.7), n(6, 1.3), n(3, 2.1), n(40, 0.9));
        let x = Inputs {
            proj: &proj,
            h_proj: &h,
            v: &v,
            ann: &ann,
            bias: 0.0,
            mask: None,
            keep: true,
        };
        let (_, alpha, t) = forward(&x, d);
        let (dctx, dalpha) = (n(10, 0.4), n(8, 1.7));
        let s = Saved {
            v: &v,
            ann: &ann,
            alpha: &alpha,
            t: &t,
            dctx: Some(&dctx),
            dalpha: Some(&dalpha),
        };
        let g = backward(&s, d, [true, false, true, false, true]);
        assert!(g[0].is_some() && g[1].is_none() && g[2].is_some() && g[3].is_none());
        assert!(g[4].as_ref().unwrap()[0].abs() < 1e-6);
        // dhProj is the sum of dproj over locations.
        let all = backward(&s, d, [true; 5]);
        let (dp, dh) = (all[0].as_ref().unwrap(), all[1].as_ref().unwrap());
        for b in 0..2 {
            for k in 0..3 {
                let sum: f32 = (0..4).map(|j| dp[(b * 4 + j) * 3 + k]).sum();
                assert!((sum - dh[b * 3 + k]).abs() < 1e-6);
            }
        }
        // Without dctx the annotations get a zero gradient, still of their shape.
        let s = Saved { dctx: None, ..s };
        let g = backward(&s, d, [false, false, false, true, false]);
        assert_eq!(g[3].as_ref().unwrap(), &vec![0f32; 40]);
    }
}
