//! The fused pointwise LSTM cell, forward and backward.

use foveate_kernels::ops::lstm;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NewTensor, TensorRef};

/// [h' [B,H], c' [B,H], gates [B,4H]] from gate pre-activations gx (+ gh)
/// (+ bias) and c (gate order i, f, g, o).
#[napi(catch_unwind)]
pub fn lstm_cell(
    gx: TensorRef,
    gh: Option<TensorRef>,
    bias: Option<TensorRef>,
    c: TensorRef,
) -> Result<Vec<NewTensor>> {
    let op = "lstmCell";
    let gh = gh.as_ref().map(|t| t.get(op)).transpose()?;
    let bias = bias.as_ref().map(|t| t.get(op)).transpose()?;
    let r = lstm::forward(gx.get(op)?, gh, bias, c.get(op)?).map_err(js_error)?;
    Ok(r.into_iter().map(NewTensor).collect())
}

/// [d pre-activations [B,4H], dc [B,H]] from the gradients of h' and c' [B,H]
/// (either may be absent: zero), the saved gates and c.
#[napi(catch_unwind)]
pub fn lstm_cell_backward(
    dh: Option<TensorRef>,
    dc: Option<TensorRef>,
    gates: TensorRef,
    c: TensorRef,
) -> Result<Vec<NewTensor>> {
    let op = "lstmCellBackward";
    let dh = dh.as_ref().map(|t| t.get(op)).transpose()?;
    let dc = dc.as_ref().map(|t| t.get(op)).transpose()?;
    let r = lstm::backward(dh, dc, gates.get(op)?, c.get(op)?).map_err(js_error)?;
    Ok(r.into_iter().map(NewTensor).collect())
}

/// The cell's operands x, h, c, weightIh, weightHh and the optional biases,
/// borrowed from their handles.
fn cell<'a>(
    op: &str,
    [x, h, c, w_ih, w_hh]: [&'a TensorRef; 5],
    [bias_ih, bias_hh]: [Option<&'a TensorRef>; 2],
) -> Result<lstm::Cell<'a>> {
    Ok(lstm::Cell {
        x: x.get(op)?,
        h: h.get(op)?,
        c: c.get(op)?,
        w_ih: w_ih.get(op)?,
        w_hh: w_hh.get(op)?,
        bias_ih: bias_ih.map(|t| t.get(op)).transpose()?,
        bias_hh: bias_hh.map(|t| t.get(op)).transpose()?,
    })
}

/// The whole cell in one call: [h' [B,H], c' [B,H], gates [B,4H]] with
/// gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn lstm_step(
    x: TensorRef,
    h: TensorRef,
    c: TensorRef,
    weight_ih: TensorRef,
    weight_hh: TensorRef,
    bias_ih: Option<TensorRef>,
    bias_hh: Option<TensorRef>,
) -> Result<Vec<NewTensor>> {
    let operands = [&x, &h, &c, &weight_ih, &weight_hh];
    let cell = cell("lstmCell", operands, [bias_ih.as_ref(), bias_hh.as_ref()])?;
    let r = lstm::cell_forward(&cell).map_err(js_error)?;
    Ok(r.into_iter().map(NewTensor).collect())
}

/// Gradients of x, h, c, weightIh, weightHh and the bias (one tensor for both
/// biases) where `need` asks for them (else null), from the gradients of h' and
/// c' (either may be absent) and the saved gates.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn lstm_step_backward(
    x: TensorRef,
    h: TensorRef,
    c: TensorRef,
    weight_ih: TensorRef,
    weight_hh: TensorRef,
    dh: Option<TensorRef>,
    dc: Option<TensorRef>,
    gates: TensorRef,
    need: Vec<bool>,
) -> Result<Vec<Option<NewTensor>>> {
    let op = "lstmCellBackward";
    let need: [bool; 6] = need.try_into().map_err(|v: Vec<bool>| {
        napi::Error::from_reason(format!("{op}: need must hold 6 flags, got {}", v.len()))
    })?;
    let cell = cell(op, [&x, &h, &c, &weight_ih, &weight_hh], [None, None])?;
    let dh = dh.as_ref().map(|t| t.get(op)).transpose()?;
    let dc = dc.as_ref().map(|t| t.get(op)).transpose()?;
    let r = lstm::cell_backward(&cell, dh, dc, gates.get(op)?, need).map_err(js_error)?;
    Ok(r.into_iter().map(|t| t.map(NewTensor)).collect())
}
