//! The pointwise part of an LSTM cell, fused (gate order i, f, g, o as PyTorch):
//! i, f, o = σ(·), g = tanh(·), c' = f⊙c + i⊙g, h' = o⊙tanh(c'). The gate
//! pre-activations come from GEMMs; here they are summed with the bias and
//! activated in one pass, and the backward runs in one pass over the saved gates.

use super::parallel::{for_each_task, join, Parts};

use super::binary::apply as binary_apply;
use super::gemm::sgemm_on;
use super::Cpu;
use crate::backend::{Cell, CellDims, LstmBackend};
use crate::desc::binary::BinaryOp;
use crate::desc::reduce::ReduceOp;
use crate::math::{sigmoid, tanh};
use crate::{Result, Tensor};

/// Rows below this many cells run on the calling thread: a cell costs a few
/// nanoseconds vectorised, and handing 16K cells (batch 64 × 256 units) to the
/// pool and waiting for it costs more than it saves on two cores.
const PARALLEL_CELLS: usize = 1 << 16;

/// The four gate blocks (i, f, g, o) of a [4h] row, each exactly h long.
#[inline(always)]
fn gate_blocks(v: &[f32], h: usize) -> [&[f32]; 4] {
    let (a, rest) = v.split_at(h);
    let (b, rest) = rest.split_at(h);
    let (c, d) = rest.split_at(h);
    [a, b, c, &d[..h]]
}

/// One row of the forward: pre-activations gx + gh + bias ([4h] each), c [h].
#[inline(always)]
fn forward_row(
    gx: &[f32],
    gh: &[f32],
    bias: &[f32],
    c: &[f32],
    gates: &mut [f32],
    hs: &mut [f32],
    cs: &mut [f32],
) {
    let h = c.len();
    let [xi, xf, xg, xo] = gate_blocks(gx, h);
    let [hi, hf, hg, ho] = gate_blocks(gh, h);
    let [bi, bf, bg, bo] = gate_blocks(bias, h);
    let (hs, cs) = (&mut hs[..h], &mut cs[..h]);
    let (gi, rest) = gates.split_at_mut(h);
    let (gf, rest) = rest.split_at_mut(h);
    let (gg, go) = rest.split_at_mut(h);
    let go = &mut go[..h];
    for j in 0..h {
        let i = sigmoid(xi[j] + hi[j] + bi[j]);
        let f = sigmoid(xf[j] + hf[j] + bf[j]);
        let g = tanh(xg[j] + hg[j] + bg[j]);
        let o = sigmoid(xo[j] + ho[j] + bo[j]);
        let cn = f * c[j] + i * g;
        gi[j] = i;
        gf[j] = f;
        gg[j] = g;
        go[j] = o;
        cs[j] = cn;
        hs[j] = o * tanh(cn);
    }
}

/// One row of the backward: dh, dc' [h], gates [4h], c [h]. c' is recomputed
/// from the gates (f⊙c + i⊙g, the forward's own expression) rather than saved.
#[inline(always)]
fn backward_row(dh: &[f32], dcn: &[f32], gates: &[f32], c: &[f32], dg: &mut [f32], dc: &mut [f32]) {
    let h = c.len();
    let [gi, gf, gg, go] = gate_blocks(gates, h);
    let (dh, dcn, dc) = (&dh[..h], &dcn[..h], &mut dc[..h]);
    let (di, rest) = dg.split_at_mut(h);
    let (df, rest) = rest.split_at_mut(h);
    let (dgg, dgo) = rest.split_at_mut(h);
    let dgo = &mut dgo[..h];
    for j in 0..h {
        let (i, f, g, o) = (gi[j], gf[j], gg[j], go[j]);
        let tc = tanh(f * c[j] + i * g);
        // c' feeds h' through tanh, so its gradient collects both paths.
        let dct = dcn[j] + dh[j] * o * (1.0 - tc * tc);
        di[j] = dct * g * i * (1.0 - i);
        df[j] = dct * c[j] * f * (1.0 - f);
        dgg[j] = dct * i * (1.0 - g * g);
        dgo[j] = dh[j] * tc * o * (1.0 - o);
        dc[j] = dct * f;
    }
}

