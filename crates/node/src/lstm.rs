//! The fused pointwise LSTM cell, forward and backward.

use foveate_kernels::ops::lstm;
use napi::bindgen_prelude::ClassInstance;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NativeTensor};

/// [state [2,B,H] = [h'; c'], gates [B,4H]] from gate pre-activations gx (+ gh)
/// (+ bias) and c (gate order i, f, g, o).
#[napi(catch_unwind)]
pub fn lstm_cell(
    gx: &NativeTensor,
    gh: Option<ClassInstance<NativeTensor>>,
    bias: Option<ClassInstance<NativeTensor>>,
    c: &NativeTensor,
) -> Result<Vec<NativeTensor>> {
    let op = "lstmCell";
    let gh = gh.as_ref().map(|t| t.get(op)).transpose()?;
    let bias = bias.as_ref().map(|t| t.get(op)).transpose()?;
    let r = lstm::forward(gx.get(op)?, gh, bias, c.get(op)?).map_err(js_error)?;
    Ok(r.into_iter().map(NativeTensor::wrap).collect())
}

/// [d pre-activations [B,4H], dc [B,H]] from the state's gradient [2,B,H].
#[napi(catch_unwind)]
pub fn lstm_cell_backward(
    grad: &NativeTensor,
    gates: &NativeTensor,
    c: &NativeTensor,
    state: &NativeTensor,
) -> Result<Vec<NativeTensor>> {
    let op = "lstmCellBackward";
    let r = lstm::backward(grad.get(op)?, gates.get(op)?, c.get(op)?, state.get(op)?)
        .map_err(js_error)?;
    Ok(r.into_iter().map(NativeTensor::wrap).collect())
}
