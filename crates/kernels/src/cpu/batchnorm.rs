//! Batch normalisation (Ioffe & Szegedy 2015, §2) on a tensor viewed as
//! [n, c, inner]: per channel, statistics over the n·inner values of that
//! channel (inner = 1 for [N,F], H·W for [N,C,H,W]). Sums run in f64.

use std::ops::Range;

use super::parallel::{for_each_row_mut, map_collect};

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::BatchNormBackend;
use crate::desc::batchnorm::ChannelLayout;
use crate::math::sum_f64;
use crate::{Result, Storage, Tensor};

/// The values of channel `ch`, row by row (n rows of `inner` contiguous values).
fn rows(x: &[f32], n: usize, c: usize, inner: usize, ch: usize) -> impl Iterator<Item = &[f32]> {
    (0..n).map(move |b| &x[(b * c + ch) * inner..(b * c + ch + 1) * inner])
}

/// Σ v (or Σ (v − mean)² when `squares`) over a row in f64.
#[inline(always)]
fn lanes_sum_body(row: &[f32], mean: f64, squares: bool) -> f64 {
    if squares {
        sum_f64(row, |v| (v as f64 - mean) * (v as f64 - mean))
    } else {
        sum_f64(row, |v| v as f64)
    }
}

super::multiversion!(lanes_sum, lanes_sum_body, (row: &[f32], mean: f64, squares: bool) -> f64);

/// Planes smaller than this (up to 5×5 maps, [N,F] features) are handled
/// sample by sample (`sweep`, `per_row`): a loop per plane would pay more per
/// row than the row holds.
const SWEEP_INNER: usize = 32;

/// Two sums per channel over its n·inner values for small planes, sweeping the
/// tensor sample by sample: `add(positions, b, u, v)` adds sample b's terms at
/// those positions of a sample (c·inner of them) into the f64 accumulators u and
/// v, one per position. Blocks of channels run in parallel for large tensors.
fn sweep(
    n: usize,
    c: usize,
    inner: usize,
    add: impl Fn(Range<usize>, usize, &mut [f64], &mut [f64]) + Sync,
) -> Vec<(f64, f64)> {
    let blocks = if n * c * inner < PARALLEL_MIN {
        1
    } else {
        super::threads().min(c).max(1)
    };
    let per = c.div_ceil(blocks).max(1);
    let block = |k: usize| {
        let positions = k * per * inner..((k + 1) * per).min(c) * inner;
        let mut u = vec![0f64; positions.len()];
        let mut v = vec![0f64; positions.len()];
        for b in 0..n {
            add(positions.clone(), b, &mut u, &mut v);
        }
        let sum = |a: &[f64]| a.iter().sum::<f64>();
        u.chunks(inner.max(1))
            .zip(v.chunks(inner.max(1)))
            .map(|(a, b)| (sum(a), sum(b)))
            .collect::<Vec<_>>()
    };
    if blocks == 1 {
        return block(0);
    }
    map_collect(c.div_ceil(per), block).concat()
}

/// The per-channel affine maps spread to one per position of a sample (c·inner
/// of them), as a structure of arrays so that the sample loops vectorise.
struct Spread {
    mean: Vec<f32>,
    scale: Vec<f32>,
    shift: Vec<f32>,
    relu: bool,
}

impl Spread {
    fn new(maps: &[Affine], inner: usize) -> Spread {
        let spread = |f: fn(&Affine) -> f32| {
            maps.iter()
                .flat_map(|a| std::iter::repeat_n(f(a), inner))
                .collect()
        };
        Spread {
            mean: spread(|a| a.mean),
            scale: spread(|a| a.scale),
            shift: spread(|a| a.shift),
            relu: maps.first().is_some_and(|a| a.relu),
        }
    }

    /// Runs `f(i, map of position i)` for i in `at`, with `relu` a constant in each loop.
    #[inline(always)]
    fn each(&self, at: Range<usize>, mut f: impl FnMut(usize, Affine)) {
        let (mean, scale, shift) = (
            &self.mean[at.clone()],
            &self.scale[at.clone()],
            &self.shift[at.clone()],
        );
        let n = mean.len().min(scale.len()).min(shift.len());
        let map = |i: usize, relu: bool| Affine {
            mean: mean[i],
            scale: scale[i],
            shift: shift[i],
            relu,
        };
        if self.relu {
            (0..n).for_each(|i| f(i, map(i, true)));
        } else {
            (0..n).for_each(|i| f(i, map(i, false)));
        }
    }
}

