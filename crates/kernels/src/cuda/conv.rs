//! conv2d on the GPU: im2col/col2im kernels (kernels/conv.cu) and cuBLAS strided
//! batched SGEMM. Samples go in chunks whose column buffer stays under
//! `COL_BUDGET` floats; within a chunk, one batched product per group runs over
//! the chunk's samples (or one per sample over the groups, whichever is fewer).

use cudarc::cublas::sys::cublasOperation_t as Op;
use cudarc::cublas::{Gemm, GemmConfig, StridedBatchedConfig};
use cudarc::driver::{CudaSlice, DeviceRepr, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d, Gpu};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::{ConvBackend, ReduceBackend};
use crate::desc::conv::{Conv2dGeom, ConvActivation};
use crate::desc::reduce::ReduceOp;
use crate::{Result, Storage, Tensor};

/// Largest column buffer, in floats (256 MiB).
const COL_BUDGET: usize = 1 << 26;

/// Mirrors `FvConv` in conv.cu.
#[repr(C)]
#[derive(Clone, Copy)]
struct ConvInfo([u64; 16]);

// SAFETY: plain-old-data with the C layout the kernels expect.
unsafe impl DeviceRepr for ConvInfo {}

impl ConvInfo {
    fn new(g: &Conv2dGeom) -> ConvInfo {
        let v = [
            g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.ho, g.wo, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw,
            g.groups,
        ];
        ConvInfo(v.map(|x| x as u64))
    }
}

/// Samples per chunk: as many as fit the column budget (at least one).
fn chunk(g: &Conv2dGeom) -> usize {
    let per = (g.c * g.kh * g.kw * g.ho * g.wo).max(1);
    (COL_BUDGET / per).clamp(1, g.n.max(1))
}

/// Row-major C = op(A)·op(B) + beta·C for each of `batch` matrices, at element
/// offsets and strides (0: shared) into the buffers.
#[derive(Clone, Copy)]
struct Product {
    m: usize,
    n: usize,
    k: usize,
    ta: bool,
    tb: bool,
    a: (usize, usize),
    b: (usize, usize),
    c: (usize, usize),
    batch: usize,
    beta: f32,
}

fn product(
    op: &str,
    gpu: &Gpu,
    p: Product,
    a: &CudaSlice<f32>,
    b: &CudaSlice<f32>,
    c: &mut CudaSlice<f32>,
) -> Result<()> {
    if p.m * p.n * p.batch == 0 {
        return Ok(());
    }
    let flag = |t: bool| if t { Op::CUBLAS_OP_T } else { Op::CUBLAS_OP_N };
    // Column-major Cᵀ = op(B)ᵀ·op(A)ᵀ reads the same memory as row-major C.
    let cfg = StridedBatchedConfig {
        gemm: GemmConfig {
            transa: flag(p.tb),
            transb: flag(p.ta),
            m: p.n as i32,
            n: p.m as i32,
            k: p.k as i32,
            alpha: 1.0f32,
            lda: (if p.tb { p.k } else { p.n }).max(1) as i32,
            ldb: (if p.ta { p.m } else { p.k }).max(1) as i32,
            beta: p.beta,
            ldc: p.n.max(1) as i32,
        },
        batch_size: p.batch as i32,
        stride_a: p.b.1 as i64,
        stride_b: p.a.1 as i64,
        stride_c: p.c.1 as i64,
    };
    let (va, vb) = (a.slice(p.a.0..), b.slice(p.b.0..));
    let mut vc = c.slice_mut(p.c.0..);
    gpu.with_blas(op, |blas| {
        // SAFETY: callers size every buffer for `batch` matrices at these offsets and strides.
        unsafe { blas.gemm_strided_batched(cfg, &vb, &va, &mut vc) }
            .map_err(|e| driver_error(op, e))
    })
}

/// Runs `p` once per group, or once per sample, batching over the other.
/// `group_step`/`sample_step` are (a, b, c) offsets between groups / samples.
#[allow(clippy::too_many_arguments)]
fn per_group(
    op: &str,
    gpu: &Gpu,
    p: Product,
    groups: usize,
    samples: usize,
    group_step: (usize, usize, usize),
    sample_step: (usize, usize, usize),
    bufs: (&CudaSlice<f32>, &CudaSlice<f32>, &mut CudaSlice<f32>),
) -> Result<()> {
    let (a, b, c) = bufs;
    let (outer, inner, o_step, i_step) = if groups <= samples {
        (groups, samples, group_step, sample_step)
    } else {
        (samples, groups, sample_step, group_step)
    };
    for i in 0..outer {
        let q = Product {
            a: (p.a.0 + i * o_step.0, i_step.0),
            b: (p.b.0 + i * o_step.1, i_step.1),
            c: (p.c.0 + i * o_step.2, i_step.2),
            batch: inner,
            ..p
        };
        product(op, gpu, q, a, b, c)?;
    }
    Ok(())
}

