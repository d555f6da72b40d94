//! conv2d and pooling, forward and backward. Sizes arrive as [h, w] pairs of JS
//! numbers and are checked here; the kernels check the shapes.

use foveate_kernels::ops::conv::{self, Conv2dParams, ConvActivation};
use foveate_kernels::ops::pool::{self, Pool2dParams};
use foveate_kernels::Tensor;
use napi::{Error, Result};
use napi_derive::napi;

use crate::tensor::{dims, js_error, NewTensor, TensorRef};

fn out(r: foveate_kernels::Result<Tensor>) -> Result<NewTensor> {
    r.map(NewTensor).map_err(js_error)
}

/// An [h, w] pair of non-negative integers named `arg`.
fn pair(op: &str, arg: &str, v: &[f64]) -> Result<(usize, usize)> {
    match dims(op, v).map_err(|_| {
        Error::from_reason(format!(
            "{op}: {arg} = [{}] must hold non-negative integers",
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ))
    })?[..]
    {
        [h, w] => Ok((h, w)),
        _ => Err(Error::from_reason(format!(
            "{op}: {arg} must be an [h, w] pair, got {} values",
            v.len()
        ))),
    }
}

/// Padding as [h, w] (both sides alike) or [top, left, bottom, right]:
/// ((top, left), (bottom, right)).
fn padding_sides(op: &str, v: &[f64]) -> Result<((usize, usize), (usize, usize))> {
    if v.len() == 2 {
        let p = pair(op, "padding", v)?;
        return Ok((p, p));
    }
    if v.len() != 4 {
        return Err(Error::from_reason(format!(
            "{op}: padding must be [h, w] or [top, left, bottom, right], got {} values",
            v.len()
        )));
    }
    let d = dims(op, v).map_err(|_| {
        Error::from_reason(format!(
            "{op}: padding = [{}] must hold non-negative integers",
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ))
    })?;
    Ok(((d[0], d[1]), (d[2], d[3])))
}

fn conv_params(
    op: &str,
    stride: &[f64],
    padding: &[f64],
    dilation: &[f64],
    groups: f64,
) -> Result<Conv2dParams> {
    let groups = dims(op, &[groups]).map_err(|_| {
        Error::from_reason(format!(
            "{op}: groups = {groups} must be a positive integer"
        ))
    })?[0];
    let (padding, padding_end) = padding_sides(op, padding)?;
    Ok(Conv2dParams {
        stride: pair(op, "stride", stride)?,
        padding,
        padding_end,
        dilation: pair(op, "dilation", dilation)?,
        groups,
    })
}

fn pool_params(
    op: &str,
    kernel: &[f64],
    stride: &[f64],
    padding: &[f64],
    ceil_mode: bool,
) -> Result<Pool2dParams> {
    Ok(Pool2dParams {
        kernel: pair(op, "kernel", kernel)?,
        stride: pair(op, "stride", stride)?,
        padding: pair(op, "padding", padding)?,
        ceil_mode,
    })
}

/// x [N,C,H,W] ⊛ weight [O,C/groups,kh,kw] (+ bias [O]) → [N,O,Ho,Wo], then
/// `activation` ('relu' or 'relu6') in the same pass.
#[allow(clippy::too_many_arguments)]
#[napi(catch_unwind, js_name = "conv2d")]
pub fn conv2d(
    x: TensorRef,
    weight: TensorRef,
    bias: Option<TensorRef>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    dilation: Vec<f64>,
    groups: f64,
    activation: Option<String>,
) -> Result<NewTensor> {
    let op = "conv2d";
    let p = conv_params(op, &stride, &padding, &dilation, groups)?;
    let act = match activation.as_deref() {
        None => None,
        Some("relu") => Some(ConvActivation::Relu),
        Some("relu6") => Some(ConvActivation::Relu6),
        Some(other) => {
            return Err(Error::from_reason(format!(
                "{op}: activation must be 'relu' or 'relu6', got '{other}'"
            )))
        }
    };
    let b = bias.as_ref().map(|b| b.get(op)).transpose()?;
    out(conv::conv2d(x.get(op)?, weight.get(op)?, b, p, act))
}

