//! 2-D max and average pooling over x [N,C,H,W], with PyTorch's output sizes:
//! Ho = ⌊(H + 2·ph − kh) / sh⌋ + 1, or ⌈…⌉ + 1 in ceil mode, where the last window
//! must still start inside the input or its left padding (else Ho − 1).
//! Padding is at most half the kernel, so every window holds an input element.

use super::check;
use super::dispatch::backend;
pub use crate::desc::pool::{Pool2dGeom, Pool2dParams};
use crate::error::fmt_shape;
use crate::{bail, DType, Result, Tensor};

fn check_grad(op: &str, grad: &Tensor, g: &Pool2dGeom) -> Result<()> {
    if grad.shape() != g.out_shape() {
        bail!(
            op,
            "grad has shape {}, expected {} for x {}",
            fmt_shape(grad.shape()),
            fmt_shape(&g.out_shape()),
            fmt_shape(&g.x_shape())
        );
    }
    Ok(())
}

/// (max values [N,C,Ho,Wo], int32 indices h·W + w of each maximum in its plane).
pub fn max_pool2d(x: &Tensor, p: Pool2dParams) -> Result<(Tensor, Tensor)> {
    let op = "maxPool2d";
    let g = Pool2dGeom::new(op, x.shape(), p)?;
    check::float32(op, "x", x)?;
    crate::memory::check_alloc(op, &g.out_shape(), 4)?;
    backend(op, x.device())?.max_pool2d(x, &g)
}

/// dx [N,C,H,W] of shape `x_shape`: each grad element added at its saved argmax.
pub fn max_pool2d_backward(
    grad: &Tensor,
    indices: &Tensor,
    x_shape: &[usize],
    p: Pool2dParams,
) -> Result<Tensor> {
    let op = "maxPool2dBackward";
    let g = Pool2dGeom::new(op, x_shape, p)?;
    crate::memory::check_alloc(op, x_shape, 4)?;
    check_grad(op, grad, &g)?;
    if indices.shape() != grad.shape() || indices.device() != grad.device() {
        bail!(
            op,
            "indices {} on {} must match grad {} on {}",
            fmt_shape(indices.shape()),
            indices.device().name(),
            fmt_shape(grad.shape()),
            grad.device().name()
        );
    }
    check::float32(op, "grad", grad)?;
    if indices.dtype() != DType::I32 {
        return Err(indices.kind_error(op, "indices", "an int32 tensor"));
    }
    backend(op, grad.device())?.max_pool2d_backward(grad, indices, &g)
}

/// Window means [N,C,Ho,Wo]; the divisor counts padding when `count_include_pad`.
pub fn avg_pool2d(x: &Tensor, p: Pool2dParams, count_include_pad: bool) -> Result<Tensor> {
    let op = "avgPool2d";
    let g = Pool2dGeom::new(op, x.shape(), p)?;
    check::float32(op, "x", x)?;
    crate::memory::check_alloc(op, &g.out_shape(), 4)?;
    backend(op, x.device())?.avg_pool2d(x, &g, count_include_pad)
}

/// dx [N,C,H,W] of shape `x_shape`: each grad element spread evenly over its window.
pub fn avg_pool2d_backward(
    grad: &Tensor,
    x_shape: &[usize],
    p: Pool2dParams,
    count_include_pad: bool,
) -> Result<Tensor> {
    let op = "avgPool2dBackward";
    let g = Pool2dGeom::new(op, x_shape, p)?;
    crate::memory::check_alloc(op, x_shape, 4)?;
    check_grad(op, grad, &g)?;
    check::float32(op, "grad", grad)?;
    backend(op, grad.device())?.avg_pool2d_backward(grad, &g, count_include_pad)
}
