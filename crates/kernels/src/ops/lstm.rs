//! The fused pointwise LSTM cell (forward and backward); the GEMMs that make the
//! gate pre-activations are ordinary matmuls in the caller.

pub use crate::backend::Cell;

use super::dispatch::backend;
use crate::backend::CellDims;
use crate::error::fmt_shape;
use crate::{bail, Result, Tensor};

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
    backend(op, c.device())?.lstm_cell(gx, gh, bias, c, b, h)
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
    backend(op, c.device())?.lstm_cell_backward(dh, dcn, gates, c, b, h)
}

/// (batch, input, hidden) after checking every operand's shape, dtype and device.
fn cell_dims(op: &str, cell: &Cell) -> Result<CellDims> {
    let (x, c) = (cell.x, cell.c);
    if x.shape().len() != 2 || c.shape().len() != 2 {
        bail!(
            op,
            "x and c must be [batch, features], got x {} and c {}",
            fmt_shape(x.shape()),
            fmt_shape(c.shape())
        );
    }
    let (b, i, hd) = (x.shape()[0], x.shape()[1], c.shape()[1]);
    let want: [(&str, Option<&Tensor>, Vec<usize>); 6] = [
        ("x", Some(x), vec![b, i]),
        ("h", Some(cell.h), vec![b, hd]),
        ("c", Some(c), vec![b, hd]),
        ("weightIh", Some(cell.w_ih), vec![4 * hd, i]),
        ("weightHh", Some(cell.w_hh), vec![4 * hd, hd]),
        ("biasIh", cell.bias_ih, vec![4 * hd]),
    ];
    let bias_hh = [("biasHh", cell.bias_hh, vec![4 * hd])];
    for (name, t, shape) in want.into_iter().chain(bias_hh) {
        if let Some(t) = t {
            if t.shape() != shape.as_slice() {
                bail!(
                    op,
                    "{name} must be {} for x {} and c {}, got {}",
                    fmt_shape(&shape),
                    fmt_shape(x.shape()),
                    fmt_shape(c.shape()),
                    fmt_shape(t.shape())
                );
            }
            same_place(op, name, t, c)?;
        }
    }
    Ok(CellDims {
        batch: b,
        input: i,
        hidden: hd,
    })
}

/// The whole cell in one call: [h' [b,hd], c' [b,hd], gates [b,4hd]] with
/// gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh (order i, f, g, o).
pub fn cell_forward(cell: &Cell) -> Result<[Tensor; 3]> {
    let op = "lstmCell";
    let dims = cell_dims(op, cell)?;
    backend(op, cell.c.device())?.lstm_whole_cell(cell, dims)
}

/// The whole cell's backward from the gradients of h' and c' (None: zero) and
/// the saved gates. `need` flags x, h, c, weightIh, weightHh, bias; the result
/// holds their gradients in that order (the bias gradient serves both biases).
pub fn cell_backward(
    cell: &Cell,
    dh: Option<&Tensor>,
    dcn: Option<&Tensor>,
    gates: &Tensor,
    need: [bool; 6],
) -> Result<[Option<Tensor>; 6]> {
    let op = "lstmCellBackward";
    let dims = cell_dims(op, cell)?;
    let (b, hd) = (dims.batch, dims.hidden);
    if gates.shape() != [b, 4 * hd] {
        bail!(
            op,
            "gates must be [{b},{}], got {}",
            4 * hd,
            fmt_shape(gates.shape())
        );
    }
    same_place(op, "gates", gates, cell.c)?;
    for (name, t) in [("dh", dh), ("dc", dcn)] {
        if let Some(t) = t {
            if t.shape() != [b, hd] {
                bail!(
                    op,
                    "{name} must be [{b},{hd}], got {}",
                    fmt_shape(t.shape())
                );
            }
            same_place(op, name, t, cell.c)?;
        }
    }
    backend(op, cell.c.device())?.lstm_whole_cell_backward(cell, dims, dh, dcn, gates, need)
}
