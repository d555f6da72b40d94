//! 2-D convolution (cross-correlation, as PyTorch's `conv2d`) and its two
//! backward kernels, with stride, zero padding, dilation and groups.
//!
//! x [N,C,H,W] ⊛ weight [O,C/groups,kh,kw] → [N,O,Ho,Wo], where
//! Ho = ⌊(H + 2·ph − dh·(kh−1) − 1) / sh⌋ + 1 (likewise Wo). Group g reads input
//! channels g·C/groups.. and writes output channels g·O/groups.. .

use super::check::{self, same_device as check_device, shape as check_shape};
use super::dispatch::backend;
pub use crate::desc::conv::{Conv2dGeom, Conv2dParams, ConvActivation};
use crate::error::fmt_shape;
use crate::{bail, Result, Tensor};

/// conv2d(x, weight) + bias (bias [O], optional), then `act` in the same pass.
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    p: Conv2dParams,
    act: Option<ConvActivation>,
) -> Result<Tensor> {
    let op = "conv2d";
    let g = Conv2dGeom::new(op, x.shape(), weight.shape(), p)?;
    check_device(op, x, "x", weight, "weight")?;
    if let Some(b) = bias {
        check_device(op, x, "x", b, "bias")?;
        if b.shape() != [g.o] {
            bail!(
                op,
                "bias must have shape [{}] (weight {} has {} output channels), got {}",
                g.o,
                fmt_shape(weight.shape()),
                g.o,
                fmt_shape(b.shape())
            );
        }
    }
    check::float32(op, "x", x)?;
    check::float32(op, "weight", weight)?;
    crate::memory::check_alloc(op, &g.out_shape(), 4)?;
    // The im2col scratch of one sample, [C·kh·kw, Ho·Wo], must fit as well.
    crate::memory::check_alloc(op, &[g.col_rows(), g.ho, g.wo], 4)?;
    backend(op, x.device())?.conv2d(x, weight, bias, &g, act)
}

/// The gradient of conv2d with respect to x: grad [N,O,Ho,Wo], weight → [N,C,H,W]
/// for an input of shape `x_shape`.
pub fn conv2d_backward_input(
    grad: &Tensor,
    weight: &Tensor,
    x_shape: &[usize],
    p: Conv2dParams,
) -> Result<Tensor> {
    let op = "conv2dBackwardInput";
    let g = Conv2dGeom::new(op, x_shape, weight.shape(), p)?;
    check_shape(op, "grad", grad, &g.out_shape())?;
    check_device(op, grad, "grad", weight, "weight")?;
    check::float32(op, "grad", grad)?;
    check::float32(op, "weight", weight)?;
    crate::memory::check_alloc(op, x_shape, 4)?;
    crate::memory::check_alloc(op, &[g.col_rows(), g.ho, g.wo], 4)?;
    backend(op, grad.device())?.conv2d_backward_input(grad, weight, &g)
}

/// The gradient of conv2d with respect to weight: grad [N,O,Ho,Wo], x → weight
/// of shape `weight_shape`.
pub fn conv2d_backward_weight(
    grad: &Tensor,
    x: &Tensor,
    weight_shape: &[usize],
    p: Conv2dParams,
) -> Result<Tensor> {
    let op = "conv2dBackwardWeight";
    let g = Conv2dGeom::new(op, x.shape(), weight_shape, p)?;
    check_shape(op, "grad", grad, &g.out_shape())?;
    check_device(op, grad, "grad", x, "x")?;
    check::float32(op, "grad", grad)?;
    check::float32(op, "x", x)?;
    crate::memory::check_alloc(op, weight_shape, 4)?;
    crate::memory::check_alloc(op, &[g.col_rows(), g.ho, g.wo], 4)?;
    backend(op, grad.device())?.conv2d_backward_weight(grad, x, &g)
}

/// The gradient of conv2d for bias: grad [N,O,Ho,Wo] summed over N, Ho and Wo → [O].
pub fn conv2d_backward_bias(grad: &Tensor) -> Result<Tensor> {
    let op = "conv2dBackwardBias";
    if grad.shape().len() != 4 {
        bail!(
            op,
            "grad must have rank 4 [N,O,Ho,Wo], got {}",
            fmt_shape(grad.shape())
        );
    }
    check::float32(op, "grad", grad)?;
    backend(op, grad.device())?.conv2d_backward_bias(grad)
}