super::multiversion!(forward_row_best, forward_row, (gx: &[f32], gh: &[f32], bias: &[f32], c: &[f32], gates: &mut [f32], hs: &mut [f32], cs: &mut [f32]));
super::multiversion!(backward_row_best, backward_row, (dh: &[f32], dcn: &[f32], gates: &[f32], c: &[f32], dg: &mut [f32], dc: &mut [f32]));

/// A row's outputs: gates [4h], h' [h], c' [h].
type RowOut<'a> = (&'a mut [f32], (&'a mut [f32], &'a mut [f32]));

/// Forward over `b` rows of `h` cells. gx, gh: [b, 4h] pre-activations (gh
/// optional), bias [4h] (optional, already b_ih + b_hh), c [b, h].
/// Returns (h' [b, h], c' [b, h], gates [b, 4h] activated i, f, g, o).
pub fn forward(
    gx: &[f32],
    gh: Option<&[f32]>,
    bias: Option<&[f32]>,
    c: &[f32],
    b: usize,
    h: usize,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut gates = vec![0f32; b * 4 * h];
    let (mut hs, mut cs) = (vec![0f32; b * h], vec![0f32; b * h]);
    let zeros = vec![0f32; if gh.is_none() { 4 * b * h } else { 4 * h }];
    let gh = gh.unwrap_or(&zeros);
    let bias = bias.unwrap_or(&zeros[..4 * h]);
    let h1 = h.max(1);
    let row = |(r, (gt, (hr, cr))): (usize, RowOut)| {
        let (pre, cur) = (r * 4 * h..(r + 1) * 4 * h, r * h..(r + 1) * h);
        forward_row_best(&gx[pre.clone()], &gh[pre], bias, &c[cur], gt, hr, cr);
    };
    if b * h < PARALLEL_CELLS {
        let rows = gates
            .chunks_mut(4 * h1)
            .zip(hs.chunks_mut(h1).zip(cs.chunks_mut(h1)));
        rows.enumerate().for_each(row);
    } else {
        let (pg, ph, pc) = (
            Parts::new(&mut gates),
            Parts::new(&mut hs),
            Parts::new(&mut cs),
        );
        // SAFETY: row r of each output, disjoint per task.
        for_each_task(b, |r| unsafe {
            row((
                r,
                (
                    pg.part(r * 4 * h, 4 * h),
                    (ph.part(r * h, h), pc.part(r * h, h)),
                ),
            ))
        });
    }
    (hs, cs, gates)
}

/// Backward from the gradients of h' and c' ([b, h] each; None: the loss does
/// not depend on it), the saved gates [b, 4h] and the previous c [b, h].
/// Returns (d pre-activations [b, 4h], dc [b, h]).
pub fn backward(
    dh: Option<&[f32]>,
    dcn: Option<&[f32]>,
    gates: &[f32],
    c: &[f32],
    b: usize,
    h: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut dgates = vec![0f32; b * 4 * h];
    let mut dc = vec![0f32; b * h];
    let zeros = if dh.is_none() || dcn.is_none() {
        vec![0f32; b * h]
    } else {
        Vec::new()
    };
    let (dh, dcn) = (dh.unwrap_or(&zeros), dcn.unwrap_or(&zeros));
    let h1 = h.max(1);
    let row = |(r, (dg, dcr)): (usize, (&mut [f32], &mut [f32]))| {
        let cur = r * h..(r + 1) * h;
        let gt = &gates[r * 4 * h..(r + 1) * 4 * h];
        backward_row_best(&dh[cur.clone()], &dcn[cur.clone()], gt, &c[cur], dg, dcr);
    };
    if b * h < PARALLEL_CELLS {
        dgates
            .chunks_mut(4 * h1)
            .zip(dc.chunks_mut(h1))
            .enumerate()
            .for_each(row);
    } else {
        let (pg, pc) = (Parts::new(&mut dgates), Parts::new(&mut dc));
        // SAFETY: row r of each output, disjoint per task.
        for_each_task(b, |r| unsafe {
            row((r, (pg.part(r * 4 * h, 4 * h), pc.part(r * h, h))))
        });
    }
    (dgates, dc)
}

