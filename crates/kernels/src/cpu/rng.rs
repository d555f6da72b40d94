//! Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, so element i
//! of a draw is a pure function of (seed, offset + i). That gives the same stream
//! on any thread count and on the GPU, whose kernel runs the same rounds.

use super::parallel::for_each_chunk_mut;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::RandomBackend;
use crate::desc::random::Distribution;
use crate::shape::numel;
use crate::{Result, Tensor};

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = a as u64 * b as u64;
    ((p >> 32) as u32, p as u32)
}

/// The four 32-bit words of block `counter` under `seed`.
#[inline(always)]
pub fn philox(seed: u64, counter: u64) -> [u32; 4] {
    let mut c = [counter as u32, (counter >> 32) as u32, 0, 0];
    let mut k = [seed as u32, (seed >> 32) as u32];
    for round in 0..10 {
        if round > 0 {
            k[0] = k[0].wrapping_add(W0);
            k[1] = k[1].wrapping_add(W1);
        }
        let (hi0, lo0) = mulhilo(M0, c[0]);
        let (hi1, lo1) = mulhilo(M1, c[2]);
        c = [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0];
    }
    c
}

const INV_2_24: f32 = 1.0 / 16_777_216.0;

/// Uniform in [0, 1) from the top 24 bits of a word.
#[inline(always)]
pub fn unit(w: u32) -> f32 {
    (w >> 8) as f32 * INV_2_24
}

#[inline(always)]
pub fn sample(dist: Distribution, seed: u64, counter: u64) -> f32 {
    let w = philox(seed, counter);
    match dist {
        Distribution::Uniform { low, high } => low + (high - low) * unit(w[0]),
        Distribution::Normal { mean, std } => {
            // Box-Muller on (0, 1] × [0, 1), so the log never sees 0.
            let u1 = ((w[0] >> 8) + 1) as f32 * INV_2_24;
            let u2 = unit(w[1]);
            let r = (-2.0 * u1.ln()).sqrt();
            mean + std * r * (std::f32::consts::TAU * u2).cos()
        }
        Distribution::Bernoulli { p } => (unit(w[0]) < p) as u8 as f32,
    }
}

/// `n` samples; element i uses block `offset + i`.
pub fn fill(dist: Distribution, seed: u64, offset: u64, n: usize) -> Result<Vec<f32>> {
    let f = |i: usize| sample(dist, seed, offset + i as u64);
    if n < PARALLEL_MIN {
        Ok((0..n).map(f).collect())
    } else {
        let mut out = crate::memory::zeroed("random", n)?;
        let m = PARALLEL_MIN / 4;
        for_each_chunk_mut(&mut out, m, |i, o| {
            o.iter_mut()
                .enumerate()
                .for_each(|(j, v)| *v = f(i * m + j))
        });
        Ok(out)
    }
}

impl RandomBackend for Cpu {
    fn random(
        &self,
        dist: Distribution,
        seed: u64,
        offset: u64,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        Ok(Tensor::cpu_f32(
            fill(dist, seed, offset, numel(&shape))?,
            shape,
        ))
    }
}
