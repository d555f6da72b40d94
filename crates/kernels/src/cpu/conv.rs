//! conv2d on the CPU: im2col + SGEMM (`cpu::gemm`), one strided batched product
//! over the groups per block of samples; col2im for the gradient of x.
//!
//! A sample's im2col matrix is [C·kh·kw, Ho·Wo]: row (c, i, j) holds
//! x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] (zero outside the input) for every
//! output position. Group g's rows are the contiguous block g·(C/groups)·kh·kw..,
//! so the forward is out_g = W_g · col_g for each group, W_g [O/groups, C/groups·kh·kw].
//!
//! Samples are taken in blocks whose im2col matrices sit side by side (columns
//! s·Ho·Wo + p), so a layer with a small output map (BN-Inception at 32×32 ends
//! at 2×2 and 1×1) still makes one real GEMM per block rather than one
//! matrix–vector product per sample. Maps of `BLOCK_COLUMNS` positions or more
//! take one sample per block, as before.
//!
//! Threads: with at least as many blocks as threads, runs of blocks go to tasks,
//! each with its own buffers and single-threaded GEMMs; with fewer, the blocks
//! run one after another and each GEMM uses every thread.
//!
//! A depthwise forward (groups = C = O: one input channel per output channel, as
//! in MobileNet and EfficientNet) skips im2col and the GEMMs, whose products would
//! be one row each: `depthwise_forward` splits each padded input plane into its
//! stride phases so that every tap is one contiguous multiply-add over the plane
//! (`DepthwisePlan`), with the bias and activation in the same pass.

use super::parallel::{map_collect, Parts};
use crate::memory::zeroed;

use super::gemm::sgemm_batched;
use super::Cpu;
use crate::backend::ConvBackend;
use crate::desc::conv::{Conv2dGeom, ConvActivation};
use crate::math::sum_f64;
use crate::{Result, Tensor};

/// The output positions o in 0..out whose input coordinate o·stride + off lies in
/// 0..size, as a range lo..hi (empty when none does).
fn valid(off: isize, stride: usize, size: usize, out: usize) -> (usize, usize) {
    let s = stride as isize;
    // o·s + off ≥ 0  ⇔  o ≥ ⌈−off / s⌉
    let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
    // o·s + off ≤ size − 1  ⇔  o ≤ ⌊(size − 1 − off) / s⌋
    let last = size as isize - 1 - off;
    let hi = if last < 0 { 0 } else { last / s + 1 };
    let lo = (lo as usize).min(out);
    (lo, (hi as usize).clamp(lo, out))
}

/// x [C,H,W] of one sample → col [C·kh·kw, Ho·Wo].
pub fn im2col(x: &[f32], g: &Conv2dGeom, col: &mut [f32]) {
    im2col_at(x, g, &Taps::all(g), col, g.ho * g.wo, 0);
}

/// Output rows narrower than this are filled from a gather table (below): the
/// segment copies' fixed cost per row outweighs their memcpy speed. Measured on
/// BN-Inception: 16-wide maps gain (32×32 input: 157 → 121 ms per step with the
/// table up to 16), 28-wide ones lose (the 28×28 layer: 92 → 129 ms at 32).
const TABLE_MAX_WO: usize = 17;

/// The kernel taps im2col lays out, and for narrow outputs their gather table.
///
/// `Taps::live` drops taps that fall in the padding for every output position:
/// a 3×3 kernel on a 1×1 map (BN-Inception's last modules at 32×32) reaches only
/// its centre, so its GEMMs shrink ninefold; the weights are gathered to match
/// (`weights`) and their gradient scattered back (`scatter_grad`).
pub struct Taps {
    /// Tap indices i·kw + j, in order.
    list: Vec<usize>,
    /// For each listed tap and output position p, the input offset in a [H,W]
    /// plane (None: padding); absent for outputs of TABLE_MAX_WO or more.
    table: Option<Vec<Option<u32>>>,
}

impl Taps {
    /// Every tap (the layout of `im2col`).
    pub fn all(g: &Conv2dGeom) -> Taps {
        let list: Vec<usize> = (0..g.kh * g.kw).collect();
        let table = (g.wo < TABLE_MAX_WO).then(|| tap_table(g, &list));
        Taps { list, table }
    }

    /// The taps that reach the input somewhere.
    pub fn live(g: &Conv2dGeom) -> Taps {
        let all = Taps::all(g);
        let Some(table) = &all.table else { return all };
        let howo = (g.ho * g.wo).max(1);
        let live = |t: &usize| table[t * howo..(t + 1) * howo].iter().any(|a| a.is_some());
        let list: Vec<usize> = all.list.iter().copied().filter(live).collect();
        if list.len() == all.list.len() {
            return all;
        }
        let table = Some(tap_table(g, &list));
        Taps { list, table }
    }

