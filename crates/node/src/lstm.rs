//! The fused pointwise LSTM cell, forward and backward.

use foveate_kernels::ops::lstm;
use napi::bindgen_prelude::ClassInstance;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NativeTensor};

/// [h' [B,H], c' [B,H], gates [B,4H]] from gate pre-activations gx (+ gh)
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

/// [d pre-activations [B,4H], dc [B,H]] from the gradients of h' and c' [B,H]
/// (either may be absent: zero), the saved gates and c.
#[napi(catch_unwind)]
pub fn lstm_cell_backward(
    dh: Option<ClassInstance<NativeTensor>>,
    dc: Option<ClassInstance<NativeTensor>>,
    gates: &NativeTensor,
    c: &NativeTensor,
) -> Result<Vec<NativeTensor>> {
    let op = "lstmCellBackward";
    let dh = dh.as_ref().map(|t| t.get(op)).transpose()?;
    let dc = dc.as_ref().map(|t| t.get(op)).transpose()?;
    let r = lstm::backward(dh, dc, gates.get(op)?, c.get(op)?).map_err(js_error)?;
    Ok(r.into_iter().map(NativeTensor::wrap).collect())
}
