//! DRAW's Gaussian attention filterbank: forward (FX, FY, γ) and its backward;
//! DRAW's read and write with given filters, forward and backward;
//! Show, Attend and Tell's soft attention, forward and backward.
//! Pure conversion: `ops::attention` checks the sizes and the tensors.

use foveate_kernels::desc::attention::FilterMode;
use foveate_kernels::ops::{attention, attention_filter, soft_attend};
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

/// Show, Attend and Tell's soft attention: [context [B,D], α [B,L]] and, when
/// `keep_hidden`, t = tanh(proj + hProj) [B,L,A] for the backward; from proj
/// [B,L,A], hProj [B,A], v [A], annotations [B,L,D], an optional scalar bias and
/// an optional mask [B,L] of 0s and 1s.
#[napi(catch_unwind)]
pub fn soft_attend(
    proj: TensorRef,
    h_proj: TensorRef,
    v: TensorRef,
    annotations: TensorRef,
    bias: Option<TensorRef>,
    mask: Option<TensorRef>,
    keep_hidden: bool,
) -> Result<Vec<NewTensor>> {
    let op = "softAttend";
    let x = soft_attend::SoftAttend {
        proj: proj.get(op)?,
        h_proj: h_proj.get(op)?,
        v: v.get(op)?,
        annotations: annotations.get(op)?,
        bias: live(op, bias.as_ref())?,
        mask: live(op, mask.as_ref())?,
        keep_hidden,
    };
    let (context, alpha, t) = soft_attend::forward(&x).map_err(js_error)?;
    Ok([Some(context), Some(alpha), t]
        .into_iter()
        .flatten()
        .map(NewTensor)
        .collect())
}

/// Gradients of proj, hProj, v, annotations and the bias ([1]) where `need` asks
/// (else null), from the gradients of context and α (either may be absent) and
/// what the forward saved (α and t).
#[napi(catch_unwind)]
pub fn soft_attend_backward(
    v: TensorRef,
    annotations: TensorRef,
    alpha: TensorRef,
    hidden: TensorRef,
    d_context: Option<TensorRef>,
    d_alpha: Option<TensorRef>,
    need: Vec<bool>,
) -> Result<Vec<Option<NewTensor>>> {
    let op = "softAttendBackward";
    let need: [bool; 5] = need.try_into().map_err(|v: Vec<bool>| {
        napi::Error::from_reason(format!("{op}: need must hold 5 flags, got {}", v.len()))
    })?;
    let saved = soft_attend::SoftAttendSaved {
        v: v.get(op)?,
        annotations: annotations.get(op)?,
        alpha: alpha.get(op)?,
        hidden: hidden.get(op)?,
    };
    let r = soft_attend::backward(
        &saved,
        live(op, d_context.as_ref())?,
        live(op, d_alpha.as_ref())?,
        need,
    )
    .map_err(js_error)?;
    Ok(r.into_iter().map(|t| t.map(NewTensor)).collect())
}

/// The operands of `attention_filter(_backward)`, unwrapped.
fn filters<'a>(
    op: &str,
    mode: &str,
    (m, fx, fy, gamma): (&'a TensorRef, &'a TensorRef, &'a TensorRef, &'a TensorRef),
) -> Result<attention_filter::Filters<'a>> {
    Ok(attention_filter::Filters {
        mode: FilterMode::parse(op, mode).map_err(js_error)?,
        m: m.get(op)?,
        fx: fx.get(op)?,
        fy: fy.get(op)?,
        gamma: gamma.get(op)?,
    })
}

/// DRAW's read (mode 'read': γ·FY m FXᵀ, m the image [B,(C,)H,W]) or write
/// ('write': (1/γ)·FYᵀ m FX, m the patch [B,(C,)N,N]) with filters FX [B,N,W],
/// FY [B,N,H] and γ [B].
#[napi(catch_unwind)]
pub fn attention_filter(
    mode: String,
    m: TensorRef,
    fx: TensorRef,
    fy: TensorRef,
    gamma: TensorRef,
) -> Result<NewTensor> {
    let op = "attention.filter";
    let f = filters(op, &mode, (&m, &fx, &fy, &gamma))?;
    attention_filter::forward(&f)
        .map(NewTensor)
        .map_err(js_error)
}

/// Gradients of m, FX, FY and γ where `need` asks (else null), from the
/// gradient of `attention_filter`'s output.
#[napi(catch_unwind)]
pub fn attention_filter_backward(
    mode: String,
    m: TensorRef,
    fx: TensorRef,
    fy: TensorRef,
    gamma: TensorRef,
    grad: TensorRef,
    need: Vec<bool>,
) -> Result<Vec<Option<NewTensor>>> {
    let op = "attention.filterBackward";
    let need: [bool; 4] = need.try_into().map_err(|v: Vec<bool>| {
        napi::Error::from_reason(format!("{op}: need must hold 4 flags, got {}", v.len()))
    })?;
    let f = filters(op, &mode, (&m, &fx, &fy, &gamma))?;
    let r = attention_filter::backward(&f, grad.get(op)?, need).map_err(js_error)?;
    Ok(r.into_iter().map(|t| t.map(NewTensor)).collect())
}