/// The whole cell: gates = x·W_ihᵀ + h·W_hhᵀ (+ bias), the two GEMMs side by
/// side, then the pointwise forward. x [b,i], hp and c [b,h], w_ih [4h,i],
/// w_hh [4h,h], bias [4h] (b_ih + b_hh). Returns (h', c', gates) as `forward`.
#[allow(clippy::too_many_arguments)]
pub fn cell_forward(
    x: &[f32],
    hp: &[f32],
    c: &[f32],
    w_ih: &[f32],
    w_hh: &[f32],
    bias: Option<&[f32]>,
    b: usize,
    i: usize,
    h: usize,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let product = |a: &[f32], w: &[f32], k: usize, threads: usize| {
        let mut out = vec![0f32; b * 4 * h];
        sgemm_on(threads, b, 4 * h, k, a, false, w, true, &mut out);
        out
    };
    let (gx, gh) = join(|t| product(x, w_ih, i, t), |t| product(hp, w_hh, h, t));
    forward(&gx, Some(&gh), bias, c, b, h)
}

/// The whole cell's backward from the gradients of h' and c' (None: zero), the
/// saved gates and the forward's inputs. `need` flags the inputs x, h, c, w_ih,
/// w_hh, bias whose gradients are wanted; the result holds them in that order.
#[allow(clippy::too_many_arguments)]
pub fn cell_backward(
    dh_out: Option<&[f32]>,
    dc_out: Option<&[f32]>,
    gates: &[f32],
    c: &[f32],
    x: &[f32],
    hp: &[f32],
    w_ih: &[f32],
    w_hh: &[f32],
    b: usize,
    i: usize,
    h: usize,
    need: [bool; 6],
) -> [Option<Vec<f32>>; 6] {
    let (dg, dc) = backward(dh_out, dc_out, gates, c, b, h);
    let dg = &dg;
    // One input's pair: d input = dG·W [b,k], dW = dGᵀ·input [4h,k].
    let pair = |input: &[f32], w: &[f32], k: usize, need_in: bool, need_w: bool, t: usize| {
        let d_in = need_in.then(|| {
            let mut o = vec![0f32; b * k];
            sgemm_on(t, b, k, 4 * h, dg, false, w, false, &mut o);
            o
        });
        let d_w = need_w.then(|| {
            let mut o = vec![0f32; 4 * h * k];
            sgemm_on(t, 4 * h, k, b, dg, true, input, false, &mut o);
            o
        });
        (d_in, d_w)
    };
    let ((dx, dw_ih), (dhp, dw_hh)) = join(
        |t| pair(x, w_ih, i, need[0], need[3], t),
        |t| pair(hp, w_hh, h, need[1], need[4], t),
    );
    let db = need[5].then(|| super::reduce::reduce_axis(ReduceOp::Sum, dg, 1, b, 4 * h));
    [dx, dhp, need[2].then_some(dc), dw_ih, dw_hh, db]
}

impl LstmBackend for Cpu {
    fn lstm_cell(
        &self,
        gx: &Tensor,
        gh: Option<&Tensor>,
        bias: Option<&Tensor>,
        c: &Tensor,
        b: usize,
        h: usize,
    ) -> Result<[Tensor; 3]> {
        let op = "lstmCell";
        let gh = gh.map(|t| t.cpu_f32_data(op, "gh")).transpose()?;
        let bias = bias.map(|t| t.cpu_f32_data(op, "bias")).transpose()?;
        let (hs, cs, gates) = forward(
            gx.cpu_f32_data(op, "gx")?,
            gh,
            bias,
            c.cpu_f32_data(op, "c")?,
            b,
            h,
        );
        Ok([
            Tensor::cpu_f32(hs, vec![b, h]),
            Tensor::cpu_f32(cs, vec![b, h]),
            Tensor::cpu_f32(gates, vec![b, 4 * h]),
        ])
    }

