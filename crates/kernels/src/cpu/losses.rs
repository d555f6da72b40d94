//! Losses computed from logits, stable for any finite logit: BCE-with-logits
//! elementwise, and cross-entropy as a fused log-softmax + pick per row.

use super::binary::zip_flat;
use super::parallel::{for_each_row_mut, for_each_task, Parts};
use crate::memory::zeroed;

use super::Cpu;
use super::PARALLEL_MIN;
use crate::backend::LossBackend;
use crate::{Result, Tensor};

/// max(x, 0) − x·t + log(1 + e^{−|x|}) per element: never exp of a positive number.
pub fn bce_with_logits(x: &[f32], t: &[f32]) -> Result<Vec<f32>> {
    zip_flat("bceWithLogits", x, t, |x, t| {
        x.max(0.0) - x * t + (-x.abs()).exp().ln_1p()
    })
}

/// logits [n, k], targets [n] (validated, or `ignore`) -> (loss [n], softmax [n, k]).
/// loss_r = log Σ_j e^{x_rj} − x_r,t (0 for ignored rows), shifted by the row max.
pub fn cross_entropy(
    x: &[f32],
    targets: &[i32],
    k: usize,
    ignore: Option<i32>,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let n = targets.len();
    let mut loss = zeroed("crossEntropy", n)?;
    let mut prob = zeroed("crossEntropy", n * k)?;
    let row = |(r, (l, p)): (usize, (&mut f32, &mut [f32]))| {
        let src = &x[r * k..(r + 1) * k];
        let max = src.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let shift = if max.is_finite() { max } else { 0.0 };
        let sum: f64 = src.iter().map(|&v| ((v - shift) as f64).exp()).sum();
        for (d, &v) in p.iter_mut().zip(src) {
            *d = (((v - shift) as f64).exp() / sum) as f32;
        }
        let t = targets[r];
        *l = if Some(t) == ignore {
            0.0
        } else {
            (sum.ln() - (src[t as usize] - shift) as f64) as f32
        };
    };
    let k1 = k.max(1);
    if x.len() < PARALLEL_MIN {
        loss.iter_mut()
            .zip(prob.chunks_mut(k1))
            .enumerate()
            .for_each(row);
    } else {
        let rows = loss.len();
        let (pl, pp) = (Parts::new(&mut loss), Parts::new(&mut prob));
        // SAFETY: row i's loss and probabilities, disjoint per task.
        for_each_task(rows, |i| {
            row((i, unsafe { (&mut pl.part(i, 1)[0], pp.part(i * k1, k1)) }))
        });
    }
    Ok((loss, prob))
}

/// d logits = g_r · (softmax − onehot(t_r)) per row; ignored rows get 0.
pub fn cross_entropy_backward(
    prob: &[f32],
    targets: &[i32],
    g: &[f32],
    k: usize,
    ignore: Option<i32>,
) -> Result<Vec<f32>> {
    let mut dx = zeroed("crossEntropyBackward", prob.len())?;
    let row = |(r, d): (usize, &mut [f32])| {
        let t = targets[r];
        if Some(t) == ignore {
            return;
        }
        for (j, v) in d.iter_mut().enumerate() {
            let p = prob[r * k + j] - if j as i32 == t { 1.0 } else { 0.0 };
            *v = g[r] * p;
        }
    };
    let k1 = k.max(1);
    if prob.len() < PARALLEL_MIN {
        dx.chunks_mut(k1).enumerate().for_each(row);
    } else {
        for_each_row_mut(&mut dx, k1, PARALLEL_MIN / 8, |i, r| row((i, r)));
    }
    Ok(dx)
}

impl LossBackend for Cpu {
    fn bce_with_logits(&self, x: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let op = "bceWithLogits";
        let (xv, tv) = (
            x.cpu_f32_data(op, "logits")?,
            targets.cpu_f32_data(op, "targets")?,
        );
        Ok(Tensor::cpu_f32(
            bce_with_logits(xv, tv)?,
            x.shape().to_vec(),
        ))
    }

    fn cross_entropy(
        &self,
        x: &Tensor,
        targets: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<[Tensor; 2]> {
        let op = "crossEntropy";
        let t = targets.cpu_i32_data(op, "targets")?;
        let (loss, prob) = cross_entropy(x.cpu_f32_data(op, "logits")?, t, k, ignore)?;
        Ok([
            Tensor::cpu_f32(loss, vec![n]),
            Tensor::cpu_f32(prob, vec![n, k]),
        ])
    }

    fn cross_entropy_backward(
        &self,
        prob: &Tensor,
        targets: &Tensor,
        grad: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<Tensor> {
        let op = "crossEntropyBackward";
        let t = targets.cpu_i32_data(op, "targets")?;
        let (pv, gv) = (
            prob.cpu_f32_data(op, "logits")?,
            grad.cpu_f32_data(op, "grad")?,
        );
        Ok(Tensor::cpu_f32(
            cross_entropy_backward(pv, t, gv, k, ignore)?,
            vec![n, k],
        ))
    }
}