/// The gradient of conv2d for x (of shape `x_shape`).
#[napi(catch_unwind, js_name = "conv2dBackwardInput")]
pub fn conv2d_backward_input(
    grad: TensorRef,
    weight: TensorRef,
    x_shape: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    dilation: Vec<f64>,
    groups: f64,
) -> Result<NewTensor> {
    let op = "conv2dBackwardInput";
    let p = conv_params(op, &stride, &padding, &dilation, groups)?;
    let shape = dims(op, &x_shape)?;
    out(conv::conv2d_backward_input(
        grad.get(op)?,
        weight.get(op)?,
        &shape,
        p,
    ))
}

/// The gradient of conv2d for weight (of shape `weight_shape`).
#[napi(catch_unwind, js_name = "conv2dBackwardWeight")]
pub fn conv2d_backward_weight(
    grad: TensorRef,
    x: TensorRef,
    weight_shape: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    dilation: Vec<f64>,
    groups: f64,
) -> Result<NewTensor> {
    let op = "conv2dBackwardWeight";
    let p = conv_params(op, &stride, &padding, &dilation, groups)?;
    let shape = dims(op, &weight_shape)?;
    out(conv::conv2d_backward_weight(
        grad.get(op)?,
        x.get(op)?,
        &shape,
        p,
    ))
}

/// The gradient of conv2d for bias: grad summed over N, Ho and Wo.
#[napi(catch_unwind, js_name = "conv2dBackwardBias")]
pub fn conv2d_backward_bias(grad: TensorRef) -> Result<NewTensor> {
    out(conv::conv2d_backward_bias(grad.get("conv2dBackwardBias")?))
}

/// [values, int32 argmax indices (h·W + w within each plane)].
#[napi(catch_unwind, js_name = "maxPool2d")]
pub fn max_pool2d(
    x: TensorRef,
    kernel: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    ceil_mode: bool,
) -> Result<Vec<NewTensor>> {
    let op = "maxPool2d";
    let p = pool_params(op, &kernel, &stride, &padding, ceil_mode)?;
    let (values, indices) = pool::max_pool2d(x.get(op)?, p).map_err(js_error)?;
    Ok(vec![NewTensor(values), NewTensor(indices)])
}

#[napi(catch_unwind, js_name = "maxPool2dBackward")]
#[allow(clippy::too_many_arguments)]
pub fn max_pool2d_backward(
    grad: TensorRef,
    indices: TensorRef,
    x_shape: Vec<f64>,
    kernel: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    ceil_mode: bool,
) -> Result<NewTensor> {
    let op = "maxPool2dBackward";
    let p = pool_params(op, &kernel, &stride, &padding, ceil_mode)?;
    let shape = dims(op, &x_shape)?;
    out(pool::max_pool2d_backward(
        grad.get(op)?,
        indices.get(op)?,
        &shape,
        p,
    ))
}

#[napi(catch_unwind, js_name = "avgPool2d")]
pub fn avg_pool2d(
    x: TensorRef,
    kernel: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<NewTensor> {
    let op = "avgPool2d";
    let p = pool_params(op, &kernel, &stride, &padding, ceil_mode)?;
    out(pool::avg_pool2d(x.get(op)?, p, count_include_pad))
}

#[napi(catch_unwind, js_name = "avgPool2dBackward")]
#[allow(clippy::too_many_arguments)]
pub fn avg_pool2d_backward(
    grad: TensorRef,
    x_shape: Vec<f64>,
    kernel: Vec<f64>,
    stride: Vec<f64>,
    padding: Vec<f64>,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<NewTensor> {
    let op = "avgPool2dBackward";
    let p = pool_params(op, &kernel, &stride, &padding, ceil_mode)?;
    let shape = dims(op, &x_shape)?;
    out(pool::avg_pool2d_backward(
        grad.get(op)?,
        &shape,
        p,
        count_include_pad,
    ))
}
