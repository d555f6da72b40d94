//! DRAW's Gaussian attention filterbank (PAPERS.md §1, "Selective attention"),
//! forward and backward, on validated slices. params is [batch, 5] holding
//! (g̃X, g̃Y, log σ², log δ̃, log γ); FX is [batch, N, A] (A = width),
//! FY is [batch, N, B] (B = height). Arithmetic is in f64, stored as f32.
//!
//! In the paper's 1-based coordinates (i = 1..N, a = 1..A):
//!   gX = (A+1)/2 · (g̃X + 1),  δ = (max(A,B) − 1)/(N − 1) · δ̃,
//!   μX_i = gX + (i − N/2 − 0.5)·δ,  FX[i,a] = exp(−(a − μX_i)²/(2σ²)) / ZX_i,
//!   ZX_i = max(Σ_a exp(…), Z_EPS).
//! N = 1: the formula's N − 1 becomes max(N − 1, 1); the single filter sits at
//! (i − N/2 − 0.5) = 0, i.e. on gX, so δ has no effect and its gradient is 0.

use super::parallel::{for_each_row_mut, for_each_task, Parts};
use super::subnormal::flushed;
use crate::memory::zeroed;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::AttentionBackend;
use crate::backend::{Filters, SoftAttend, SoftAttendSaved};
use crate::desc::attention::{FilterDims, Geometry, SoftDims};
use crate::{Result, Tensor};

/// The floor on each filter's normaliser Z (PAPERS.md: Z = max(Σ exp(…), 1e-8)),
/// so a filter far outside the image is all zeros instead of 0/0.
pub const Z_EPS: f64 = 1e-8;

/// One image axis of one example: its length, the filter centres' spacing and
/// where the grid sits.
struct Axis {
    /// 1-based grid centre: (len+1)/2 · (g̃ + 1).
    centre: f64,
    /// d centre / d g̃ = (len+1)/2.
    dcentre: f64,
    delta: f64,
    /// σ².
    var: f64,
    /// t = 1/(2σ²) and e^−2t, shared by every row's recurrence.
    t: f64,
    q: f64,
    len: usize,
    n: usize,
}

impl Axis {
    fn new(
        g_tilde: f32,
        log_var: f32,
        log_delta: f32,
        len: usize,
        n: usize,
        max_len: usize,
    ) -> Axis {
        let half = (len as f64 + 1.0) / 2.0;
        // N = 1 divides by max(N − 1, 1): see the module comment.
        let stride = (max_len as f64 - 1.0) / (n.saturating_sub(1).max(1)) as f64;
        let var = (log_var as f64).exp();
        let t = 1.0 / (2.0 * var);
        Axis {
            centre: half * (g_tilde as f64 + 1.0),
            dcentre: half,
            delta: stride * (log_delta as f64).exp(),
            var,
            t,
            q: (-2.0 * t).exp(),
            len,
            n,
        }
    }

    /// (i − N/2 − 0.5) for the 1-based i = i0 + 1.
    fn offset(&self, i0: usize) -> f64 {
        i0 as f64 + 0.5 - self.n as f64 / 2.0
    }

    fn mu(&self, i0: usize) -> f64 {
        self.centre + self.offset(i0) * self.delta
    }

    /// Unnormalised row i0 into `e` (len values); returns Σ e.
    ///
    /// exp(−t(a − μ)²), t = 1/(2σ²), by the recurrence e(a±1) = e(a)·r, r·= e^−2t,
    /// walking out from the pixel nearest μ: three exps per row instead of one per
    /// pixel. Every factor is ≤ 1 on the way out, so values only shrink (and
    /// underflow to 0 where the true value is below f64's range); the relative
    /// error after k steps is ~k²·2⁻⁵³ (≈1e-12 at k = 100).
    fn row(&self, i0: usize, e: &mut [f64]) -> f64 {
        let (mu, t, q) = (self.mu(i0), self.t, self.q);
        // 0-based index of the pixel nearest μ (1-based a = k + 1).
        let peak = (mu.round() - 1.0).clamp(0.0, (self.len - 1) as f64) as usize;
        let d = (peak + 1) as f64 - mu;
        e[peak] = (-t * d * d).exp();
        let mut sum = e[peak];
        let mut r = (-t * (2.0 * d + 1.0)).exp();
        for k in peak + 1..self.len {
            e[k] = e[k - 1] * r;
            r *= q;
            sum += e[k];
        }
        let mut l = (-t * (1.0 - 2.0 * d)).exp();
        for k in (0..peak).rev() {
            e[k] = e[k + 1] * l;
            l *= q;
            sum += e[k];
        }
        sum
    }

    /// Writes the N×len filterbank into `out`.
    fn forward(&self, out: &mut [f32]) {
        let mut e = vec![0f64; self.len];
        for (i0, dst) in out.chunks_mut(self.len.max(1)).enumerate().take(self.n) {
            let inv = 1.0 / self.row(i0, &mut e).max(Z_EPS);
            for (d, &v) in dst.iter_mut().zip(&e) {
                *d = (v * inv) as f32;
            }
        }
    }