/// Launches `$name` from conv.cu over `$n` threads with the given arguments.
macro_rules! launch {
    ($op:expr, $gpu:expr, $name:expr, $n:expr, $($arg:expr),+) => {
        if $n > 0 {
            let f = $gpu.function($op, "conv", $name)?;
            let mut l = $gpu.stream.launch_builder(&f);
            $( l.arg($arg); )+
            // SAFETY: each call site passes the arguments of `$name`'s signature in conv.cu.
            unsafe { l.launch(launch_1d($n)) }.map_err(|e| driver_error($op, e))?;
        }
    };
}

/// Fills `col` with im2col of samples first..first+count of x.
fn im2col(
    op: &str,
    gpu: &Gpu,
    x: &CudaSlice<f32>,
    g: &Conv2dGeom,
    first: usize,
    count: usize,
    col: &mut CudaSlice<f32>,
) -> Result<()> {
    let info = ConvInfo::new(g);
    let xs = x.slice(first * g.c * g.h * g.w..);
    let c64 = count as u64;
    let n = count * g.c * g.kh * g.kw * g.ho * g.wo;
    launch!(op, gpu, "cim2col_f32", n, &xs, col, &c64, &info);
    Ok(())
}

fn forward(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    g: &Conv2dGeom,
    act: Option<ConvActivation>,
) -> Result<Tensor> {
    let op = "conv2d";
    let gpu = gpu(op)?;
    let (xs, ws) = (f32_slice(op, x)?, f32_slice(op, w)?);
    let (howo, k, og) = (g.ho * g.wo, g.col_rows(), g.o / g.groups);
    let mut out = alloc::<f32>(op, &gpu, g.n * g.o * howo)?;
    let step = chunk(g);
    let mut col = if g.is_pointwise() {
        None
    } else {
        Some(alloc::<f32>(op, &gpu, step * g.groups * k * howo)?)
    };
    for first in (0..g.n).step_by(step) {
        let count = step.min(g.n - first);
        let p = Product {
            m: og,
            n: howo,
            k,
            ta: false,
            tb: false,
            a: (0, 0),
            b: (0, 0),
            c: (first * g.o * howo, 0),
            batch: 0,
            beta: 0.0,
        };
        let (b_src, p) = match col.as_mut() {
            Some(col) => {
                im2col(op, &gpu, xs, g, first, count, col)?;
                (&*col, p)
            }
            None => (
                xs,
                Product {
                    b: (first * g.c * howo, 0),
                    ..p
                },
            ),
        };
        let group_step = (og * k, k * howo, og * howo);
        let sample_step = (0, g.c * g.kh * g.kw * howo, g.o * howo);
        per_group(
            op,
            &gpu,
            p,
            g.groups,
            count,
            group_step,
            sample_step,
            (ws, b_src, &mut out),
        )?;
    }
    if let Some(b) = bias {
        let bs = f32_slice(op, b)?;
        let (total, o64, hw64) = ((g.n * g.o * howo) as u64, g.o as u64, howo as u64);
        launch!(
            op,
            gpu,
            "cbias_f32",
            g.n * g.o * howo,
            &mut out,
            bs,
            &total,
            &o64,
            &hw64
        );
    }
    if let Some(act) = act {
        let ((lo, hi), total) = (act.bounds(), (g.n * g.o * howo) as u64);
        launch!(
            op,
            gpu,
            "cclamp_f32",
            g.n * g.o * howo,
            &mut out,
            &total,
            &lo,
            &hi
        );
    }
    Ok(Tensor::cuda(Storage::CudaF32(out), g.out_shape()))
}

