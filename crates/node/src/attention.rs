//! DRAW's Gaussian attention filterbank: forward (FX, FY, γ) and its backward.
//! Pure conversion: `ops::attention` checks the sizes and the tensors.

use foveate_kernels::ops::attention;
use napi::Result;
use napi_derive::napi;

use crate::tensor::{js_error, NewTensor, TensorRef};

/// [FX [batch,N,width], FY [batch,N,height], γ [batch]] from params [batch,5].
#[napi(catch_unwind)]
pub fn attention_filterbank(
    params: TensorRef,
    n: u32,
    width: u32,
    height: u32,
) -> Result<Vec<NewTensor>> {
    let op = "attention.filterbank";
    let (fx, fy, gamma) =
        attention::filterbank(params.get(op)?, n as usize, width as usize, height as usize)
            .map_err(js_error)?;
    Ok(vec![NewTensor(fx), NewTensor(fy), NewTensor(gamma)])
}

fn live<'a>(op: &str, t: Option<&'a TensorRef>) -> Result<Option<&'a foveate_kernels::Tensor>> {
    t.map(|t| t.get(op)).transpose()
}

/// d params [batch,5] from the gradients of FX, FY and γ (absent ones are zero).
#[napi(catch_unwind)]
pub fn attention_filterbank_backward(
    params: TensorRef,
    d_fx: Option<TensorRef>,
    d_fy: Option<TensorRef>,
    d_gamma: Option<TensorRef>,
    n: u32,
    width: u32,
    height: u32,
) -> Result<NewTensor> {
    let op = "attention.filterbankBackward";
    attention::filterbank_backward(
        params.get(op)?,
        live(op, d_fx.as_ref())?,
        live(op, d_fy.as_ref())?,
        live(op, d_gamma.as_ref())?,
        n as usize,
        width as usize,
        height as usize,
    )
    .map(NewTensor)
    .map_err(js_error)
}
