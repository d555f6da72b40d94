//! The pointwise part of an LSTM cell, fused (gate order i, f, g, o as PyTorch):
//! i, f, o = σ(·), g = tanh(·), c' = f⊙c + i⊙g, h' = o⊙tanh(c'). The gate
//! pre-activations come from GEMMs; here they are summed with the bias and
//! activated in one pass, and the backward runs in one pass over the saved gates.

use rayon::prelude::*;

/// Rows below this many cells run on the calling thread (each cell costs five
/// transcendental functions, so the threshold is lower than for plain maps).
const PARALLEL_CELLS: usize = 4096;

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Forward over `b` rows of `h` cells. gx, gh: [b, 4h] pre-activations (gh
/// optional), bias [4h] (optional, already b_ih + b_hh), c [b, h].
/// Returns (state [2, b, h] = [h'; c'], gates [b, 4h] activated i, f, g, o).
pub fn forward(
    gx: &[f32],
    gh: Option<&[f32]>,
    bias: Option<&[f32]>,
    c: &[f32],
    b: usize,
    h: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut gates = vec![0f32; b * 4 * h];
    let mut state = vec![0f32; 2 * b * h];
    let (hs, cs) = state.split_at_mut(b * h);
    let row = |r: usize, (gt, (hr, cr)): (&mut [f32], (&mut [f32], &mut [f32]))| {
        let pre = |k: usize| {
            let at = r * 4 * h + k;
            gx[at] + gh.map_or(0.0, |v| v[at]) + bias.map_or(0.0, |v| v[k])
        };
        for j in 0..h {
            let i = sigmoid(pre(j));
            let f = sigmoid(pre(h + j));
            let g = pre(2 * h + j).tanh();
            let o = sigmoid(pre(3 * h + j));
            let cn = f * c[r * h + j] + i * g;
            gt[j] = i;
            gt[h + j] = f;
            gt[2 * h + j] = g;
            gt[3 * h + j] = o;
            cr[j] = cn;
            hr[j] = o * cn.tanh();
        }
    };
    let h1 = h.max(1);
    if b * h < PARALLEL_CELLS {
        gates
            .chunks_mut(4 * h1)
            .zip(hs.chunks_mut(h1).zip(cs.chunks_mut(h1)))
            .enumerate()
            .for_each(|(r, t)| row(r, t));
    } else {
        gates
            .par_chunks_mut(4 * h1)
            .zip(hs.par_chunks_mut(h1).zip(cs.par_chunks_mut(h1)))
            .enumerate()
            .for_each(|(r, t)| row(r, t));
    }
    (state, gates)
}

/// Backward from the gradient of the state, gs [2, b, h] = [dh'; dc'], the saved
/// gates [b, 4h], the previous c [b, h] and the new state [2, b, h].
/// Returns (d pre-activations [b, 4h], dc [b, h]).
pub fn backward(
    gs: &[f32],
    gates: &[f32],
    c: &[f32],
    state: &[f32],
    b: usize,
    h: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut dgates = vec![0f32; b * 4 * h];
    let mut dc = vec![0f32; b * h];
    let row = |r: usize, (dg, dcr): (&mut [f32], &mut [f32])| {
        let gt = &gates[r * 4 * h..(r + 1) * 4 * h];
        for j in 0..h {
            let at = r * h + j;
            let (i, f, g, o) = (gt[j], gt[h + j], gt[2 * h + j], gt[3 * h + j]);
            let (dh, dcn) = (gs[at], gs[b * h + at]);
            let tc = state[b * h + at].tanh();
            // c' feeds h' through tanh, so its gradient collects both paths.
            let dct = dcn + dh * o * (1.0 - tc * tc);
            dg[j] = dct * g * i * (1.0 - i);
            dg[h + j] = dct * c[at] * f * (1.0 - f);
            dg[2 * h + j] = dct * i * (1.0 - g * g);
            dg[3 * h + j] = dh * tc * o * (1.0 - o);
            dcr[j] = dct * f;
        }
    };
    let h1 = h.max(1);
    if b * h < PARALLEL_CELLS {
        dgates
            .chunks_mut(4 * h1)
            .zip(dc.chunks_mut(h1))
            .enumerate()
            .for_each(|(r, t)| row(r, t));
    } else {
        dgates
            .par_chunks_mut(4 * h1)
            .zip(dc.par_chunks_mut(h1))
            .enumerate()
            .for_each(|(r, t)| row(r, t));
    }
    (dgates, dc)
}
