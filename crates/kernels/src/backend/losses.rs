//! Losses from logits: BCE-with-logits and the fused cross-entropy.

use crate::{Result, Tensor};

pub trait LossBackend {
    /// Elementwise max(x,0) − x·t + log(1 + e^{−|x|}).
    fn bce_with_logits(&self, x: &Tensor, targets: &Tensor) -> Result<Tensor>;

    /// [loss [n], softmax [n,k]] for logits [n,k] and int32 targets [n].
    fn cross_entropy(
        &self,
        x: &Tensor,
        targets: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<[Tensor; 2]>;

    /// d logits [n,k] = g_r (softmax − onehot(t_r)).
    fn cross_entropy_backward(
        &self,
        prob: &Tensor,
        targets: &Tensor,
        grad: &Tensor,
        n: usize,
        k: usize,
        ignore: Option<i32>,
    ) -> Result<Tensor>;
}