/// Runs `f(i, row)` over `out` cut into rows of `row` values (a sample, a
/// plane), in parallel when large.
fn per_row(out: &mut [f32], row: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    if row == 0 {
        return;
    }
    if out.len() < PARALLEL_MIN {
        out.chunks_exact_mut(row)
            .enumerate()
            .for_each(|(i, d)| f(i, d));
    } else {
        for_each_row_mut(out, row, PARALLEL_MIN / 8, f);
    }
}

/// Runs `f` for each channel, in parallel when the tensor is large.
fn per_channel<T: Send>(len: usize, c: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if len < PARALLEL_MIN {
        (0..c).map(f).collect()
    } else {
        map_collect(c, f)
    }
}

/// Runs `f(channel, plane index, plane)` over `out` cut into its n·c planes of
/// `inner` values, in parallel when the tensor is large.
fn per_plane(out: &mut [f32], c: usize, inner: usize, f: impl Fn(usize, usize, &mut [f32]) + Sync) {
    if c > 0 {
        per_row(out, inner, |p, dst| f(p % c, p, dst));
    }
}

/// The affine map of BN's output, y = (x − μ)·scale + shift per channel, and
/// whether a ReLU follows it in the same pass (BN-Inception's BN → ReLU).
#[derive(Clone, Copy)]
struct Affine {
    mean: f32,
    scale: f32,
    shift: f32,
    relu: bool,
}

impl Affine {
    #[inline(always)]
    fn pre(self, x: f32) -> f32 {
        (x - self.mean) * self.scale + self.shift
    }

    /// The output: ReLU as `relu` (NaN passes), when fused.
    #[inline(always)]
    fn out(self, x: f32) -> f32 {
        let v = self.pre(x);
        if self.relu && !(v > 0.0 || v.is_nan()) {
            0.0
        } else {
            v
        }
    }

    /// Whether the fused ReLU let x's value through with a slope of 1.
    #[inline(always)]
    fn passes(self, x: f32) -> bool {
        self.pre(x) > 0.0
    }

    /// The gradient reaching the affine part: dy where the ReLU passed.
    #[inline(always)]
    fn grad(self, g: f32, x: f32) -> f32 {
        if self.relu && !self.passes(x) {
            0.0
        } else {
            g
        }
    }
}

#[inline(always)]
fn normalize_row_body(dst: &mut [f32], src: &[f32], a: Affine) {
    // Two loops, so that neither tests `relu` per element.
    if a.relu {
        let a = Affine { relu: true, ..a };
        dst.iter_mut().zip(src).for_each(|(d, &v)| *d = a.out(v));
    } else {
        let a = Affine { relu: false, ..a };
        dst.iter_mut().zip(src).for_each(|(d, &v)| *d = a.out(v));
    }
}

super::multiversion!(normalize_row, normalize_row_body, (dst: &mut [f32], src: &[f32], a: Affine));

/// (Σ g', Σ g'·(x − μ)) over a row in f64, g' = the gradient past the ReLU.
#[inline(always)]
fn grad_sums_row_body(g: &[f32], x: &[f32], a: Affine) -> (f64, f64) {
    let (mut sg, mut sgx) = ([0f64; 8], [0f64; 8]);
    let (gc, xc) = (g.chunks_exact(8), x.chunks_exact(8));
    let mut tail = (0f64, 0f64);
    for (&gv, &xv) in gc.remainder().iter().zip(xc.remainder()) {
        let gv = a.grad(gv, xv) as f64;
        tail.0 += gv;
        tail.1 += gv * (xv as f64 - a.mean as f64);
    }
    for (gr, xr) in gc.zip(xc) {
        for l in 0..8 {
            let gv = a.grad(gr[l], xr[l]) as f64;
            sg[l] += gv;
            sgx[l] += gv * (xr[l] as f64 - a.mean as f64);
        }
    }
    (
        sg.iter().sum::<f64>() + tail.0,
        sgx.iter().sum::<f64>() + tail.1,
    )
}

