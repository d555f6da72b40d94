//! Fused optimiser updates, in place on the parameter and its state buffers.
//!
//! Each element follows PyTorch's single-tensor update (torch/optim/{sgd,rmsprop,adam}.py)
//! as the same sequence of float32 operations, in the same order, with a fused
//! multiply-add exactly where PyTorch's vectorised CPU kernels use one: `add`
//! with alpha (fma(other, alpha, self)), `addcmul` (fma(value·t1, t2, self)) and
//! `lerp`; `mul_`, `addcdiv`, `sqrt` and division are plain. So a CPU step equals
//! torch.optim's on CPU bit for bit (test/optim/torch.test.ts). Large tensors are
//! split into chunks run by rayon.

use super::parallel::for_each_owned;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::OptimBackend;
use crate::desc::optim::{AdamCoef, RmsPropCoef, SgdCoef};
use crate::{Result, Storage, Tensor};

/// Elements per rayon task.
const CHUNK: usize = PARALLEL_MIN / 4;

/// `s` cut into `count` chunks of CHUNK elements, or `count` Nones when absent.
fn chunks(s: Option<&mut [f32]>, count: usize) -> Vec<Option<&mut [f32]>> {
    match s {
        Some(s) => s.chunks_mut(CHUNK).map(Some).collect(),
        None => (0..count).map(|_| None).collect(),
    }
}

/// Runs `f` on matching chunks of p, g and up to three state buffers, in
/// parallel when the tensor is large.
fn for_chunks<F>(p: &mut [f32], g: &[f32], s: [Option<&mut [f32]>; 3], f: F)
where
    F: Fn(&mut [f32], &[f32], [Option<&mut [f32]>; 3]) + Sync,
{
    if p.len() < PARALLEL_MIN {
        f(p, g, s);
        return;
    }
    let count = p.len().div_ceil(CHUNK);
    let [a, b, c] = s;
    let (a, b, c) = (chunks(a, count), chunks(b, count), chunks(c, count));
    let work: Vec<_> = p
        .chunks_mut(CHUNK)
        .zip(g.chunks(CHUNK))
        .zip(a.into_iter().zip(b).zip(c))
        .collect();
    for_each_owned(work, |((p, g), ((a, b), c))| f(p, g, [a, b, c]));
}

/// SGD (PyTorch `_single_tensor_sgd`): g += wd·p; buf = g on the first step,
/// else buf = momentum·buf + (1−dampening)·g; g = nesterov ? g + momentum·buf : buf;
/// p −= lr·g.
pub fn sgd(p: &mut [f32], g: &[f32], buf: Option<&mut [f32]>, c: &SgdCoef) {
    for_chunks(p, g, [buf, None, None], |p, g, [buf, _, _]| {
        sgd_chunk(p, g, buf, c)
    });
}

/// One chunk of `sgd`, multiversioned as `adam_chunk` (FMA as one instruction).
#[inline(always)]
fn sgd_body(p: &mut [f32], g: &[f32], buf: Option<&mut [f32]>, c: &SgdCoef) {
    match buf {
        None => {
            for (p, &g) in p.iter_mut().zip(g) {
                let d = decayed(g, *p, c.weight_decay);
                *p = d.mul_add(c.neg_lr, *p);
            }
        }
        Some(buf) => {
            for ((p, &g), b) in p.iter_mut().zip(g).zip(buf.iter_mut()) {
                let d = decayed(g, *p, c.weight_decay);
                *b = if c.first {
                    d
                } else {
                    d.mul_add(c.one_minus_dampening, *b * c.momentum)
                };
                let step = if c.nesterov {
                    b.mul_add(c.momentum, d)
                } else {
                    *b
                };
                *p = step.mul_add(c.neg_lr, *p);
            }
        }
    }
}

super::multiversion!(sgd_chunk, sgd_body, (p: &mut [f32], g: &[f32], buf: Option<&mut [f32]>, c: &SgdCoef));

/// RMSProp (PyTorch `_single_tensor_rmsprop`): g += wd·p; sq = α·sq + (1−α)·g·g;
/// centered: ga = lerp(ga, g, 1−α), avg = sqrt(sq − ga·ga) + eps, else sqrt(sq) + eps;
/// momentum: buf = μ·buf + g/avg, p −= lr·buf; otherwise p −= lr·g/avg.
pub fn rmsprop(
    p: &mut [f32],
    g: &[f32],
    sq: &mut [f32],
    grad_avg: Option<&mut [f32]>,
    buf: Option<&mut [f32]>,
    c: &RmsPropCoef,
) {
    for_chunks(p, g, [Some(sq), grad_avg, buf], |p, g, [sq, ga, buf]| {
        rmsprop_chunk(p, g, sq.unwrap_or_default(), ga, buf, c)
    });
}