    fn pruned(&self, g: &Conv2dGeom) -> bool {
        self.list.len() < g.kh * g.kw
    }

    /// im2col rows per group: C/groups · taps.
    pub fn rows(&self, g: &Conv2dGeom) -> usize {
        g.c / g.groups * self.list.len()
    }

    /// w [O, C/groups, kh·kw] restricted to the listed taps: [O, C/groups, taps].
    fn weights<'a>(&self, w: &'a [f32], g: &Conv2dGeom) -> std::borrow::Cow<'a, [f32]> {
        if !self.pruned(g) {
            return w.into();
        }
        let kk = g.kh * g.kw;
        let w = w
            .chunks_exact(kk)
            .flat_map(|taps| self.list.iter().map(|&t| taps[t]));
        w.collect::<Vec<f32>>().into()
    }

    /// The gradient for the listed taps, [O, C/groups, taps], as [O, C/groups, kh·kw]
    /// with zeros at the dropped taps.
    fn scatter_grad(&self, dw: Vec<f32>, g: &Conv2dGeom) -> Vec<f32> {
        if !self.pruned(g) {
            return dw;
        }
        let kk = g.kh * g.kw;
        let mut full = vec![0f32; dw.len() / self.list.len() * kk];
        for (dst, src) in full
            .chunks_exact_mut(kk)
            .zip(dw.chunks_exact(self.list.len()))
        {
            for (&t, &v) in self.list.iter().zip(src) {
                dst[t] = v;
            }
        }
        full
    }
}

/// For each tap in `list` and output position p, the offset of its input pixel
/// in a [H,W] plane, or None in the padding: [taps][Ho·Wo].
fn tap_table(g: &Conv2dGeom, list: &[usize]) -> Vec<Option<u32>> {
    let mut t = Vec::with_capacity(list.len() * g.ho * g.wo);
    for &tap in list {
        let (i, j) = (tap / g.kw, tap % g.kw);
        for oh in 0..g.ho {
            let ih = (oh * g.sh + i * g.dh) as isize - g.ph as isize;
            for ow in 0..g.wo {
                let iw = (ow * g.sw + j * g.dw) as isize - g.pw as isize;
                let inside = (0..g.h as isize).contains(&ih) && (0..g.w as isize).contains(&iw);
                t.push(inside.then(|| (ih as usize * g.w + iw as usize) as u32));
            }
        }
    }
    t
}

/// `im2col` for `taps` into columns `off..off + Ho·Wo` of a matrix with rows
/// `ld` long (row c·taps + l for channel c and the l-th tap).
pub fn im2col_at(x: &[f32], g: &Conv2dGeom, taps: &Taps, col: &mut [f32], ld: usize, off: usize) {
    let (hw, howo) = (g.h * g.w, g.ho * g.wo);
    let nt = taps.list.len();
    if let Some(table) = &taps.table {
        let rows = table.chunks_exact(howo.max(1)).cycle();
        for (r, tap) in (0..g.c * nt).zip(rows) {
            let plane = &x[r / nt * hw..][..hw];
            let row = &mut col[r * ld + off..][..howo];
            for (o, &at) in row.iter_mut().zip(tap) {
                *o = at.map_or(0.0, |a| plane[a as usize]);
            }
        }
        return;
    }
    let rows = (0..g.c * nt).map(|r| r * ld + off);
    for (r, start) in rows.enumerate() {
        let row = &mut col[start..start + howo];
        let tap = taps.list[r % nt];
        let (c, i, j) = (r / nt, tap / g.kw, tap % g.kw);
        let plane = &x[c * hw..(c + 1) * hw];
        let off_w = (j * g.dw) as isize - g.pw as isize;
        let (lo, hi) = valid(off_w, g.sw, g.w, g.wo);
        for (oh, out) in row.chunks_exact_mut(g.wo).enumerate() {
            let ih = (oh * g.sh + i * g.dh) as isize - g.ph as isize;
            if ih < 0 || ih >= g.h as isize || lo == hi {
                out.fill(0.0);
                continue;
            }
            let src = &plane[ih as usize * g.w..(ih as usize + 1) * g.w];
            out[..lo].fill(0.0);
            out[hi..].fill(0.0);
            let start = (lo * g.sw) as isize + off_w;
            if g.sw == 1 {
                out[lo..hi].copy_from_slice(&src[start as usize..start as usize + hi - lo]);
            } else {
                for (k, o) in out[lo..hi].iter_mut().enumerate() {
                    *o = src[start as usize + k * g.sw];
                }
            }
        }
    }
}

