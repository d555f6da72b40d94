//! The fused pointwise LSTM cell (forward and backward); the GEMMs that make the
//! gate pre-activations are ordinary matmuls in the caller.

use crate::error::fmt_shape;
use crate::{bail, cpu, Result, Storage, Tensor};

fn same_place(op: &str, name: &str, t: &Tensor, like: &Tensor) -> Result<()> {
    if t.device() != like.device() {
        bail!(
            op,
            "{name} on {} but c on {}",
            t.device().name(),
            like.device().name()
        );
    }
    if t.dtype() != crate::DType::F32 {
        return Err(t.kind_error(op, name, "a float32 tensor"));
    }
    Ok(())
}

/// (b, h) from c [b, h], after checking gx (and gh) [b, 4h] and bias [4h].
fn dims(
    op: &str,
    gx: &Tensor,
    gh: Option<&Tensor>,
    bias: Option<&Tensor>,
    c: &Tensor,
) -> Result<(usize, usize)> {
    if c.shape().len() != 2 {
        bail!(
            op,
            "c must be [batch, hidden], got {}",
            fmt_shape(c.shape())
        );
    }
    let (b, h) = (c.shape()[0], c.shape()[1]);
    for (name, t) in [("gx", Some(gx)), ("gh", gh)] {
        if let Some(t) = t {
            if t.shape() != [b, 4 * h] {
                bail!(
                    op,
                    "{name} must be [{b},{}] (4·hidden gates for c {}), got {}",
                    4 * h,
                    fmt_shape(c.shape()),
                    fmt_shape(t.shape())
                );
            }
            same_place(op, name, t, c)?;
        }
    }
    if let Some(t) = bias {
        if t.shape() != [4 * h] {
            bail!(op, "bias must be [{}], got {}", 4 * h, fmt_shape(t.shape()));
        }
        same_place(op, "bias", t, c)?;
    }
    same_place(op, "c", c, c)?;
    Ok((b, h))
}

/// [h' [b,h], c' [b,h], gates [b,4h]] from pre-activations gx (+ gh) (+ bias) and c.
pub fn forward(
    gx: &Tensor,
    gh: Option<&Tensor>,
    bias: Option<&Tensor>,
    c: &Tensor,
) -> Result<[Tensor; 3]> {
    let op = "lstmCell";
    let (b, h) = dims(op, gx, gh, bias, c)?;
    match c.storage() {
        Storage::CpuF32(cv) => {
            let gh = gh.map(|t| t.cpu_f32_data(op, "gh")).transpose()?;
            let bias = bias.map(|t| t.cpu_f32_data(op, "bias")).transpose()?;
            let (hs, cs, gates) =
                cpu::lstm::forward(gx.cpu_f32_data(op, "gx")?, gh, bias, cv, b, h);
            Ok([
                Tensor::cpu_f32(hs, vec![b, h]),
                Tensor::cpu_f32(cs, vec![b, h]),
                Tensor::cpu_f32(gates, vec![b, 4 * h]),
            ])
        }
        #[cfg(feature = "cuda")]
        Storage::CudaF32(_) => crate::cuda::lstm::forward(gx, gh, bias, c, b, h),
        _ => Err(c.kind_error(op, "c", "a float32 tensor")),
    }
}

/// [d pre-activations [b,4h], dc [b,h]] from the gradients of h' and c' (None:
/// zero) and what the forward saved: the gates and c.
pub fn backward(
    dh: Option<&Tensor>,
    dcn: Option<&Tensor>,
    gates: &Tensor,
    c: &Tensor,
) -> Result<[Tensor; 2]> {
    let op = "lstmCellBackward";
    let (b, h) = dims(op, gates, None, None, c)?;
    for (name, t) in [("dh", dh), ("dc", dcn)] {
        if let Some(t) = t {
            if t.shape() != [b, h] {
                bail!(op, "{name} must be [{b},{h}], got {}", fmt_shape(t.shape()));
            }
            same_place(op, name, t, c)?;
        }
    }
    match c.storage() {
        Storage::CpuF32(cv) => {
            let dh = dh.map(|t| t.cpu_f32_data(op, "dh")).transpose()?;
            let dcn = dcn.map(|t| t.cpu_f32_data(op, "dc")).transpose()?;
            let (dgates, dc) =
                cpu::lstm::backward(dh, dcn, gates.cpu_f32_data(op, "gates")?, cv, b, h);
            Ok([
                Tensor::cpu_f32(dgates, vec![b, 4 * h]),
                Tensor::cpu_f32(dc, vec![b, h]),
            ])
        }
        #[cfg(feature = "cuda")]
        Storage::CudaF32(_) => crate::cuda::lstm::backward(dh, dcn, gates, c, b, h),
        _ => Err(c.kind_error(op, "c", "a float32 tensor")),
    }
}
