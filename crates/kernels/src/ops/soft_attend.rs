//! Show, Attend and Tell's soft attention: argument checks, then the backend.
//! The math is documented in `cpu/soft_attend.rs`.

use super::check;
use super::dispatch::backend;
use crate::desc::attention::SoftDims;
use crate::error::fmt_shape;
use crate::{bail, Result, Tensor};

pub use crate::backend::{SoftAttend, SoftAttendSaved};

const OP: &str = "softAttend";
const OP_BACKWARD: &str = "softAttendBackward";

/// Each named tensor is float32 on `like`'s device.
fn same_place(op: &str, named: &[(&str, Option<&Tensor>)], like: (&str, &Tensor)) -> Result<()> {
    for &(name, t) in named {
        let Some(t) = t else { continue };
        check::float32(op, name, t)?;
        check::same_device(op, t, name, like.1, like.0)?;
    }
    Ok(())
}

/// `t` has exactly `want`, else `op: name must be [..] for proj [B,L,A] [..], got [..]`
/// (`lead` is proj in the forward, the saved t in the backward: both [B,L,A]).
fn shape_for(
    op: &str,
    name: &str,
    t: Option<&Tensor>,
    want: &[usize],
    (lead, lt): (&str, &Tensor),
) -> Result<()> {
    match t {
        Some(t) if t.shape() != want => bail!(
            op,
            "{name} must be {} for {lead} [B,L,A] {}, got {}",
            fmt_shape(want),
            fmt_shape(lt.shape()),
            fmt_shape(t.shape())
        ),
        _ => Ok(()),
    }
}

/// The sizes of a call, after checking every operand's shape, dtype and device.
fn dims(
    op: &str,
    (lead, proj): (&str, &Tensor),
    annotations: &Tensor,
    named: &[(&str, Option<&Tensor>)],
) -> Result<SoftDims> {
    if proj.shape().len() != 3 {
        bail!(
            op,
            "{lead} must be [B,L,A], got {}",
            fmt_shape(proj.shape())
        );
    }
    if annotations.shape().len() != 3 {
        bail!(
            op,
            "annotations must be [B,L,D], got {}",
            fmt_shape(annotations.shape())
        );
    }
    let (p, a) = (proj.shape(), annotations.shape());
    for (axis, i) in [("B", 0), ("L", 1)] {
        if p[i] != a[i] {
            bail!(
                op,
                "{lead} [B,L,A] and annotations [B,L,D] disagree on {axis}, got {} vs {}",
                fmt_shape(p),
                fmt_shape(a)
            );
        }
    }
    let dims = SoftDims {
        batch: p[0],
        locations: p[1],
        units: p[2],
        channels: a[2],
    };
    for (axis, n) in [("B", p[0]), ("L", p[1]), ("A", p[2]), ("D", a[2])] {
        if n < 1 {
            bail!(
                op,
                "{axis} must be at least 1, got {lead} {} and annotations {}",
                fmt_shape(p),
                fmt_shape(a)
            );
        }
    }
    same_place(op, named, (lead, proj))?;
    Ok(dims)
}

/// The mask holds only 0s and 1s with a 1 in every row. Its values cross to the
/// host for this on CUDA too: [B,L] is small next to the [B,L,A] the op reads,
/// and an all-masked row would otherwise be a silent 0/0.
fn check_mask(mask: &Tensor, d: SoftDims) -> Result<()> {
    let copied;
    let m = match mask.cpu_f32_data(OP, "mask") {
        Ok(m) => m,
        Err(_) => {
            copied = mask.to_f32_vec()?;
            &copied[..]
        }
    };
    let (b, l) = (d.batch, d.locations);
    for (row, values) in m.chunks(l).enumerate() {
        if let Some((j, x)) = values
            .iter()
            .enumerate()
            .find(|(_, &x)| x != 0.0 && x != 1.0)
        {
            bail!(
                OP,
                "mask must hold 0 or 1, got {x} at [{row},{j}] of [{b},{l}]"
            );
        }
        if values.iter().all(|&x| x == 0.0) {
            bail!(
                OP,
                "mask row {row} of [{b},{l}] masks every location; at least one must be 1"
            );
        }
    }
    Ok(())
}

/// (context [B,D], α [B,L], t = tanh(proj + hProj) [B,L,A] when `x.keep_hidden`:
/// the backward reads it).
pub fn forward(x: &SoftAttend) -> Result<(Tensor, Tensor, Option<Tensor>)> {
    let named = [
        ("proj", Some(x.proj)),
        ("hProj", Some(x.h_proj)),
        ("v", Some(x.v)),
        ("annotations", Some(x.annotations)),
        ("bias", x.bias),
        ("mask", x.mask),
    ];
    let lead = ("proj", x.proj);
    let d = dims(OP, lead, x.annotations, &named)?;
    let (b, l, a) = (d.batch, d.locations, d.units);
    shape_for(OP, "hProj", Some(x.h_proj), &[b, a], lead)?;
    shape_for(OP, "v", Some(x.v), &[a], lead)?;
    shape_for(OP, "mask", x.mask, &[b, l], lead)?;
    if let Some(bias) = x.bias {
        if bias.numel() != 1 || bias.shape().len() > 1 {
            bail!(
                OP,
                "bias must be a scalar tensor ([] or [1]), got {}",
                fmt_shape(bias.shape())
            );
        }
    }
    if let Some(mask) = x.mask {
        check_mask(mask, d)?;
    }
    crate::memory::check_alloc(OP, &[b, l, a], 4)?;
    backend(OP, x.proj.device())?.soft_attend(x, d)
}

/// Gradients of proj [B,L,A], hProj [B,A], v [A], annotations [B,L,D] and the
/// bias ([1]) where `need` asks (else None), from the gradients of context [B,D]
/// and α [B,L] (absent: zero) and what the forward saved.
pub fn backward(
    saved: &SoftAttendSaved,
    dcontext: Option<&Tensor>,
    dalpha: Option<&Tensor>,
    need: [bool; 5],
) -> Result<[Option<Tensor>; 5]> {
    let named = [
        ("t", Some(saved.hidden)),
        ("v", Some(saved.v)),
        ("annotations", Some(saved.annotations)),
        ("alpha", Some(saved.alpha)),
        ("dcontext", dcontext),
        ("dalpha", dalpha),
    ];
    // The saved t [B,L,A] stands in for proj: it has proj's shape.
    let lead = ("t", saved.hidden);
    let d = dims(OP_BACKWARD, lead, saved.annotations, &named)?;
    let (b, l, a, c) = (d.batch, d.locations, d.units, d.channels);
    shape_for(OP_BACKWARD, "v", Some(saved.v), &[a], lead)?;
    shape_for(OP_BACKWARD, "alpha", Some(saved.alpha), &[b, l], lead)?;
    shape_for(OP_BACKWARD, "dcontext", dcontext, &[b, c], lead)?;
    shape_for(OP_BACKWARD, "dalpha", dalpha, &[b, l], lead)?;
    backend(OP_BACKWARD, saved.hidden.device())?
        .soft_attend_backward(saved, dcontext, dalpha, d, need)
}