/// The adjoint of `im2col`: dx [C,H,W] (zeroed by the caller) += col2im(col).
pub fn col2im(col: &[f32], g: &Conv2dGeom, dx: &mut [f32]) {
    col2im_at(col, g, &Taps::all(g), dx, g.ho * g.wo, 0);
}

/// The adjoint of `im2col_at`: dx [C,H,W] += col2im of those columns.
pub fn col2im_at(col: &[f32], g: &Conv2dGeom, taps: &Taps, dx: &mut [f32], ld: usize, off: usize) {
    let (hw, howo, kk) = (g.h * g.w, g.ho * g.wo, g.kh * g.kw);
    let nt = taps.list.len();
    if let Some(table) = &taps.table {
        let rows = table.chunks_exact(howo.max(1)).cycle();
        for (r, tap) in (0..g.c * nt).zip(rows) {
            let plane = &mut dx[r / nt * hw..][..hw];
            let row = &col[r * ld + off..][..howo];
            for (&v, &at) in row.iter().zip(tap) {
                if let Some(a) = at {
                    plane[a as usize] += v;
                }
            }
        }
        return;
    }
    // Without a table every tap is listed (see `Taps`), in order.
    debug_assert_eq!(nt, kk);
    let one_channel = |c: usize, plane: &mut [f32]| {
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = &col[((c * kk) + i * g.kw + j) * ld + off..][..howo];
                let off_w = (j * g.dw) as isize - g.pw as isize;
                let (lo, hi) = valid(off_w, g.sw, g.w, g.wo);
                if lo == hi {
                    continue;
                }
                for (oh, src) in row.chunks_exact(g.wo).enumerate() {
                    let ih = (oh * g.sh + i * g.dh) as isize - g.ph as isize;
                    if ih < 0 || ih >= g.h as isize {
                        continue;
                    }
                    let dst = &mut plane[ih as usize * g.w..(ih as usize + 1) * g.w];
                    let start = ((lo * g.sw) as isize + off_w) as usize;
                    if g.sw == 1 {
                        for (d, s) in dst[start..start + hi - lo].iter_mut().zip(&src[lo..hi]) {
                            *d += s;
                        }
                    } else {
                        for (k, s) in src[lo..hi].iter().enumerate() {
                            dst[start + k * g.sw] += s;
                        }
                    }
                }
            }
        }
    };
    for (c, plane) in dx[..g.c * hw].chunks_exact_mut(hw.max(1)).enumerate() {
        one_channel(c, plane);
    }
}

/// Output positions a block's GEMM should reach at least (its column count):
/// 14×14 maps stay one sample per block (at 512 they lost ~10% at 224×224),
/// 7×7 and smaller maps share GEMMs.
const BLOCK_COLUMNS: usize = 128;

/// How the batch is cut: `per` samples per block, and whether blocks run as
/// parallel tasks (single-threaded GEMMs) or in turn (GEMMs on every thread).
#[derive(Clone, Copy)]
struct Blocks {
    per: usize,
    count: usize,
    tasks: bool,
}

impl Blocks {
    fn new(g: &Conv2dGeom) -> Blocks {
        let howo = (g.ho * g.wo).max(1);
        // At least one block per thread, so im2col and col2im run in parallel too.
        let per_thread = g.n.div_ceil(super::threads()).max(1);
        let per = BLOCK_COLUMNS.div_ceil(howo).clamp(1, per_thread);
        let count = g.n.div_ceil(per);
        Blocks {
            per,
            count,
            tasks: count >= super::threads(),
        }
    }

    /// Samples first..first + len of block b.
    fn range(&self, b: usize, n: usize) -> (usize, usize) {
        let first = b * self.per;
        (first, self.per.min(n - first))
    }

    /// GEMM threads inside a block.
    fn gemm_threads(&self) -> usize {
        if self.tasks {
            1
        } else {
            super::threads()
        }
    }

    /// Runs `f(block, scratch)` for every block: as tasks (one scratch per task,
    /// runs of consecutive blocks) or in turn on one scratch. Returns the scratches.
    fn run<S: Send>(
        &self,
        make: impl Fn() -> S + Sync,
        f: impl Fn(usize, &mut S) + Sync,
    ) -> Vec<S> {
        if !self.tasks {
            let mut s = make();
            (0..self.count).for_each(|b| f(b, &mut s));
            return vec![s];
        }
        let runs = super::threads().min(self.count);
        let per_run = self.count.div_ceil(runs);
        map_collect(runs, |r| {
            let mut s = make();
            for b in r * per_run..((r + 1) * per_run).min(self.count) {
                f(b, &mut s);
            }
            s
        })
    }
}

