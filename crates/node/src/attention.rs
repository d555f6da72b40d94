//! DRAW's Gaussian attention filterbank: forward (FX, FY, γ) and its backward.
//! Pure conversion: `ops::attention` checks the sizes and the tensors.

use foveate_kernels::ops::attention;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NativeTensor};

/// [FX [batch,N,width], FY [batch,N,height], γ [batch]] from params [batch,5].
#[napi(catch_unwind)]
pub fn attention_filterbank(
    params: &NativeTensor,
    n: u32,
    width: u32,
    height: u32,
) -> Result<Vec<NativeTensor>> {
    let op = "attention.filterbank";
    let (fx, fy, gamma) =
        attention::filterbank(params.get(op)?, n as usize, width as usize, height as usize)
            .map_err(js_error)?;
    Ok(vec![
        NativeTensor::wrap(fx),
        NativeTensor::wrap(fy),
        NativeTensor::wrap(gamma),
    ])
}

fn live<'a>(op: &str, t: Option<&'a NativeTensor>) -> Result<Option<&'a foveate_kernels::Tensor>> {
    t.map(|t| t.get(op)).transpose()
}

/// d params [batch,5] from the gradients of FX, FY and γ (absent ones are zero).
#[napi(catch_unwind)]
pub fn attention_filterbank_backward(
    params: &NativeTensor,
    d_fx: Option<&NativeTensor>,
    d_fy: Option<&NativeTensor>,
    d_gamma: Option<&NativeTensor>,
    n: u32,
    width: u32,
    height: u32,
) -> Result<NativeTensor> {
    let op = "attention.filterbankBackward";
    attention::filterbank_backward(
        params.get(op)?,
        live(op, d_fx)?,
        live(op, d_fy)?,
        live(op, d_gamma)?,
        n as usize,
        width as usize,
        height as usize,
    )
    .map(NativeTensor::wrap)
    .map_err(js_error)
}