    /// Adds d/d(g̃, log σ², log δ̃) of Σ G⊙F to `dp` ([dg̃, dlogσ², dlogδ̃]).
    fn backward(&self, grad: &[f32], dp: &mut [f64; 3]) {
        let mut e = vec![0f64; self.len];
        for i0 in 0..self.n {
            let g = &grad[i0 * self.len..(i0 + 1) * self.len];
            let sum = self.row(i0, &mut e);
            let inv = 1.0 / sum.max(Z_EPS);
            // dL/de_a = (G_a − Σ G⊙F)/Z while Z = Σe; G_a/Z when Z is the floor.
            // K_a = e_a·dL/de_a = F_a·(G_a − r).
            let r = if sum >= Z_EPS {
                g.iter()
                    .zip(&e)
                    .map(|(&ga, &ea)| ga as f64 * ea)
                    .sum::<f64>()
                    * inv
            } else {
                0.0
            };
            let mu = self.mu(i0);
            let (mut dmu, mut dvar) = (0.0, 0.0);
            for (a0, (&ga, &ea)) in g.iter().zip(&e).enumerate() {
                let k = ea * inv * (ga as f64 - r);
                let d = (a0 + 1) as f64 - mu;
                // de/dμ = e·(a − μ)/σ²;  de/dlogσ² = e·(a − μ)²/(2σ²).
                dmu += k * d / self.var;
                dvar += k * d * d / (2.0 * self.var);
            }
            dp[0] += dmu * self.dcentre;
            dp[1] += dvar;
            dp[2] += dmu * self.offset(i0) * self.delta;
        }
    }
}

/// The two axes of example `p` (one params row).
fn axes(p: &[f32], geo: &Geometry) -> (Axis, Axis) {
    let max_len = geo.width.max(geo.height);
    (
        Axis::new(p[0], p[2], p[3], geo.width, geo.n, max_len),
        Axis::new(p[1], p[2], p[3], geo.height, geo.n, max_len),
    )
}

/// (FX [batch,N,width], FY [batch,N,height], γ [batch]).
pub fn filterbank(params: &[f32], geo: &Geometry) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let &Geometry {
        batch,
        n,
        width,
        height,
    } = geo;
    let (sx, sy) = (n * width, n * height);
    let mut fx = zeroed("attention.filterbank", batch * sx)?;
    let mut fy = zeroed("attention.filterbank", batch * sy)?;
    let gamma: Vec<f32> = params
        .chunks(5)
        .map(|p| (p[4] as f64).exp() as f32)
        .collect();
    // Flushed: the tails' subnormals would cost every later read of them an
    // assist (subnormal.rs), and count as zero in the filter kernels anyway.
    let one = |(b, (ox, oy)): (usize, (&mut [f32], &mut [f32]))| {
        let (ax, ay) = axes(&params[b * 5..b * 5 + 5], geo);
        flushed(|| {
            ax.forward(ox);
            ay.forward(oy);
        })
    };
    if sx.min(sy) == 0 {
        return Ok((fx, fy, gamma));
    }
    if batch * (sx + sy) < PARALLEL_MIN {
        let pairs = fx.chunks_mut(sx).zip(fy.chunks_mut(sy)).enumerate();
        pairs.for_each(one);
    } else {
        let (px, py) = (Parts::new(&mut fx), Parts::new(&mut fy));
        // SAFETY: sample b's rows of FX and FY, disjoint per task.
        for_each_task(batch, |b| {
            one((b, unsafe { (px.part(b * sx, sx), py.part(b * sy, sy)) }))
        });
    }
    Ok((fx, fy, gamma))
}

/// d params [batch,5] from the gradients of FX, FY and γ (each may be absent: zero).
pub fn filterbank_backward(
    params: &[f32],
    dfx: Option<&[f32]>,
    dfy: Option<&[f32]>,
    dgamma: Option<&[f32]>,
    geo: &Geometry,
) -> Vec<f32> {
    let &Geometry {
        batch,
        n,
        width,
        height,
    } = geo;
    let mut dp = vec![0f32; batch * 5];
    let one = |(b, out): (usize, &mut [f32])| {
        let p = &params[b * 5..b * 5 + 5];
        let (ax, ay) = axes(p, geo);
        let (mut gx, mut gy) = ([0f64; 3], [0f64; 3]);
        if let Some(d) = dfx {
            ax.backward(&d[b * n * width..(b + 1) * n * width], &mut gx);
        }
        if let Some(d) = dfy {
            ay.backward(&d[b * n * height..(b + 1) * n * height], &mut gy);
        }
        out[0] = gx[0] as f32;
        out[1] = gy[0] as f32;
        out[2] = (gx[1] + gy[1]) as f32;
        out[3] = (gx[2] + gy[2]) as f32;
        // dγ/dlogγ = γ.
        out[4] = dgamma.map_or(0.0, |d| d[b] as f64 * (p[4] as f64).exp()) as f32;
    };
    if batch * n * (width + height) < PARALLEL_MIN {
        dp.chunks_mut(5).enumerate().for_each(one);
    } else {
        for_each_row_mut(&mut dp, 5, 5, |b, out| one((b, out)));
    }
    dp
}