/// Calls `copy(sample_offset, block_offset)` for each of the len·rows runs of
/// `howo` values between t [len, rows, howo] and a block [rows, len·howo]
/// (sample s's row r sits at column s·howo of the block's row r).
fn block_runs(rows: usize, howo: usize, len: usize, mut copy: impl FnMut(usize, usize)) {
    for s in 0..len {
        for r in 0..rows {
            copy((s * rows + r) * howo, (r * len + s) * howo);
        }
    }
}

/// Samples 0..len of t side by side in blk (see `block_runs`).
fn pack(t: &[f32], blk: &mut [f32], rows: usize, howo: usize, len: usize) {
    block_runs(rows, howo, len, |a, b| {
        blk[b..b + howo].copy_from_slice(&t[a..a + howo])
    });
}

/// The inverse of `pack`.
fn unpack(blk: &[f32], t: &mut [f32], rows: usize, howo: usize, len: usize) {
    block_runs(rows, howo, len, |a, b| {
        t[a..a + howo].copy_from_slice(&blk[b..b + howo])
    });
}

/// dy of block samples [first, first+len) as [O, len·howo]: dy itself for one sample.
fn block_grads<'a>(
    dy: &'a [f32],
    g: &Conv2dGeom,
    first: usize,
    len: usize,
    buf: &'a mut Vec<f32>,
) -> &'a [f32] {
    let per_out = g.o * g.ho * g.wo;
    let dy_b = &dy[first * per_out..(first + len) * per_out];
    if len == 1 {
        return dy_b;
    }
    buf.resize(per_out * len, 0.0);
    pack(dy_b, buf, g.o, g.ho * g.wo, len);
    buf
}

/// A block's im2col matrix [groups·k, len·howo] into `col`; `x` when one
/// pointwise sample needs no copy.
fn block_cols<'a>(
    x: &'a [f32],
    g: &Conv2dGeom,
    taps: &Taps,
    first: usize,
    len: usize,
    col: &'a mut Vec<f32>,
) -> &'a [f32] {
    let (chw, howo) = (g.c * g.h * g.w, g.ho * g.wo);
    if len == 1 && g.is_pointwise() {
        return &x[first * chw..(first + 1) * chw];
    }
    col.resize(g.groups * taps.rows(g) * len * howo, 0.0);
    for s in 0..len {
        let x_s = &x[(first + s) * chw..(first + s + 1) * chw];
        im2col_at(x_s, g, taps, col, len * howo, s * howo);
    }
    col
}

/// What the forward and both gradients share: the live taps, the GEMM shapes
/// per group and the cut of the batch into blocks.
struct Plan {
    taps: Taps,
    /// im2col rows per group (C/groups · live taps).
    k: usize,
    /// Output channels per group.
    og: usize,
    howo: usize,
    /// Output values per sample (O·Ho·Wo).
    per_out: usize,
    blocks: Blocks,
    /// Threads of each GEMM inside a block.
    threads: usize,
}

impl Plan {
    fn new(g: &Conv2dGeom) -> Plan {
        let taps = Taps::live(g);
        let (howo, blocks) = (g.ho * g.wo, Blocks::new(g));
        Plan {
            k: taps.rows(g),
            og: g.o / g.groups,
            howo,
            per_out: g.o * howo,
            threads: blocks.gemm_threads(),
            blocks,
            taps,
        }
    }
}

/// Whether `depthwise_forward` computes this convolution (groups = C = O).
pub fn is_depthwise(g: &Conv2dGeom) -> bool {
    g.groups == g.c && g.groups == g.o
}

/// Output values per task of the depthwise forward (a task is worth its hand-off).
const DEPTHWISE_TASK: usize = 1 << 14;

/// The layout one depthwise plane is computed in: the zero-padded input plane
/// [Hp = ph + H + pb, Wp = pw + W + pr] split into sh·sw phases, phase (a, b)
/// holding padded rows a, a + sh, … and columns b, b + sw, … as an [hq, wq] plane.
/// Tap (i, j) of output (oh, ow) reads padded (oh·sh + i·dh, ow·sw + j·dw): phase
/// ((i·dh) mod sh, (j·dw) mod sw) at (oh + ⌊i·dh/sh⌋, ow + ⌊j·dw/sw⌋). So with
/// outputs kept in rows of wq (the last wq − wo of each row are scratch), each tap
/// is one contiguous multiply-add of (ho − 1)·wq + wo values, whatever the stride.
#[derive(Clone, Copy)]
struct DepthwisePlan {
    g: Conv2dGeom,
    hq: usize,
    wq: usize,
    lo: f32,
    hi: f32,
}

