//! The fused pointwise LSTM cell on the GPU (kernels/lstm.cu): one thread per cell.

use cudarc::driver::{CudaSlice, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::alloc;
use super::Cuda;
use crate::backend::{BinaryBackend, Cell, CellDims, LstmBackend, MatmulBackend, ReduceBackend};
use crate::desc::binary::BinaryOp;
use crate::desc::matmul::plan;
use crate::desc::reduce::ReduceOp;
use crate::{Result, Storage, Tensor};

fn slice<'a>(op: &str, name: &str, t: &'a Tensor) -> Result<&'a CudaSlice<f32>> {
    match t.storage() {
        Storage::CudaF32(s) => Ok(s),
        _ => Err(t.kind_error(op, name, "a float32 tensor on cuda")),
    }
}

fn forward(
    gx: &Tensor,
    gh: Option<&Tensor>,
    bias: Option<&Tensor>,
    c: &Tensor,
    b: usize,
    h: usize,
) -> Result<[Tensor; 3]> {
    let op = "lstmCell";
    let g = gpu(op)?;
    let (xs, cs) = (slice(op, "gx", gx)?, slice(op, "c", c)?);
    // Absent operands are passed as gx and flagged off; the kernel does not read them.
    let hs = gh.map(|t| slice(op, "gh", t)).transpose()?.unwrap_or(xs);
    let bs = bias
        .map(|t| slice(op, "bias", t))
        .transpose()?
        .unwrap_or(xs);
    let mut hn = alloc::<f32>(op, &g, b * h)?;
    let mut cn = alloc::<f32>(op, &g, b * h)?;
    let mut gates = alloc::<f32>(op, &g, 4 * b * h)?;
    if b * h > 0 {
        let f = g.function(op, "lstm", "lstm_forward_f32")?;
        let (b64, h64) = (b as u64, h as u64);
        let (has_gh, has_bias) = (gh.is_some() as i32, bias.is_some() as i32);
        let mut l = g.stream.launch_builder(&f);
        l.arg(xs)
            .arg(hs)
            .arg(bs)
            .arg(cs)
            .arg(&mut hn)
            .arg(&mut cn)
            .arg(&mut gates)
            .arg(&b64)
            .arg(&h64)
            .arg(&has_gh)
            .arg(&has_bias);
        // SAFETY: argument types match the kernel's signature in lstm.cu.
        unsafe { l.launch(launch_1d(b * h)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok([
        Tensor::cuda(Storage::CudaF32(hn), vec![b, h]),
        Tensor::cuda(Storage::CudaF32(cn), vec![b, h]),
        Tensor::cuda(Storage::CudaF32(gates), vec![b, 4 * h]),
    ])
}

fn backward(
    dh: Option<&Tensor>,
    dcn: Option<&Tensor>,
    gates: &Tensor,
    c: &Tensor,
    b: usize,
    h: usize,
) -> Result<[Tensor; 2]> {
    let op = "lstmCellBackward";
    let g = gpu(op)?;
    let (gt, cs) = (slice(op, "gates", gates)?, slice(op, "c", c)?);
    // Absent gradients are passed as gates and flagged off; the kernel does not read them.
    let dhs = dh.map(|t| slice(op, "dh", t)).transpose()?.unwrap_or(gt);
    let dcs = dcn.map(|t| slice(op, "dc", t)).transpose()?.unwrap_or(gt);
    let mut dgates = alloc::<f32>(op, &g, 4 * b * h)?;
    let mut dc = alloc::<f32>(op, &g, b * h)?;
    if b * h > 0 {
        let f = g.function(op, "lstm", "lstm_backward_f32")?;
        let (b64, h64) = (b as u64, h as u64);
        let (has_dh, has_dc) = (dh.is_some() as i32, dcn.is_some() as i32);
        let mut l = g.stream.launch_builder(&f);
        l.arg(dhs)
            .arg(dcs)
            .arg(gt)
            .arg(cs)
            .arg(&mut dgates)
            .arg(&mut dc)
            .arg(&b64)
            .arg(&h64)
            .arg(&has_dh)
            .arg(&has_dc);
        // SAFETY: argument types match the kernel's signature in lstm.cu.
        unsafe { l.launch(launch_1d(b * h)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok([
        Tensor::cuda(Storage::CudaF32(dgates), vec![b, 4 * h]),
        Tensor::cuda(Storage::CudaF32(dc), vec![b, h]),
    ])
}

impl LstmBackend for Cuda {
    fn lstm_cell(
        &self,
        gx: &Tensor,
        gh: Option<&Tensor>,
        bias: Option<&Tensor>,
        c: &Tensor,
        batch: usize,
        hidden: usize,
    ) -> Result<[Tensor; 3]> {
        forward(gx, gh, bias, c, batch, hidden)
    }

    fn lstm_cell_backward(
        &self,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        c: &Tensor,
        batch: usize,
        hidden: usize,
    ) -> Result<[Tensor; 2]> {
        backward(dh, dc_next, gates, c, batch, hidden)
    }

    /// Composed from cuBLAS GEMMs and the fused pointwise kernel.
    fn lstm_whole_cell(&self, cell: &Cell, d: CellDims) -> Result<[Tensor; 3]> {
        let summed;
        let bias = match (cell.bias_ih, cell.bias_hh) {
            (Some(a), Some(b)) => {
                summed = self.binary(BinaryOp::Add, a, b, vec![4 * d.hidden])?;
                Some(&summed)
            }
            (one, None) | (None, one) => one,
        };
        let gx = matmul_2d(cell.x, cell.w_ih, false, true)?;
        let gh = matmul_2d(cell.h, cell.w_hh, false, true)?;
        forward(&gx, Some(&gh), bias, cell.c, d.batch, d.hidden)
    }

    fn lstm_whole_cell_backward(
        &self,
        cell: &Cell,
        d: CellDims,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        need: [bool; 6],
    ) -> Result<[Option<Tensor>; 6]> {
        let [dg, dc] = backward(dh, dc_next, gates, cell.c, d.batch, d.hidden)?;
        let mm = |wanted: bool, a: &Tensor, b: &Tensor, ta: bool| {
            wanted.then(|| matmul_2d(a, b, ta, false)).transpose()
        };
        let db = need[5]
            .then(|| self.reduce_axis(ReduceOp::Sum, &dg, 1, d.batch, 4 * d.hidden))
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

/// a·b of two checked matrices on the GPU.
fn matmul_2d(a: &Tensor, b: &Tensor, trans_a: bool, trans_b: bool) -> Result<Tensor> {
    let p = plan(a.shape(), b.shape(), trans_a, trans_b)?;
    Cuda.matmul(a, b, trans_a, trans_b, p, vec![p.m, p.n])
}