    fn lstm_cell_backward(
        &self,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        c: &Tensor,
        b: usize,
        h: usize,
    ) -> Result<[Tensor; 2]> {
        let op = "lstmCellBackward";
        let dh = dh.map(|t| t.cpu_f32_data(op, "dh")).transpose()?;
        let dcn = dc_next.map(|t| t.cpu_f32_data(op, "dc")).transpose()?;
        let (dgates, dc) = backward(
            dh,
            dcn,
            gates.cpu_f32_data(op, "gates")?,
            c.cpu_f32_data(op, "c")?,
            b,
            h,
        );
        Ok([
            Tensor::cpu_f32(dgates, vec![b, 4 * h]),
            Tensor::cpu_f32(dc, vec![b, h]),
        ])
    }

    /// One fused pass: both GEMMs and the pointwise gates per block of rows.
    fn lstm_whole_cell(&self, cell: &Cell, d: CellDims) -> Result<[Tensor; 3]> {
        fn data<'t>(t: &'t Tensor, name: &str) -> Result<&'t [f32]> {
            t.cpu_f32_data("lstmCell", name)
        }
        let (b, i, hd) = (d.batch, d.input, d.hidden);
        let summed = match (cell.bias_ih, cell.bias_hh) {
            (Some(x), Some(y)) => Some(binary_apply(
                BinaryOp::Add,
                data(x, "biasIh")?,
                x.shape(),
                data(y, "biasHh")?,
                y.shape(),
                &[4 * hd],
            )?),
            _ => None,
        };
        let bias = match (&summed, cell.bias_ih.or(cell.bias_hh)) {
            (Some(s), _) => Some(s.as_slice()),
            (None, Some(one)) => Some(data(one, "bias")?),
            (None, None) => None,
        };
        let (hs, cs, gates) = cell_forward(
            data(cell.x, "x")?,
            data(cell.h, "h")?,
            data(cell.c, "c")?,
            data(cell.w_ih, "weightIh")?,
            data(cell.w_hh, "weightHh")?,
            bias,
            b,
            i,
            hd,
        );
        Ok([
            Tensor::cpu_f32(hs, vec![b, hd]),
            Tensor::cpu_f32(cs, vec![b, hd]),
            Tensor::cpu_f32(gates, vec![b, 4 * hd]),
        ])
    }

    fn lstm_whole_cell_backward(
        &self,
        cell: &Cell,
        d: CellDims,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        need: [bool; 6],
    ) -> Result<[Option<Tensor>; 6]> {
        fn data<'t>(t: &'t Tensor, name: &str) -> Result<&'t [f32]> {
            t.cpu_f32_data("lstmCellBackward", name)
        }
        let (b, i, hd) = (d.batch, d.input, d.hidden);
        let grads = cell_backward(
            dh.map(|t| data(t, "dh")).transpose()?,
            dc_next.map(|t| data(t, "dc")).transpose()?,
            data(gates, "gates")?,
            data(cell.c, "c")?,
            data(cell.x, "x")?,
            data(cell.h, "h")?,
            data(cell.w_ih, "weightIh")?,
            data(cell.w_hh, "weightHh")?,
            b,
            i,
            hd,
            need,
        );
        let shapes = [
            vec![b, i],
            vec![b, hd],
            vec![b, hd],
            vec![4 * hd, i],
            vec![4 * hd, hd],
            vec![4 * hd],
        ];
        let mut out: [Option<Tensor>; 6] = Default::default();
        for ((slot, g), shape) in out.iter_mut().zip(grads).zip(shapes) {
            *slot = g.map(|v| Tensor::cpu_f32(v, shape));
        }
        Ok(out)
    }
}