impl DepthwisePlan {
    fn new(g: &Conv2dGeom, act: Option<ConvActivation>) -> DepthwisePlan {
        let (lo, hi) = act.map_or((f32::NEG_INFINITY, f32::INFINITY), |a| a.bounds());
        DepthwisePlan {
            g: *g,
            hq: (g.ph + g.h + g.pb).div_ceil(g.sh),
            wq: (g.pw + g.w + g.pr).div_ceil(g.sw),
            lo,
            hi,
        }
    }

    /// Floats of the phase planes.
    fn phases(&self) -> usize {
        self.g.sh * self.g.sw * self.hq * self.wq
    }

    /// Floats of the accumulator: (ho − 1)·wq + wo.
    fn span(&self) -> usize {
        (self.g.ho - 1) * self.wq + self.g.wo
    }
}

/// One output plane of a depthwise convolution (see `DepthwisePlan`). `phases`
/// must hold zeros wherever no input pixel lands (it is only ever written there).
#[inline(always)]
fn depthwise_plane_body(
    x: &[f32],
    taps: &[f32],
    bias: f32,
    p: &DepthwisePlan,
    phases: &mut [f32],
    acc: &mut [f32],
    out: &mut [f32],
) {
    let (g, hq, wq) = (&p.g, p.hq, p.wq);
    for (ih, row) in x.chunks_exact(g.w).enumerate() {
        let pr = ih + g.ph;
        let plane = (pr % g.sh) * g.sw;
        let line = (pr / g.sh) * wq;
        if g.sw == 1 {
            let at = plane * hq * wq + line + g.pw;
            phases[at..at + g.w].copy_from_slice(row);
        } else {
            for (iw, &v) in row.iter().enumerate() {
                let pc = iw + g.pw;
                phases[(plane + pc % g.sw) * hq * wq + line + pc / g.sw] = v;
            }
        }
    }
    let span = p.span();
    let acc = &mut acc[..span];
    acc.fill(bias);
    for i in 0..g.kh {
        let (a, di) = ((i * g.dh) % g.sh, (i * g.dh) / g.sh);
        for j in 0..g.kw {
            let (b, dj) = ((j * g.dw) % g.sw, (j * g.dw) / g.sw);
            let t = taps[i * g.kw + j];
            let at = (a * g.sw + b) * hq * wq + di * wq + dj;
            acc.iter_mut()
                .zip(&phases[at..at + span])
                .for_each(|(o, &v)| *o += t * v);
        }
    }
    for (oh, dst) in out.chunks_exact_mut(g.wo).enumerate() {
        let src = &acc[oh * wq..oh * wq + g.wo];
        dst.iter_mut()
            .zip(src)
            .for_each(|(d, &v)| *d = ConvActivation::apply(p.lo, p.hi, v));
    }
}

super::multiversion!(depthwise_plane, depthwise_plane_body, (x: &[f32], taps: &[f32], bias: f32, p: &DepthwisePlan, phases: &mut [f32], acc: &mut [f32], out: &mut [f32]));

/// out [N,C,Ho,Wo] of a depthwise convolution (groups = C = O), + bias, then `act`
/// (clamping to ±∞ when there is none): planes in parallel, each as `DepthwisePlan`.
pub fn depthwise_forward(
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    g: &Conv2dGeom,
    act: Option<ConvActivation>,
) -> Result<Vec<f32>> {
    let (howo, hw, kk) = (g.ho * g.wo, g.h * g.w, g.kh * g.kw);
    let planes = g.n * g.c;
    let mut out = zeroed("conv2d", planes * howo)?;
    if planes == 0 || howo == 0 {
        return Ok(out);
    }
    let p = DepthwisePlan::new(g, act);
    let per = DEPTHWISE_TASK
        .div_ceil(howo * kk)
        .clamp(1, planes.div_ceil(super::threads()));
    super::parallel::for_each_chunk_mut(&mut out, per * howo, |t, chunk| {
        let mut phases = vec![0f32; p.phases()];
        let mut acc = vec![0f32; p.span()];
        for (k, dst) in chunk.chunks_exact_mut(howo).enumerate() {
            let plane = t * per + k;
            let c = plane % g.c;
            let b = bias.map_or(0.0, |b| b[c]);
            let src = &x[plane * hw..(plane + 1) * hw];
            depthwise_plane(
                src,
                &w[c * kk..(c + 1) * kk],
                b,
                &p,
                &mut phases,
                &mut acc,
                dst,
            );
        }
    });
    Ok(out)
}

