//! DRAW's Gaussian attention filterbank: argument checks, then the backend.
//! The math and its conventions are documented in `cpu/attention.rs`.

use super::check;
use super::dispatch::backend;
use crate::desc::attention::Geometry;
use crate::error::fmt_shape;
use crate::{bail, DType, Device, Result, Tensor};

const OP: &str = "attention.filterbank";
const OP_BACKWARD: &str = "attention.filterbankBackward";

/// Checks params is float32 [batch,5], the sizes are ≥ 1 and, when `finite`,
/// that every value is finite.
fn check_params(
    op: &str,
    params: &Tensor,
    (n, width, height): (usize, usize, usize),
    finite: bool,
) -> Result<Geometry> {
    for (name, size) in [("N", n), ("width", width), ("height", height)] {
        if size < 1 {
            bail!(op, "{name} must be at least 1, got {size}");
        }
    }
    if params.shape().len() != 2 || params.shape()[1] != 5 {
        bail!(
            op,
            "params must be [batch,5] (g̃X, g̃Y, log σ², log δ̃, log γ), got {}",
            fmt_shape(params.shape())
        );
    }
    let geo = Geometry {
        batch: params.shape()[0],
        n,
        width,
        height,
    };
    if params.dtype() != DType::F32 {
        return Err(params.kind_error(op, "params", "a float32 tensor"));
    }
    if !finite {
        return Ok(geo);
    }
    // The values cross to the host for this check on CUDA too: [batch,5] is tiny,
    // and a NaN here would otherwise spread silently through every glimpse.
    let values = params.to_f32_vec()?;
    if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        bail!(
            op,
            "params must be finite, got {v} at [{},{}] of {}",
            i / 5,
            i % 5,
            fmt_shape(params.shape())
        );
    }
    Ok(geo)
}

/// (FX [batch,N,width], FY [batch,N,height], γ [batch]) from raw params [batch,5].
pub fn filterbank(
    params: &Tensor,
    n: usize,
    width: usize,
    height: usize,
) -> Result<(Tensor, Tensor, Tensor)> {
    let geo = check_params(OP, params, (n, width, height), true)?;
    // FX [batch,N,width] and FY [batch,N,height] are made together: refuse
    // their sum before any work, so a huge width or height cannot run away.
    let side = width.saturating_add(height);
    crate::memory::check_alloc(OP, &[geo.batch, n, side], 4)?;
    backend(OP, params.device())?.filterbank(params, &geo)
}

/// Checks an optional upstream gradient's shape, dtype and device.
fn check_grad(arg: &str, grad: Option<&Tensor>, shape: &[usize], device: Device) -> Result<()> {
    let Some(g) = grad else { return Ok(()) };
    if g.shape() != shape {
        bail!(
            OP_BACKWARD,
            "{arg} must be {}, got {}",
            fmt_shape(shape),
            fmt_shape(g.shape())
        );
    }
    if g.device() != device {
        bail!(
            OP_BACKWARD,
            "{arg} on {} but params on {}",
            g.device().name(),
            device.name()
        );
    }
    check::float32(OP_BACKWARD, arg, g)
}

/// d params [batch,5] given the gradients of FX, FY and γ (an absent one counts as zero).
pub fn filterbank_backward(
    params: &Tensor,
    dfx: Option<&Tensor>,
    dfy: Option<&Tensor>,
    dgamma: Option<&Tensor>,
    n: usize,
    width: usize,
    height: usize,
) -> Result<Tensor> {
    // The forward already refused non-finite params; checking again would cost a
    // device-to-host copy per backward on CUDA.
    let geo = check_params(OP_BACKWARD, params, (n, width, height), false)?;
    let dev = params.device();
    check_grad("dFx", dfx, &[geo.batch, n, width], dev)?;
    check_grad("dFy", dfy, &[geo.batch, n, height], dev)?;
    check_grad("dgamma", dgamma, &[geo.batch], dev)?;
    backend(OP_BACKWARD, dev)?.filterbank_backward(params, dfx, dfy, dgamma, &geo)
}