impl AttentionBackend for Cpu {
    fn filterbank(&self, params: &Tensor, geo: &Geometry) -> Result<(Tensor, Tensor, Tensor)> {
        let p = params.cpu_f32_data("attention.filterbank", "params")?;
        let (fx, fy, gamma) = filterbank(p, geo)?;
        let (b, n) = (geo.batch, geo.n);
        Ok((
            Tensor::cpu_f32(fx, vec![b, n, geo.width]),
            Tensor::cpu_f32(fy, vec![b, n, geo.height]),
            Tensor::cpu_f32(gamma, vec![b]),
        ))
    }

    fn filterbank_backward(
        &self,
        params: &Tensor,
        dfx: Option<&Tensor>,
        dfy: Option<&Tensor>,
        dgamma: Option<&Tensor>,
        geo: &Geometry,
    ) -> Result<Tensor> {
        let op = "attention.filterbankBackward";
        fn data<'t>(t: Option<&'t Tensor>, arg: &str) -> Result<Option<&'t [f32]>> {
            t.map(|t| t.cpu_f32_data("attention.filterbankBackward", arg))
                .transpose()
        }
        let dp = filterbank_backward(
            params.cpu_f32_data(op, "params")?,
            data(dfx, "dFx")?,
            data(dfy, "dFy")?,
            data(dgamma, "dgamma")?,
            geo,
        );
        Ok(Tensor::cpu_f32(dp, vec![geo.batch, 5]))
    }

    fn soft_attend(
        &self,
        x: &SoftAttend,
        dims: SoftDims,
    ) -> Result<(Tensor, Tensor, Option<Tensor>)> {
        super::soft_attend::soft_attend(x, dims)
    }

    fn soft_attend_backward(
        &self,
        saved: &SoftAttendSaved,
        dcontext: Option<&Tensor>,
        dalpha: Option<&Tensor>,
        dims: SoftDims,
        need: [bool; 5],
    ) -> Result<[Option<Tensor>; 5]> {
        super::soft_attend::soft_attend_backward(saved, dcontext, dalpha, dims, need)
    }

    fn attention_filter(&self, f: &Filters, dims: FilterDims, out: Vec<usize>) -> Result<Tensor> {
        super::attention_filter::forward(f, dims, out)
    }

    fn attention_filter_backward(
        &self,
        f: &Filters,
        grad: &Tensor,
        dims: FilterDims,
        need: [bool; 4],
    ) -> Result<[Option<Tensor>; 4]> {
        super::attention_filter::backward(f, grad, dims, need)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo(n: usize, width: usize, height: usize) -> Geometry {
        Geometry {
            batch: 1,
            n,
            width,
            height,
        }
    }

    #[test]
    fn centred_grid_is_symmetric_and_rows_sum_to_one() {
        // g̃ = 0, σ² = 1, δ̃ = 1 on a 7-wide, 5-high image with N = 3.
        let p = [0.0, 0.0, 0.0, 0.0, 0.0];
        let (fx, fy, g) = filterbank(&p, &geo(3, 7, 5)).unwrap();
        assert_eq!(g, vec![1.0]);
        for row in fx.chunks(7).chain(fy.chunks(5)) {
            let s: f32 = row.iter().sum();
            assert!((s - 1.0).abs() < 1e-6);
        }
        // The middle filter is centred on pixel 4 (1-based) of 7: symmetric.
        let mid = &fx[7..14];
        for a in 0..3 {
            assert!((mid[a] - mid[6 - a]).abs() < 1e-7);
        }
        // Outer filters mirror each other.
        for a in 0..7 {
            assert!((fx[a] - fx[14 + 6 - a]).abs() < 1e-7);
        }
    }

    #[test]
    fn single_filter_ignores_delta() {
        let a = filterbank(&[0.3, -0.2, 0.5, 0.0, 0.0], &geo(1, 9, 6)).unwrap();
        let b = filterbank(&[0.3, -0.2, 0.5, 3.0, 0.0], &geo(1, 9, 6)).unwrap();
        assert_eq!(a.0, b.0);
        assert_eq!(a.1, b.1);
        let d = filterbank_backward(
            &[0.3, -0.2, 0.5, 3.0, 0.0],
            Some(&[1.0; 9]),
            Some(&[1.0; 6]),
            None,
            &geo(1, 9, 6),
        );
        assert_eq!(d[3], 0.0);
    }

    #[test]
    fn far_outside_rows_are_zero_not_nan() {
        // g̃ = 1e6 puts every filter far off the image: Z is the floor.
        let (fx, _, _) = filterbank(&[1e6, 0.0, 0.0, 0.0, 0.0], &geo(2, 4, 4)).unwrap();
        assert!(fx.iter().all(|&v| v == 0.0));
        let d = filterbank_backward(
            &[1e6, 0.0, 0.0, 0.0, 0.0],
            Some(&[1.0; 8]),
            None,
            None,
            &geo(2, 4, 4),
        );
        assert!(d.iter().all(|v| v.is_finite()));
    }
}
