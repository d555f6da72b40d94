//! Show, Attend and Tell's soft attention on the GPU (kernels/soft_attend.cu);
//! the math is in `cpu/soft_attend.rs`.

use cudarc::driver::{CudaSlice, LaunchConfig, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d, Gpu};
use super::elementwise::{alloc, f32_slice};
use crate::backend::{SoftAttend, SoftAttendSaved};
use crate::desc::attention::SoftDims;
use crate::{Result, Storage, Tensor};

const OP: &str = "softAttend";
const OP_BACKWARD: &str = "softAttendBackward";
const MODULE: &str = "soft_attend";

/// A given tensor's buffer and 1, or `fallback` and 0: an absent tensor's
/// pointer is never read (its has_* flag is 0).
fn or_flag<'a>(
    op: &str,
    t: Option<&'a Tensor>,
    fallback: &'a CudaSlice<f32>,
) -> Result<(&'a CudaSlice<f32>, i32)> {
    match t {
        Some(t) => Ok((f32_slice(op, t)?, 1)),
        None => Ok((fallback, 0)),
    }
}

/// One warp per row: `rows` warps of 32 threads, 8 warps a block.
fn warps(rows: usize) -> LaunchConfig {
    launch_1d(rows.saturating_mul(32))
}

/// One 256-thread block per row (fv_block_reduce's size).
fn blocks(rows: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (rows.clamp(1, 65_535) as u32, 1, 1),
        block_dim: (256, 1, 1),
        shared_mem_bytes: 0,
    }
}

fn zeros(op: &str, g: &Gpu, n: usize) -> Result<CudaSlice<f32>> {
    g.stream
        .alloc_zeros::<f32>(n.max(1))
        .map_err(|e| driver_error(op, e))
}

pub fn soft_attend(x: &SoftAttend, d: SoftDims) -> Result<(Tensor, Tensor, Option<Tensor>)> {
    let g = gpu(OP)?;
    let SoftDims {
        batch: b,
        locations: l,
        units: a,
        channels: c,
    } = d;
    let proj = f32_slice(OP, x.proj)?;
    let (hp, v, ann) = (
        f32_slice(OP, x.h_proj)?,
        f32_slice(OP, x.v)?,
        f32_slice(OP, x.annotations)?,
    );
    let (bias, has_bias) = or_flag(OP, x.bias, proj)?;
    let (mask, has_mask) = or_flag(OP, x.mask, proj)?;
    let mut t = alloc::<f32>(OP, &g, if x.keep_hidden { b * l * a } else { 1 })?;
    let has_t = x.keep_hidden as i32;
    let mut alpha = alloc::<f32>(OP, &g, b * l)?;
    let mut ctx = alloc::<f32>(OP, &g, b * c)?;
    let (b64, l64, a64, c64) = (b as u64, l as u64, a as u64, c as u64);
    let f = g.function(OP, MODULE, "softattend_scores_f32")?;
    let mut k = g.stream.launch_builder(&f);
    k.arg(proj)
        .arg(hp)
        .arg(v)
        .arg(bias)
        .arg(&has_bias)
        .arg(&mut t)
        .arg(&has_t)
        .arg(&mut alpha);
    k.arg(&b64).arg(&l64).arg(&a64);
    // SAFETY: argument types match soft_attend.cu; ops/ checked every shape against d.
    unsafe { k.launch(warps(b * l)) }.map_err(|e| driver_error(OP, e))?;
    let f = g.function(OP, MODULE, "softattend_softmax_f32")?;
    let mut k = g.stream.launch_builder(&f);
    k.arg(&mut alpha)
        .arg(mask)
        .arg(&has_mask)
        .arg(&b64)
        .arg(&l64);
    // SAFETY: as above.
    unsafe { k.launch(blocks(b)) }.map_err(|e| driver_error(OP, e))?;
    let f = g.function(OP, MODULE, "softattend_context_f32")?;
    let mut k = g.stream.launch_builder(&f);
    k.arg(&alpha)
        .arg(ann)
        .arg(&mut ctx)
        .arg(&b64)
        .arg(&l64)
        .arg(&c64);
    // SAFETY: as above.
    unsafe { k.launch(launch_1d(b * c)) }.map_err(|e| driver_error(OP, e))?;
    Ok((
        Tensor::cuda(Storage::CudaF32(ctx), vec![b, c]),
        Tensor::cuda(Storage::CudaF32(alpha), vec![b, l]),
        x.keep_hidden
            .then(|| Tensor::cuda(Storage::CudaF32(t), vec![b, l, a])),
    ))
}

