//! DRAW's read and write with given filters (PAPERS.md §1): read = γ·FY x FXᵀ,
//! write = (1/γ)·FYᵀ w FX, per channel with the same filters; argument checks,
//! then the backend. The math is in `cpu/attention_filter.rs`.

use super::check;
use super::dispatch::backend;
use crate::desc::attention::{FilterDims, FilterMode};
use crate::error::fmt_shape;
use crate::{bail, Result, Tensor};

pub use crate::backend::Filters;

/// The sizes of a call and the output's shape, after checking every operand.
fn dims(op: &str, f: &Filters) -> Result<(FilterDims, Vec<usize>)> {
    for (name, t) in [("m", f.m), ("Fx", f.fx), ("Fy", f.fy), ("gamma", f.gamma)] {
        check::float32(op, name, t)?;
        check::same_device(op, t, name, f.fx, "Fx")?;
    }
    let (fx, fy) = (f.fx.shape(), f.fy.shape());
    if fx.len() != 3 || fy.len() != 3 || fx[0] != fy[0] || fx[1] != fy[1] {
        bail!(
            op,
            "Fx must be [batch,N,W] and Fy [batch,N,H] with the same batch and N, got Fx {} and Fy {}",
            fmt_shape(fx),
            fmt_shape(fy)
        );
    }
    let (batch, n, width, height) = (fx[0], fx[1], fx[2], fy[2]);
    if n == 0 || width == 0 || height == 0 {
        bail!(
            op,
            "N, W and H must be at least 1, got Fx {} and Fy {}",
            fmt_shape(fx),
            fmt_shape(fy)
        );
    }
    check::shape(op, "gamma", f.gamma, &[batch])?;
    let m = f.m.shape();
    let (side, what) = match f.mode {
        FilterMode::Read => ([height, width], "image"),
        FilterMode::Write => ([n, n], "patch"),
    };
    let ok = (m.len() == 3 || m.len() == 4) && m[0] == batch && m[m.len() - 2..] == side;
    if !ok {
        bail!(
            op,
            "m must be the {what} [{batch},{},{}] or [{batch},C,{},{}] for Fx {} and Fy {}, got {}",
            side[0],
            side[1],
            side[0],
            side[1],
            fmt_shape(fx),
            fmt_shape(fy),
            fmt_shape(m)
        );
    }
    let channels = if m.len() == 4 { m[1] } else { 1 };
    let out_side = match f.mode {
        FilterMode::Read => [n, n],
        FilterMode::Write => [height, width],
    };
    let mut out = m[..m.len() - 2].to_vec();
    out.extend(out_side);
    crate::memory::check_alloc(op, &out, 4)?;
    let d = FilterDims {
        batch,
        channels,
        n,
        height,
        width,
    };
    Ok((d, out))
}

/// read: γ·FY m FXᵀ per channel, [B,(C,)N,N]; write: (1/γ)·FYᵀ m FX, [B,(C,)H,W].
pub fn forward(f: &Filters) -> Result<Tensor> {
    let op = f.mode.name();
    let (d, out) = dims(op, f)?;
    backend(op, f.fx.device())?.attention_filter(f, d, out)
}

/// Gradients of m, FX, FY and γ (where `need` asks) from the output's gradient.
pub fn backward(f: &Filters, grad: &Tensor, need: [bool; 4]) -> Result<[Option<Tensor>; 4]> {
    let op = f.mode.backward_name();
    let (d, out) = dims(op, f)?;
    check::float32(op, "grad", grad)?;
    check::same_device(op, grad, "grad", f.fx, "Fx")?;
    check::shape(op, "grad", grad, &out)?;
    backend(op, f.fx.device())?.attention_filter_backward(f, grad, d, need)
}
