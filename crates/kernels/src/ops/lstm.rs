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

/// The operands of a whole LSTM cell, checked: x [b,i], h and c [b,hd],
/// w_ih [4hd,i], w_hh [4hd,hd], biases [4hd], all float32 on c's device.
pub struct Cell<'a> {
    pub x: &'a Tensor,
    pub h: &'a Tensor,
    pub c: &'a Tensor,
    pub w_ih: &'a Tensor,
    pub w_hh: &'a Tensor,
    pub bias_ih: Option<&'a Tensor>,
    pub bias_hh: Option<&'a Tensor>,
}

impl Cell<'_> {
    /// (batch, input, hidden) after checking every operand's shape, dtype and device.
    fn dims(&self, op: &str) -> Result<(usize, usize, usize)> {
        let (x, c) = (self.x, self.c);
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
            ("h", Some(self.h), vec![b, hd]),
            ("c", Some(c), vec![b, hd]),
            ("weightIh", Some(self.w_ih), vec![4 * hd, i]),
            ("weightHh", Some(self.w_hh), vec![4 * hd, hd]),
            ("biasIh", self.bias_ih, vec![4 * hd]),
        ];
        let bias_hh = [("biasHh", self.bias_hh, vec![4 * hd])];
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
        Ok((b, i, hd))
    }
}

/// The whole cell in one call: [h' [b,hd], c' [b,hd], gates [b,4hd]] with
/// gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh (order i, f, g, o).
pub fn cell_forward(cell: &Cell) -> Result<[Tensor; 3]> {
    let op = "lstmCell";
    let (b, i, hd) = cell.dims(op)?;
    let summed;
    let bias = match (cell.bias_ih, cell.bias_hh) {
        (Some(a), Some(b)) => {
            summed = super::binary::binary(super::binary::BinaryOp::Add, a, b)?;
            Some(&summed)
        }
        (one, None) | (None, one) => one,
    };
    fn data<'t>(t: &'t Tensor, name: &str) -> Result<&'t [f32]> {
        t.cpu_f32_data("lstmCell", name)
    }
    match cell.c.storage() {
        Storage::CpuF32(cv) => {
            let bias = bias.map(|t| data(t, "bias")).transpose()?;
            let (hs, cs, gates) = cpu::lstm::cell_forward(
                data(cell.x, "x")?,
                data(cell.h, "h")?,
                cv,
                data(cell.w_ih, "weightIh")?,
                data(cell.w_hh, "weightHh")?,
                bias,
                b,
                i,
                hd,
            );
            Ok([
                Tensor::cpu_f32(hs, vec![b, hd]),
                Tensor::cpu_f32(cs, vec![b, hd]),
                Tensor::cpu_f32(gates, vec![b, 4 * hd]),
            ])
        }
        _ => {
            // Other devices: the same steps from the device's own GEMM and pointwise kernels.
            let gx = super::matmul::matmul(cell.x, cell.w_ih, false, true)?;
            let gh = super::matmul::matmul(cell.h, cell.w_hh, false, true)?;
            forward(&gx, Some(&gh), bias, cell.c)
        }
    }
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
    let (b, i, hd) = cell.dims(op)?;
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
    fn data<'t>(t: &'t Tensor, name: &str) -> Result<&'t [f32]> {
        t.cpu_f32_data("lstmCellBackward", name)
    }
    match cell.c.storage() {
        Storage::CpuF32(cv) => {
            let grads = cpu::lstm::cell_backward(
                dh.map(|t| data(t, "dh")).transpose()?,
                dcn.map(|t| data(t, "dc")).transpose()?,
                data(gates, "gates")?,
                cv,
                data(cell.x, "x")?,
                data(cell.h, "h")?,
                data(cell.w_ih, "weightIh")?,
                data(cell.w_hh, "weightHh")?,
                b,
                i,
                hd,
                need,
            );
            let shapes = [
                vec![b, i],
                vec![b, hd],
                vec![b, hd],
                vec![4 * hd, i],
                vec![4 * hd, hd],
                vec![4 * hd],
            ];
            let mut out: [Option<Tensor>; 6] = Default::default();
            for ((slot, g), shape) in out.iter_mut().zip(grads).zip(shapes) {
                *slot = g.map(|v| Tensor::cpu_f32(v, shape));
            }
            Ok(out)
        }
        _ => {
            let [dg, dc] = backward(dh, dcn, gates, cell.c)?;
            let mm = |wanted: bool, a: &Tensor, b: &Tensor, ta: bool| {
                wanted
                    .then(|| super::matmul::matmul(a, b, ta, false))
                    .transpose()
            };
            let db = need[5]
                .then(|| super::reduce::reduce("sum", &dg, &[0], false))
                .transpose()?;
            Ok([
                mm(need[0], &dg, cell.w_ih, false)?,
                mm(need[1], &dg, cell.w_hh, false)?,
                need[2].then_some(dc),
                mm(need[3], &dg, cell.x, true)?,
                mm(need[4], &dg, cell.h, true)?,
                db,
            ])
        }
    }
}