/// out [N,O,Ho,Wo] = conv2d(x [N,C,H,W], w [O,C/groups,kh,kw]) + bias, then `act`.
pub fn forward(
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    g: &Conv2dGeom,
    act: Option<ConvActivation>,
) -> Result<Vec<f32>> {
    if is_depthwise(g) {
        return depthwise_forward(x, w, bias, g, act);
    }
    let p = Plan::new(g);
    let (taps, blocks, threads) = (&p.taps, p.blocks, p.threads);
    let (k, og, howo, per_out) = (p.k, p.og, p.howo, p.per_out);
    let w = &*taps.weights(w, g);
    let mut out = zeroed("conv2d", g.n * per_out)?;
    if g.n == 0 || per_out == 0 {
        return Ok(out);
    }
    let shared = Parts::new(&mut out);
    blocks.run(
        || (Vec::new(), Vec::new()),
        |b, (col, res): &mut (Vec<f32>, Vec<f32>)| {
            let (first, len) = blocks.range(b, g.n);
            let cols = len * howo;
            let col = block_cols(x, g, taps, first, len, col);
            // SAFETY: block b's samples, disjoint from every other block's.
            let out_b = unsafe { shared.part(first * per_out, len * per_out) };
            // One sample's product is its output; a block's is unpacked into it.
            let dst: &mut [f32] = if len == 1 {
                &mut *out_b
            } else {
                res.resize(g.o * cols, 0.0);
                res
            };
            #[rustfmt::skip]
            sgemm_batched(threads, g.groups, og, cols, k, w, og * k, false, col, k * cols, false, dst, og * cols);
            if len > 1 {
                unpack(res, out_b, g.o, howo, len);
            }
            if bias.is_some() || act.is_some() {
                let (lo, hi) = act.map_or((f32::NEG_INFINITY, f32::INFINITY), |a| a.bounds());
                for (plane, oc) in out_b.chunks_exact_mut(howo).zip((0..g.o).cycle()) {
                    let bo = bias.map_or(0.0, |b| b[oc]);
                    if act.is_some() {
                        plane
                            .iter_mut()
                            .for_each(|v| *v = ConvActivation::apply(lo, hi, *v + bo));
                    } else {
                        plane.iter_mut().for_each(|v| *v += bo);
                    }
                }
            }
        },
    );
    Ok(out)
}

/// dx [N,C,H,W] from dy [N,O,Ho,Wo] and w: col = W_gᵀ · dy_g, then col2im.
pub fn backward_input(dy: &[f32], w: &[f32], g: &Conv2dGeom) -> Result<Vec<f32>> {
    let p = Plan::new(g);
    let (taps, blocks, threads) = (&p.taps, p.blocks, p.threads);
    let (k, og, howo, per_out) = (p.k, p.og, p.howo, p.per_out);
    let w = &*taps.weights(w, g);
    let chw = g.c * g.h * g.w;
    let mut dx = zeroed("conv2dBackwardInput", g.n * chw)?;
    if g.n == 0 || per_out == 0 || chw == 0 {
        return Ok(dx);
    }
    let shared = Parts::new(&mut dx);
    blocks.run(
        || (Vec::new(), Vec::new()),
        |b, (col, dyb): &mut (Vec<f32>, Vec<f32>)| {
            let (first, len) = blocks.range(b, g.n);
            let cols = len * howo;
            // SAFETY: block b's samples, disjoint from every other block's.
            let dx_b = unsafe { shared.part(first * chw, len * chw) };
            let dy_b = block_grads(dy, g, first, len, dyb);
            if len == 1 && g.is_pointwise() {
                #[rustfmt::skip]
                sgemm_batched(threads, g.groups, k, cols, og, w, og * k, true, dy_b, og * cols, false, dx_b, k * cols);
                return;
            }
            col.resize(g.groups * k * cols, 0.0);
            #[rustfmt::skip]
            sgemm_batched(threads, g.groups, k, cols, og, w, og * k, true, dy_b, og * cols, false, col, k * cols);
            for s in 0..len {
                col2im_at(col, g, taps, &mut dx_b[s * chw..(s + 1) * chw], cols, s * howo);
            }
        },
    );
    Ok(dx)
}

