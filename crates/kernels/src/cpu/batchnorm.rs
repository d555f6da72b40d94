//! Batch normalisation (Ioffe & Szegedy 2015, §2) on a tensor viewed as
//! [n, c, inner]: per channel, statistics over the n·inner values of that
//! channel (inner = 1 for [N,F], H·W for [N,C,H,W]). Sums run in f64.

use super::parallel::{for_each_row_mut, map_collect};

use super::math::sum_f64;
use super::PARALLEL_MIN;

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

/// Planes smaller than this (2×2 and 1×1 maps, [N,F] features)
/// are summed by `sweep`.
const SWEEP_INNER: usize = 8;

/// Two sums per channel of `term(channel, flat index)` over its n·inner values,
/// in f64, sweeping the tensor in memory order with one accumulator pair per
/// channel: for small planes, a per-channel loop would pay more per row than
/// the row holds.
fn sweep(
    n: usize,
    c: usize,
    inner: usize,
    term: impl Fn(usize, usize) -> (f64, f64) + Sync,
) -> Vec<(f64, f64)> {
    // Channel blocks in parallel for large tensors: each block sweeps its channels.
    let blocks = if n * c * inner < PARALLEL_MIN {
        1
    } else {
        super::threads().min(c).max(1)
    };
    let per = c.div_ceil(blocks).max(1);
    let block = |k: usize| {
        let chans = k * per..((k + 1) * per).min(c);
        let mut acc = vec![(0f64, 0f64); chans.len()];
        for b in 0..n {
            for (ch, a) in chans.clone().zip(acc.iter_mut()) {
                let base = (b * c + ch) * inner;
                for i in base..base + inner {
                    let (u, v) = term(ch, i);
                    a.0 += u;
                    a.1 += v;
                }
            }
        }
        acc
    };
    if blocks == 1 {
        return block(0);
    }
    map_collect(c.div_ceil(per), block).concat()
}

/// Runs `f` for each channel, in parallel when the tensor is large.
fn per_channel<T: Send>(len: usize, c: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if len < PARALLEL_MIN {
        (0..c).map(f).collect()
    } else {
        map_collect(c, f)
    }
}

/// Writes out[b, ch, k] = f(ch, b·c·inner + ch·inner + k) sample by sample.
fn per_element(out: &mut [f32], c: usize, inner: usize, f: impl Fn(usize, usize) -> f32 + Sync) {
    let sample = (c * inner).max(1);
    // Channel by channel within a sample: no division per element, and the
    // inner loop runs over one channel's contiguous values.
    let fill = |(b, dst): (usize, &mut [f32])| {
        for (ch, plane) in dst.chunks_exact_mut(inner.max(1)).enumerate() {
            let base = b * sample + ch * inner;
            for (k, d) in plane.iter_mut().enumerate() {
                *d = f(ch, base + k);
            }
        }
    };
    if out.len() < PARALLEL_MIN {
        out.chunks_mut(sample).enumerate().for_each(fill);
    } else {
        for_each_row_mut(out, sample, PARALLEL_MIN / 8, |b, dst| fill((b, dst)));
    }
}

/// Algorithm 1's μ_B and biased σ²_B per channel (two passes: mean, then deviations).
pub fn batch_stats(x: &[f32], n: usize, c: usize, inner: usize) -> (Vec<f32>, Vec<f32>) {
    let m = (n * inner) as f64;
    if inner < SWEEP_INNER {
        let sums = sweep(n, c, inner, |_, i| (x[i] as f64, 0.0));
        let mean: Vec<f64> = sums.iter().map(|s| s.0 / m).collect();
        let sq = sweep(n, c, inner, |ch, i| {
            let d = x[i] as f64 - mean[ch];
            (d * d, 0.0)
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

/// y = (x − μ)·(γ·invstd) + β (x − μ first: no cancellation when |μ| ≫ σ).
#[allow(clippy::too_many_arguments)]
pub fn normalize(
    x: &[f32],
    c: usize,
    inner: usize,
    mean: &[f32],
    invstd: &[f32],
    weight: &[f32],
    bias: &[f32],
) -> Vec<f32> {
    let scale: Vec<f32> = (0..c).map(|ch| weight[ch] * invstd[ch]).collect();
    let mut y = vec![0f32; x.len()];
    per_element(&mut y, c, inner, |ch, i| {
        (x[i] - mean[ch]) * scale[ch] + bias[ch]
    });
    y
}

/// Gradients of y = BN(x) for x, γ and β. Training uses the fused form of §2:
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
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let m = (n * inner) as f64;
    // Per channel: Σ dy and Σ dy·x̂.
    let per_value = |ch: usize, i: usize| {
        let gv = g[i] as f64;
        (gv, gv * (x[i] as f64 - mean[ch] as f64))
    };
    let sums = if inner < SWEEP_INNER {
        let s = sweep(n, c, inner, per_value);
        s.into_iter()
            .zip(invstd)
            .map(|((sg, sgx), &is)| (sg, sgx * is as f64))
            .collect()
    } else {
        per_channel(x.len(), c, |ch| {
            let mu = mean[ch] as f64;
            let (mut sg, mut sgx) = (0f64, 0f64);
            for (gr, xr) in rows(g, n, c, inner, ch).zip(rows(x, n, c, inner, ch)) {
                for (&gv, &xv) in gr.iter().zip(xr) {
                    sg += gv as f64;
                    sgx += gv as f64 * (xv as f64 - mu);
                }
            }
            (sg, sgx * invstd[ch] as f64)
        })
    };
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
    per_element(&mut dx, c, inner, |ch, i| {
        let (a, b, k) = coef[ch];
        a * g[i] + b * (x[i] - mean[ch]) + k
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