/// One chunk of `rmsprop`, multiversioned as `adam_chunk` (FMA as one instruction).
#[inline(always)]
fn rmsprop_body(
    p: &mut [f32],
    g: &[f32],
    sq: &mut [f32],
    mut ga: Option<&mut [f32]>,
    mut buf: Option<&mut [f32]>,
    c: &RmsPropCoef,
) {
    for i in 0..p.len() {
        let d = decayed(g[i], p[i], c.weight_decay);
        sq[i] = (c.one_minus_alpha * d).mul_add(d, sq[i] * c.alpha);
        let avg = match ga.as_deref_mut() {
            Some(ga) => {
                ga[i] = lerp(ga[i], d, c.one_minus_alpha);
                (-ga[i]).mul_add(ga[i], sq[i]).sqrt() + c.eps
            }
            None => sq[i].sqrt() + c.eps,
        };
        match buf.as_deref_mut() {
            Some(b) => {
                b[i] = b[i] * c.momentum + d / avg;
                p[i] = b[i].mul_add(c.neg_lr, p[i]);
            }
            None => p[i] += c.neg_lr * d / avg, // addcdiv: no FMA
        }
    }
}

super::multiversion!(rmsprop_chunk, rmsprop_body, (p: &mut [f32], g: &[f32], sq: &mut [f32], ga: Option<&mut [f32]>, buf: Option<&mut [f32]>, c: &RmsPropCoef));

/// Adam (PyTorch `_single_tensor_adam`, L2 weight decay): g += wd·p;
/// m = lerp(m, g, 1−β1); v = β2·v + (1−β2)·g·g;
/// p −= step_size · m / (sqrt(v)/sqrt(bc2) + eps) with step_size = lr/bc1.
pub fn adam(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], c: &AdamCoef) {
    for_chunks(p, g, [Some(m), Some(v), None], |p, g, [m, v, _]| {
        adam_chunk(p, g, m.unwrap_or_default(), v.unwrap_or_default(), c)
    });
}

/// One chunk of `adam`. Multiversioned: in the baseline build each `mul_add` is a
/// call to libm's fmaf and the loop stays scalar; with FMA enabled it is one
/// instruction (the same correctly rounded result) and the loop vectorises.
#[inline(always)]
fn adam_body(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], c: &AdamCoef) {
    let n = p.len();
    let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
    for i in 0..n {
        let d = decayed(g[i], p[i], c.weight_decay);
        m[i] = lerp(m[i], d, c.one_minus_beta1);
        v[i] = (c.one_minus_beta2 * d).mul_add(d, v[i] * c.beta2);
        let denom = v[i].sqrt() / c.bc2_sqrt + c.eps;
        p[i] += c.neg_step_size * m[i] / denom; // addcdiv: no FMA
    }
}

super::multiversion!(adam_chunk, adam_body, (p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], c: &AdamCoef));

/// torch.lerp as its vectorised CPU kernel computes it: fma(w, b − a, a) for
/// |w| < 0.5, else fma(w − 1, b − a, b).
#[inline(always)]
pub fn lerp(a: f32, b: f32, w: f32) -> f32 {
    if w.abs() < 0.5 {
        w.mul_add(b - a, a)
    } else {
        (w - 1.0).mul_add(b - a, b)
    }
}

/// g + wd·p as `grad.add(param, alpha=wd)`: fma(p, wd, g).
#[inline(always)]
fn decayed(g: f32, p: f32, wd: f32) -> f32 {
    if wd != 0.0 {
        p.mul_add(wd, g)
    } else {
        g
    }
}

fn cpu_mut<'a>(op: &str, name: &str, t: &'a mut Tensor) -> Result<&'a mut [f32]> {
    let err = t.kind_error(op, name, "a float32 tensor on cpu");
    match t.storage_mut() {
        Storage::CpuF32(v) => Ok(v.as_mut_slice()),
        _ => Err(err),
    }
}

impl OptimBackend for Cpu {
    fn sgd_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        momentum_buffer: Option<&mut Tensor>,
        c: &SgdCoef,
    ) -> Result<()> {
        let op = "sgdStep";
        let g = grad.cpu_f32_data(op, "grad")?;
        let buf = match momentum_buffer {
            Some(b) => Some(cpu_mut(op, "momentumBuffer", b)?),
            None => None,
        };
        sgd(cpu_mut(op, "param", param)?, g, buf, c);
        Ok(())
    }

    fn rmsprop_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        square_avg: &mut Tensor,
        grad_avg: Option<&mut Tensor>,
        momentum_buffer: Option<&mut Tensor>,
        c: &RmsPropCoef,
    ) -> Result<()> {
        let op = "rmspropStep";
        let g = grad.cpu_f32_data(op, "grad")?;
        let ga = match grad_avg {
            Some(t) => Some(cpu_mut(op, "gradAvg", t)?),
            None => None,
        };
        let buf = match momentum_buffer {
            Some(t) => Some(cpu_mut(op, "momentumBuffer", t)?),
            None => None,
        };
        let sq = cpu_mut(op, "squareAvg", square_avg)?;
        rmsprop(cpu_mut(op, "param", param)?, g, sq, ga, buf, c);
        Ok(())
    }

    fn adam_step(
        &self,
        param: &mut Tensor,
        grad: &Tensor,
        exp_avg: &mut Tensor,
        exp_avg_sq: &mut Tensor,
        c: &AdamCoef,
    ) -> Result<()> {
        let op = "adamStep";
        let g = grad.cpu_f32_data(op, "grad")?;
        let m = cpu_mut(op, "expAvg", exp_avg)?;
        let v = cpu_mut(op, "expAvgSq", exp_avg_sq)?;
        adam(cpu_mut(op, "param", param)?, g, m, v, c);
        Ok(())
    }
}