pub fn soft_attend_backward(
    saved: &SoftAttendSaved,
    dcontext: Option<&Tensor>,
    dalpha: Option<&Tensor>,
    d: SoftDims,
    need: [bool; 5],
) -> Result<[Option<Tensor>; 5]> {
    let op = OP_BACKWARD;
    let g = gpu(op)?;
    let SoftDims {
        batch: b,
        locations: l,
        units: a,
        channels: c,
    } = d;
    let (v, ann) = (f32_slice(op, saved.v)?, f32_slice(op, saved.annotations)?);
    let (alpha, t) = (f32_slice(op, saved.alpha)?, f32_slice(op, saved.hidden)?);
    let (dctx, has_dctx) = or_flag(op, dcontext, alpha)?;
    let (dal, has_dalpha) = or_flag(op, dalpha, alpha)?;
    let (b64, l64, a64, c64) = (b as u64, l as u64, a as u64, c as u64);
    // da is written by the dα kernel when dctx is given, else it is all zeros.
    let want_da = need[3] && has_dctx == 1;
    let mut da = match (need[3], want_da) {
        (true, true) => alloc::<f32>(op, &g, b * l * c)?,
        (true, false) => zeros(op, &g, b * l * c)?,
        _ => alloc::<f32>(op, &g, 1)?,
    };
    let mut de = alloc::<f32>(op, &g, b * l)?;
    let f = g.function(op, MODULE, "softattend_dalpha_f32")?;
    let mut k = g.stream.launch_builder(&f);
    let has_da = want_da as i32;
    k.arg(dctx)
        .arg(&has_dctx)
        .arg(dal)
        .arg(&has_dalpha)
        .arg(ann)
        .arg(alpha)
        .arg(&mut de);
    k.arg(&mut da).arg(&has_da).arg(&b64).arg(&l64).arg(&c64);
    // SAFETY: argument types match soft_attend.cu; ops/ checked every shape against d.
    unsafe { k.launch(warps(b * l)) }.map_err(|e| driver_error(op, e))?;
    let mut db_rows = alloc::<f32>(op, &g, b)?;
    let f = g.function(op, MODULE, "softattend_de_f32")?;
    let mut k = g.stream.launch_builder(&f);
    k.arg(alpha)
        .arg(&mut de)
        .arg(&mut db_rows)
        .arg(&b64)
        .arg(&l64);
    // SAFETY: as above.
    unsafe { k.launch(blocks(b)) }.map_err(|e| driver_error(op, e))?;
    let mut dproj = alloc::<f32>(op, &g, if need[0] { b * l * a } else { 1 })?;
    let (mut dh, mut dv_rows) = (alloc::<f32>(op, &g, b * a)?, alloc::<f32>(op, &g, b * a)?);
    let f = g.function(op, MODULE, "softattend_tanh_back_f32")?;
    let mut k = g.stream.launch_builder(&f);
    let has_dproj = need[0] as i32;
    k.arg(&de)
        .arg(v)
        .arg(t)
        .arg(&mut dproj)
        .arg(&has_dproj)
        .arg(&mut dh)
        .arg(&mut dv_rows);
    k.arg(&b64).arg(&l64).arg(&a64);
    // SAFETY: as above.
    unsafe { k.launch(launch_1d(b * a)) }.map_err(|e| driver_error(op, e))?;
    let (mut dv, mut dbias) = (alloc::<f32>(op, &g, a)?, alloc::<f32>(op, &g, 1)?);
    let f = g.function(op, MODULE, "softattend_reduce_f32")?;
    let mut k = g.stream.launch_builder(&f);
    k.arg(&dv_rows)
        .arg(&db_rows)
        .arg(&mut dv)
        .arg(&mut dbias)
        .arg(&b64)
        .arg(&a64);
    // SAFETY: as above.
    unsafe { k.launch(launch_1d(a + 1)) }.map_err(|e| driver_error(op, e))?;
    let wrap = |s: CudaSlice<f32>, shape: Vec<usize>| Tensor::cuda(Storage::CudaF32(s), shape);
    Ok([
        need[0].then(|| wrap(dproj, vec![b, l, a])),
        need[1].then(|| wrap(dh, vec![b, a])),
        need[2].then(|| wrap(dv, vec![a])),
        need[3].then(|| wrap(da, vec![b, l, c])),
        need[4].then(|| wrap(dbias, vec![1])),
    ])
}