/// dw [O,C/groups,kh,kw] = Σ over blocks of dy_b,g · col_b,gᵀ, summed per task then across tasks.
pub fn backward_weight(dy: &[f32], x: &[f32], g: &Conv2dGeom) -> Vec<f32> {
    let p = Plan::new(g);
    let (taps, blocks, threads) = (&p.taps, p.blocks, p.threads);
    let (k, og, howo, per_out) = (p.k, p.og, p.howo, p.per_out);
    let size = g.o * k;
    if g.n == 0 || per_out == 0 {
        return taps.scatter_grad(vec![0f32; size], g);
    }
    /// A task's sum (its first block's product goes straight into it, so a
    /// single block costs no extra pass over dw) and the later blocks' product.
    struct Scratch {
        acc: Vec<f32>,
        tmp: Vec<f32>,
        col: Vec<f32>,
        dyb: Vec<f32>,
    }
    let partials = blocks.run(
        || Scratch {
            acc: Vec::new(),
            tmp: Vec::new(),
            col: Vec::new(),
            dyb: Vec::new(),
        },
        |b, sc: &mut Scratch| {
            let (first, len) = blocks.range(b, g.n);
            let cols = len * howo;
            let col = block_cols(x, g, taps, first, len, &mut sc.col);
            let dy_b = block_grads(dy, g, first, len, &mut sc.dyb);
            let started = !sc.acc.is_empty();
            let dst = if started { &mut sc.tmp } else { &mut sc.acc };
            dst.resize(size, 0.0);
            #[rustfmt::skip]
            sgemm_batched(threads, g.groups, og, k, cols, dy_b, og * cols, false, col, k * cols, true, dst, og * k);
            if started {
                sc.acc.iter_mut().zip(&sc.tmp).for_each(|(a, t)| *a += t);
            }
        },
    );
    let mut partials = partials.into_iter().map(|p| p.acc);
    let mut dw = partials.next().unwrap_or_else(|| vec![0f32; size]);
    for p in partials {
        dw.iter_mut().zip(&p).for_each(|(a, t)| *a += t);
    }
    taps.scatter_grad(dw, g)
}

/// db [O] = Σ over samples and positions of dy [N,O,Ho·Wo], one channel per task.
pub fn backward_bias(dy: &[f32], n: usize, o: usize, hw: usize) -> Vec<f32> {
    let channel = |c: usize| {
        let rows = (0..n).map(|s| &dy[(s * o + c) * hw..(s * o + c + 1) * hw]);
        rows.map(|row| sum_f64(row, |v| v as f64)).sum::<f64>() as f32
    };
    if n * o * hw >= super::PARALLEL_MIN {
        map_collect(o, channel)
    } else {
        (0..o).map(channel).collect()
    }
}

impl ConvBackend for Cpu {
    fn conv2d(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: Option<&Tensor>,
        g: &Conv2dGeom,
        act: Option<ConvActivation>,
    ) -> Result<Tensor> {
        let op = "conv2d";
        let (xv, wv) = (x.cpu_f32_data(op, "x")?, weight.cpu_f32_data(op, "weight")?);
        let bv = bias.map(|b| b.cpu_f32_data(op, "bias")).transpose()?;
        Ok(Tensor::cpu_f32(forward(xv, wv, bv, g, act)?, g.out_shape()))
    }

    fn conv2d_backward_input(
        &self,
        grad: &Tensor,
        weight: &Tensor,
        g: &Conv2dGeom,
    ) -> Result<Tensor> {
        let op = "conv2dBackwardInput";
        let (gv, wv) = (
            grad.cpu_f32_data(op, "grad")?,
            weight.cpu_f32_data(op, "weight")?,
        );
        Ok(Tensor::cpu_f32(backward_input(gv, wv, g)?, g.x_shape()))
    }

    fn conv2d_backward_weight(&self, grad: &Tensor, x: &Tensor, g: &Conv2dGeom) -> Result<Tensor> {
        let op = "conv2dBackwardWeight";
        let (gv, xv) = (grad.cpu_f32_data(op, "grad")?, x.cpu_f32_data(op, "x")?);
        Ok(Tensor::cpu_f32(
            backward_weight(gv, xv, g),
            g.weight_shape(),
        ))
    }

