//! Batch normalisation: forward (batch or given statistics), fused backward and
//! the in-place running-statistics update.

use crate::desc::batchnorm::ChannelLayout;
use crate::{Result, Tensor};

pub trait BatchNormBackend {
    /// [y, mean, invstd, var]; `stats` = Some((mean, var)) in inference, None in
    /// training (batch statistics, biased variance). `relu` fuses a ReLU into y.
    #[allow(clippy::too_many_arguments)]
    fn batch_norm(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        stats: Option<(&Tensor, &Tensor)>,
        eps: f32,
        relu: bool,
        layout: ChannelLayout,
    ) -> Result<[Tensor; 4]>;

    /// [dx, dweight, dbias]; `relu_bias` is the forward's bias when it fused a ReLU.
    #[allow(clippy::too_many_arguments)]
    fn batch_norm_backward(
        &self,
        grad: &Tensor,
        x: &Tensor,
        weight: &Tensor,
        mean: &Tensor,
        invstd: &Tensor,
        training: bool,
        relu_bias: Option<&Tensor>,
        layout: ChannelLayout,
    ) -> Result<[Tensor; 3]>;

    /// running ← (1 − momentum)·running + momentum·batch (variance unbiased by count/(count − 1)).
    fn update_running_stats(
        &self,
        running_mean: &mut Tensor,
        running_var: &mut Tensor,
        mean: &Tensor,
        var: &Tensor,
        momentum: f32,
        count: usize,
    ) -> Result<()>;
}
