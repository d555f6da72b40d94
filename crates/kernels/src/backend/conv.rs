//! 2-D convolution and its input and weight gradients.

use crate::desc::conv::{Conv2dGeom, ConvActivation};
use crate::{Result, Tensor};

pub trait ConvBackend {
    /// conv2d(x, weight) + bias → [N,O,Ho,Wo], then `act`.
    fn conv2d(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: Option<&Tensor>,
        geo: &Conv2dGeom,
        act: Option<ConvActivation>,
    ) -> Result<Tensor>;

    /// grad [N,O,Ho,Wo], weight → dx [N,C,H,W].
    fn conv2d_backward_input(
        &self,
        grad: &Tensor,
        weight: &Tensor,
        geo: &Conv2dGeom,
    ) -> Result<Tensor>;

    /// grad [N,O,Ho,Wo], x → dweight [O,C/groups,kh,kw].
    fn conv2d_backward_weight(&self, grad: &Tensor, x: &Tensor, geo: &Conv2dGeom)
        -> Result<Tensor>;

    /// grad [N,O,Ho,Wo] summed over N, Ho and Wo → dbias [O].
    fn conv2d_backward_bias(&self, grad: &Tensor) -> Result<Tensor>;
}
