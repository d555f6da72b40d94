//! Argument checks several ops share; each error names the op and the argument.

use crate::error::fmt_shape;
use crate::{bail, DType, Result, Tensor};

/// `t` holds float32 values (on any device).
pub fn float32(op: &str, arg: &str, t: &Tensor) -> Result<()> {
    if t.dtype() != DType::F32 {
        return Err(t.kind_error(op, arg, "a float32 tensor"));
    }
    Ok(())
}

/// `a` and `b` are on the same device.
pub fn same_device(op: &str, a: &Tensor, a_name: &str, b: &Tensor, b_name: &str) -> Result<()> {
    if a.device() != b.device() {
        bail!(
            op,
            "{a_name} on {} but {b_name} on {}",
            a.device().name(),
            b.device().name()
        );
    }
    Ok(())
}

/// `t` has exactly shape `want`.
pub fn shape(op: &str, arg: &str, t: &Tensor, want: &[usize]) -> Result<()> {
    if t.shape() != want {
        bail!(
            op,
            "{arg} has shape {}, expected {}",
            fmt_shape(t.shape()),
            fmt_shape(want)
        );
    }
    Ok(())
}