super::multiversion!(grad_sums_row, grad_sums_row_body, (g: &[f32], x: &[f32], a: Affine) -> (f64, f64));

/// dx = da·g' + db·(x − μ) + dk over a row (see `backward`).
#[inline(always)]
fn dx_row_body(dx: &mut [f32], g: &[f32], x: &[f32], a: Affine, (da, db, dk): (f32, f32, f32)) {
    for ((d, &gv), &xv) in dx.iter_mut().zip(g).zip(x) {
        *d = da * a.grad(gv, xv) + db * (xv - a.mean) + dk;
    }
}

super::multiversion!(dx_row, dx_row_body, (dx: &mut [f32], g: &[f32], x: &[f32], a: Affine, coef: (f32, f32, f32)));

/// Per channel affine maps: scale = γ·invstd, shift = β.
fn affines(mean: &[f32], invstd: &[f32], weight: &[f32], bias: &[f32], relu: bool) -> Vec<Affine> {
    (0..mean.len())
        .map(|ch| Affine {
            mean: mean[ch],
            scale: weight[ch] * invstd[ch],
            shift: bias[ch],
            relu,
        })
        .collect()
}

/// Algorithm 1's μ_B and biased σ²_B per channel (two passes: mean, then deviations).
pub fn batch_stats(x: &[f32], n: usize, c: usize, inner: usize) -> (Vec<f32>, Vec<f32>) {
    let m = (n * inner) as f64;
    if inner < SWEEP_INNER {
        let ci = c * inner;
        let sums = sweep(n, c, inner, |at, b, u, _| {
            for (a, &v) in u.iter_mut().zip(&x[b * ci..][at]) {
                *a += v as f64;
            }
        });
        let mean: Vec<f64> = sums.iter().map(|s| s.0 / m).collect();
        let mean_at: Vec<f64> = mean
            .iter()
            .flat_map(|&mu| std::iter::repeat_n(mu, inner))
            .collect();
        let sq = sweep(n, c, inner, |at, b, u, _| {
            for ((a, &v), &mu) in u.iter_mut().zip(&x[b * ci..][at.clone()]).zip(&mean_at[at]) {
                *a += (v as f64 - mu) * (v as f64 - mu);
            }
        });
        let var = sq.iter().map(|s| (s.0 / m) as f32).collect();
        return (mean.iter().map(|&v| v as f32).collect(), var);
    }
    let stats = per_channel(x.len(), c, |ch| {
        let sum: f64 = rows(x, n, c, inner, ch)
            .map(|r| lanes_sum(r, 0.0, false))
            .sum();
        let mean = sum / m;
        let sq: f64 = rows(x, n, c, inner, ch)
            .map(|r| lanes_sum(r, mean, true))
            .sum();
        (mean as f32, (sq / m) as f32)
    });
    stats.into_iter().unzip()
}

/// 1/√(σ² + ε) per channel.
pub fn invstd(var: &[f32], eps: f32) -> Vec<f32> {
    var.iter()
        .map(|&v| (1.0 / (v as f64 + eps as f64).sqrt()) as f32)
        .collect()
}

/// y = (x − μ)·(γ·invstd) + β (x − μ first: no cancellation when |μ| ≫ σ),
/// then ReLU when `relu` (NaN passes, as the `relu` op).
#[allow(clippy::too_many_arguments)]
pub fn normalize(
    x: &[f32],
    c: usize,
    inner: usize,
    mean: &[f32],
    invstd: &[f32],
    weight: &[f32],
    bias: &[f32],
    relu: bool,
) -> Vec<f32> {
    let maps = affines(mean, invstd, weight, bias, relu);
    let mut y = vec![0f32; x.len()];
    if inner < SWEEP_INNER {
        let (ci, spread) = (c * inner, Spread::new(&maps, inner));
        per_row(&mut y, ci, |b, dst| {
            let (src, dst) = (&x[b * ci..][..ci], &mut dst[..ci]);
            spread.each(0..ci, |i, a| dst[i] = a.out(src[i]));
        });
        return y;
    }
    per_plane(&mut y, c, inner, |ch, p, dst| {
        normalize_row(dst, &x[p * inner..(p + 1) * inner], maps[ch]);
    });
    y
}