    fn conv2d_backward_bias(&self, grad: &Tensor) -> Result<Tensor> {
        let s = grad.shape();
        let (n, o, hw) = (s[0], s[1], s[2] * s[3]);
        let v = grad.cpu_f32_data("conv2dBackwardBias", "grad")?;
        Ok(Tensor::cpu_f32(backward_bias(v, n, o, hw), vec![o]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desc::conv::{Conv2dGeom, Conv2dParams};

    fn geom(
        x: [usize; 4],
        w: [usize; 4],
        s: usize,
        p: usize,
        d: usize,
        groups: usize,
    ) -> Conv2dGeom {
        let params = Conv2dParams::symmetric((s, s + 1), (p, p), (d, d), groups);
        Conv2dGeom::new("test", &x, &w, params).unwrap()
    }

    /// ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩: col2im is im2col's adjoint.
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        for (s, p, d) in [(1, 0, 1), (1, 1, 1), (2, 2, 2), (3, 1, 1), (1, 3, 2)] {
            let g = geom([1, 3, 7, 9], [2, 3, 3, 2], s, p, d, 1);
            let x: Vec<f32> = (0..3 * 7 * 9)
                .map(|i| ((i * 37) % 11) as f32 - 5.0)
                .collect();
            let rows = g.col_rows() * g.ho * g.wo;
            let c: Vec<f32> = (0..rows).map(|i| ((i * 13) % 7) as f32 - 3.0).collect();
            let mut col = vec![f32::NAN; rows];
            im2col(&x, &g, &mut col);
            let mut dx = vec![0f32; x.len()];
            col2im(&c, &g, &mut dx);
            let lhs: f64 = col.iter().zip(&c).map(|(a, b)| (a * b) as f64).sum();
            let rhs: f64 = x.iter().zip(&dx).map(|(a, b)| (a * b) as f64).sum();
            assert_eq!(lhs, rhs, "stride {s} padding {p} dilation {d}");
        }
    }

    /// x shape, kernel, stride, padding (top, bottom, left, right), dilation.
    type DepthwiseCase = (
        [usize; 4],
        usize,
        (usize, usize),
        (usize, usize, usize, usize),
        usize,
    );

    /// The depthwise kernel equals the definition (float64 sums) on strides 1–3,
    /// dilation, asymmetric padding and maps narrower than the kernel's reach.
    #[test]
    fn depthwise_equals_the_definition() {
        let cases: [DepthwiseCase; 6] = [
            ([2, 3, 7, 9], 3, (1, 1), (1, 1, 1, 1), 1),
            ([1, 4, 8, 10], 3, (2, 2), (0, 1, 0, 1), 1),
            ([2, 2, 12, 11], 5, (2, 2), (1, 2, 1, 2), 1),
            ([1, 3, 9, 9], 3, (3, 2), (2, 0, 1, 3), 2),
            ([3, 5, 4, 4], 5, (1, 1), (2, 2, 2, 2), 1),
            ([1, 2, 1, 1], 3, (2, 2), (1, 1, 1, 1), 1),
        ];
        for (x_shape, k, stride, (pt, pb, pl, pr), d) in cases {
            let c = x_shape[1];
            let params = Conv2dParams {
                stride,
                padding: (pt, pl),
                padding_end: (pb, pr),
                dilation: (d, d),
                groups: c,
            };
            let g = Conv2dGeom::new("test", &x_shape, &[c, 1, k, k], params).unwrap();
            assert!(is_depthwise(&g));
            let x: Vec<f32> = (0..x_shape.iter().product::<usize>())
                .map(|i| ((i * 37) % 23) as f32 / 7.0 - 1.5)
                .collect();
            let w: Vec<f32> = (0..c * k * k)
                .map(|i| ((i * 11) % 13) as f32 / 5.0 - 1.2)
                .collect();
            let b: Vec<f32> = (0..c).map(|i| i as f32 * 0.25 - 0.5).collect();
            let act = Some(ConvActivation::Relu6);
            let got = depthwise_forward(&x, &w, Some(&b), &g, act).unwrap();
            let mut at = 0;
            for n in 0..g.n {
                for ch in 0..c {
                    for oh in 0..g.ho {
                        for ow in 0..g.wo {
                            let mut sum = b[ch] as f64;
                            for i in 0..k {
                                for j in 0..k {
                                    let ih = (oh * g.sh + i * d) as isize - pt as isize;
                                    let iw = (ow * g.sw + j * d) as isize - pl as isize;
                                    if ih >= 0
                                        && iw >= 0
                                        && (ih as usize) < g.h
                                        && (iw as usize) < g.w
                                    {
                                        let xv = x[((n * c + ch) * g.h + ih as usize) * g.w
                                            + iw as usize];
                                        sum += xv as f64 * w[(ch * k + i) * k + j] as f64;
                                    }
                                }
                            }
                            let want = sum.clamp(0.0, 6.0);
                            assert!(
                                (got[at] as f64 - want).abs() < 1e-5,
                                "{x_shape:?} k {k} s {stride:?} at {at}: {} vs {want}",
                                got[at]
                            );
                            at += 1;
                        }
                    }
                }
            }
            assert_eq!(at, got.len());
        }
    }

    #[test]
    fn valid_ranges() {
        assert_eq!(valid(-2, 1, 5, 5), (2, 5));
        assert_eq!(valid(0, 2, 5, 3), (0, 3));
        assert_eq!(valid(-1, 2, 5, 3), (1, 3));
        assert_eq!(valid(4, 1, 3, 4), (0, 0));
        assert_eq!(valid(-9, 2, 3, 2), (2, 2));
    }
}