fn backward_input(dy: &Tensor, w: &Tensor, g: &Conv2dGeom) -> Result<Tensor> {
    let op = "conv2dBackwardInput";
    let gpu = gpu(op)?;
    let (dys, ws) = (f32_slice(op, dy)?, f32_slice(op, w)?);
    let (howo, k, og) = (g.ho * g.wo, g.col_rows(), g.o / g.groups);
    let chw = g.c * g.h * g.w;
    let mut dx = alloc::<f32>(op, &gpu, g.n * chw)?;
    let group_step = (og * k, og * howo, k * howo);
    if g.is_pointwise() {
        let p = Product {
            m: k,
            n: howo,
            k: og,
            ta: true,
            tb: false,
            a: (0, 0),
            b: (0, 0),
            c: (0, 0),
            batch: 0,
            beta: 0.0,
        };
        let sample_step = (0, g.o * howo, chw);
        return per_group(
            op,
            &gpu,
            p,
            g.groups,
            g.n,
            group_step,
            sample_step,
            (ws, dys, &mut dx),
        )
        .map(|_| Tensor::cuda(Storage::CudaF32(dx), g.x_shape()));
    }
    let step = chunk(g);
    let mut col = alloc::<f32>(op, &gpu, step * g.groups * k * howo)?;
    let info = ConvInfo::new(g);
    for first in (0..g.n).step_by(step) {
        let count = step.min(g.n - first);
        let p = Product {
            m: k,
            n: howo,
            k: og,
            ta: true,
            tb: false,
            a: (0, 0),
            b: (first * g.o * howo, 0),
            c: (0, 0),
            batch: 0,
            beta: 0.0,
        };
        let sample_step = (0, g.o * howo, g.groups * k * howo);
        per_group(
            op,
            &gpu,
            p,
            g.groups,
            count,
            group_step,
            sample_step,
            (ws, dys, &mut col),
        )?;
        let c64 = count as u64;
        let mut dxs = dx.slice_mut(first * chw..);
        launch!(
            op,
            gpu,
            "ccol2im_f32",
            count * chw,
            &col,
            &mut dxs,
            &c64,
            &info
        );
    }
    Ok(Tensor::cuda(Storage::CudaF32(dx), g.x_shape()))
}

fn backward_weight(dy: &Tensor, x: &Tensor, g: &Conv2dGeom) -> Result<Tensor> {
    let op = "conv2dBackwardWeight";
    let gpu = gpu(op)?;
    let (dys, xs) = (f32_slice(op, dy)?, f32_slice(op, x)?);
    let (howo, k, og) = (g.ho * g.wo, g.col_rows(), g.o / g.groups);
    let mut dw = gpu
        .stream
        .alloc_zeros::<f32>((g.o * k).max(1))
        .map_err(|e| driver_error(op, e))?;
    let step = chunk(g);
    let mut col = if g.is_pointwise() {
        None
    } else {
        Some(alloc::<f32>(op, &gpu, step * g.groups * k * howo)?)
    };
    for first in (0..g.n).step_by(step) {
        let count = step.min(g.n - first);
        let (b_src, b_off) = match col.as_mut() {
            Some(col) => {
                im2col(op, &gpu, xs, g, first, count, col)?;
                (&*col, 0)
            }
            None => (xs, first * g.c * howo),
        };
        // dW_g += dy_{s,g} · col_{s,g}ᵀ, one sample after another (beta = 1), batched over groups.
        for s in 0..count {
            let p = Product {
                m: og,
                n: k,
                k: howo,
                ta: false,
                tb: true,
                a: ((first + s) * g.o * howo, og * howo),
                b: (b_off + s * g.c * g.kh * g.kw * howo, k * howo),
                c: (0, og * k),
                batch: g.groups,
                beta: 1.0,
            };
            product(op, &gpu, p, dys, b_src, &mut dw)?;
        }
    }
    Ok(Tensor::cuda(Storage::CudaF32(dw), g.weight_shape()))
}

impl ConvBackend for Cuda {
    fn conv2d(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: Option<&Tensor>,
        geo: &Conv2dGeom,
        act: Option<ConvActivation>,
    ) -> Result<Tensor> {
        forward(x, weight, bias, geo, act)
    }

    fn conv2d_backward_input(
        &self,
        grad: &Tensor,
        weight: &Tensor,
        geo: &Conv2dGeom,
    ) -> Result<Tensor> {
        backward_input(grad, weight, geo)
    }

    fn conv2d_backward_weight(
        &self,
        grad: &Tensor,
        x: &Tensor,
        geo: &Conv2dGeom,
    ) -> Result<Tensor> {
        backward_weight(grad, x, geo)
    }

    /// Sums over Wo, then Ho, then N (the order `ops::reduce` takes for axes 0, 2, 3).
    fn conv2d_backward_bias(&self, grad: &Tensor) -> Result<Tensor> {
        let s = grad.shape();
        let (n, o, ho, wo) = (s[0], s[1], s[2], s[3]);
        let rows = self.reduce_axis(ReduceOp::Sum, grad, n * o * ho, wo, 1)?;
        let planes = self.reduce_axis(ReduceOp::Sum, &rows, n * o, ho, 1)?;
        self.reduce_axis(ReduceOp::Sum, &planes, 1, n, o)
    }
}