/// Gradients of y = BN(x) (then ReLU, when `relu` has the forward's bias: the
/// gradient passes where (x − μ)·γ·invstd + β > 0, recomputed bit for bit as
/// the forward did) for x, γ and β. Training uses the fused form of §2:
/// dx_i = γ·invstd/m · (m·dy_i − Σ dy − x̂_i Σ dy·x̂); inference (fixed
/// statistics) is the affine map's dx = γ·invstd·dy.
#[allow(clippy::too_many_arguments)]
pub fn backward(
    g: &[f32],
    x: &[f32],
    n: usize,
    c: usize,
    inner: usize,
    weight: &[f32],
    mean: &[f32],
    invstd: &[f32],
    training: bool,
    relu_bias: Option<&[f32]>,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let m = (n * inner) as f64;
    let zeros = vec![0f32; c];
    let maps = affines(
        mean,
        invstd,
        weight,
        relu_bias.unwrap_or(&zeros),
        relu_bias.is_some(),
    );
    // Per channel: Σ dy and Σ dy·x̂ (dy past the ReLU).
    let small = inner < SWEEP_INNER;
    // Small planes go sample by sample, the maps spread to one per position.
    let ci = c * inner;
    let spread = small.then(|| Spread::new(&maps, inner));
    let sums: Vec<(f64, f64)> = if let Some(spread) = &spread {
        sweep(n, c, inner, |at, b, u, v| {
            let (gs, xs) = (&g[b * ci..][at.clone()], &x[b * ci..][at.clone()]);
            let (u, v) = (&mut u[..gs.len()], &mut v[..gs.len()]);
            spread.each(at, |i, a| {
                let gv = a.grad(gs[i], xs[i]) as f64;
                u[i] += gv;
                v[i] += gv * (xs[i] as f64 - a.mean as f64);
            });
        })
    } else {
        per_channel(x.len(), c, |ch| {
            rows(g, n, c, inner, ch)
                .zip(rows(x, n, c, inner, ch))
                .map(|(gr, xr)| grad_sums_row(gr, xr, maps[ch]))
                .fold((0.0, 0.0), |s, r| (s.0 + r.0, s.1 + r.1))
        })
    };
    let sums: Vec<(f64, f64)> = sums
        .into_iter()
        .zip(invstd)
        .map(|((sg, sgx), &is)| (sg, sgx * is as f64))
        .collect();
    let dbias: Vec<f32> = sums.iter().map(|s| s.0 as f32).collect();
    let dweight: Vec<f32> = sums.iter().map(|s| s.1 as f32).collect();
    // dx = a·dy + b·(x − μ) + k per channel, expanding x̂ = (x − μ)·invstd.
    let coef: Vec<(f32, f32, f32)> = (0..c)
        .map(|ch| {
            let a = weight[ch] as f64 * invstd[ch] as f64;
            if !training {
                return (a as f32, 0.0, 0.0);
            }
            let (sg, sgxh) = sums[ch];
            let b = -a * invstd[ch] as f64 * sgxh / m;
            let k = -a * sg / m;
            (a as f32, b as f32, k as f32)
        })
        .collect();
    let mut dx = vec![0f32; x.len()];
    if let Some(spread) = &spread {
        let coef_at = |f: fn(&(f32, f32, f32)) -> f32| -> Vec<f32> {
            coef.iter()
                .flat_map(|k| std::iter::repeat_n(f(k), inner))
                .collect()
        };
        let (da, db, dk) = (coef_at(|k| k.0), coef_at(|k| k.1), coef_at(|k| k.2));
        per_row(&mut dx, ci, |b, dst| {
            let (gs, xs, dst) = (&g[b * ci..][..ci], &x[b * ci..][..ci], &mut dst[..ci]);
            let (da, db, dk) = (&da[..ci], &db[..ci], &dk[..ci]);
            spread.each(0..ci, |i, a| {
                dst[i] = da[i] * a.grad(gs[i], xs[i]) + db[i] * (xs[i] - a.mean) + dk[i];
            });
        });
        return (dx, dweight, dbias);
    }
    per_plane(&mut dx, c, inner, |ch, p, dst| {
        let range = p * inner..(p + 1) * inner;
        dx_row(dst, &g[range.clone()], &x[range], maps[ch], coef[ch]);
    });
    (dx, dweight, dbias)
}

/// PyTorch's running-statistics update: r ← (1 − momentum)·r + momentum·batch,
/// the variance made unbiased by m/(m − 1) (Algorithm 2).
pub fn update_running(
    running_mean: &mut [f32],
    running_var: &mut [f32],
    mean: &[f32],
    var: &[f32],
    momentum: f32,
    m: usize,
) {
    let unbias = m as f64 / (m as f64 - 1.0);
    for (r, &v) in running_mean.iter_mut().zip(mean) {
        *r = ((1.0 - momentum as f64) * *r as f64 + momentum as f64 * v as f64) as f32;
    }
    for (r, &v) in running_var.iter_mut().zip(var) {
        *r = ((1.0 - momentum as f64) * *r as f64 + momentum as f64 * unbias * v as f64) as f32;
    }
}

impl BatchNormBackend for Cpu {
    fn batch_norm(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        stats: Option<(&Tensor, &Tensor)>,
        eps: f32,
        relu: bool,
        l: ChannelLayout,
    ) -> Result<[Tensor; 4]> {
        let op = "batchNorm";
        let xv = x.cpu_f32_data(op, "x")?;
        let (mean, var) = match stats {
            Some((m, v)) => (
                m.cpu_f32_data(op, "runningMean")?.to_vec(),
                v.cpu_f32_data(op, "runningVar")?.to_vec(),
            ),
            None => batch_stats(xv, l.n, l.c, l.inner),
        };
        let invstd = invstd(&var, eps);
        let y = normalize(
            xv,
            l.c,
            l.inner,
            &mean,
            &invstd,
            weight.cpu_f32_data(op, "weight")?,
            bias.cpu_f32_data(op, "bias")?,
            relu,
        );
        Ok([
            Tensor::cpu_f32(y, x.shape().to_vec()),
            Tensor::cpu_f32(mean, vec![l.c]),
            Tensor::cpu_f32(invstd, vec![l.c]),
            Tensor::cpu_f32(var, vec![l.c]),
        ])
    }

    fn batch_norm_backward(
        &self,
        grad: &Tensor,
        x: &Tensor,
        weight: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        training: bool,
        relu_bias: Option<&Tensor>,
        l: ChannelLayout,
    ) -> Result<[Tensor; 3]> {
        let op = "batchNormBackward";
        let (dx, dw, db) = backward(
            grad.cpu_f32_data(op, "grad")?,
            x.cpu_f32_data(op, "x")?,
            l.n,
            l.c,
            l.inner,
            weight.cpu_f32_data(op, "weight")?,
            mean.cpu_f32_data(op, "mean")?,
            invstd.cpu_f32_data(op, "invstd")?,
            training,
            relu_bias
                .map(|b| b.cpu_f32_data(op, "reluBias"))
                .transpose()?,
        );
        Ok([
            Tensor::cpu_f32(dx, x.shape().to_vec()),
            Tensor::cpu_f32(dw, vec![l.c]),
            Tensor::cpu_f32(db, vec![l.c]),
        ])
    }

    fn update_running_stats(
        &self,
        running_mean: &mut Tensor,
        running_var: &mut Tensor,
        mean: &Tensor,
        var: &Tensor,
        momentum: f32,
        count: usize,
    ) -> Result<()> {
        let op = "batchNorm";
        let (m, v) = (mean.cpu_f32_data(op, "mean")?, var.cpu_f32_data(op, "var")?);
        let (Storage::CpuF32(rm), Storage::CpuF32(rv)) =
            (running_mean.storage_mut(), running_var.storage_mut())
        else {
            crate::bail!(
                op,
                "runningMean and runningVar must be float32 tensors on cpu"
            );
        };
        update_running(rm, rv, m, v, momentum, count);
        Ok(())
    }
}
