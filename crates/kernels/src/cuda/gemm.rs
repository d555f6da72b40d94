//! Matrix products on the GPU through cuBLAS (strided batched SGEMM).
//! cuBLAS is column-major: a row-major C = op(A)·op(B) is computed as the
//! column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, which reads the same memory.

use cudarc::cublas::sys::cublasOperation_t as Op;
use cudarc::cublas::{Gemm, GemmConfig, StridedBatchedConfig};

use super::context::{driver_error, gpu};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::MatmulBackend;
use crate::desc::matmul::MatmulPlan;
use crate::{Result, Storage, Tensor};

fn matmul(
    a: &Tensor,
    b: &Tensor,
    trans_a: bool,
    trans_b: bool,
    p: MatmulPlan,
    out: Vec<usize>,
) -> Result<Tensor> {
    let op = "matmul";
    let g = gpu(op)?;
    let (sa, sb) = (f32_slice(op, a)?, f32_slice(op, b)?);
    let mut c = alloc::<f32>(op, &g, p.batch * p.m * p.n)?;
    if p.batch * p.m * p.n == 0 {
        return Ok(Tensor::cuda(Storage::CudaF32(c), out));
    }
    let flag = |t: bool| if t { Op::CUBLAS_OP_T } else { Op::CUBLAS_OP_N };
    let cfg = StridedBatchedConfig {
        gemm: GemmConfig {
            transa: flag(trans_b),
            transb: flag(trans_a),
            m: p.n as i32,
            n: p.m as i32,
            k: p.k as i32,
            alpha: 1.0f32,
            lda: (if trans_b { p.k } else { p.n }).max(1) as i32,
            ldb: (if trans_a { p.m } else { p.k }).max(1) as i32,
            beta: 0.0f32,
            ldc: p.n.max(1) as i32,
        },
        batch_size: p.batch as i32,
        stride_a: p.b_stride as i64,
        stride_b: p.a_stride as i64,
        stride_c: (p.m * p.n) as i64,
    };
    g.with_blas(op, |blas| {
        // SAFETY: buffer sizes follow from the plan checked in ops::matmul.
        unsafe { blas.gemm_strided_batched(cfg, sb, sa, &mut c) }.map_err(|e| driver_error(op, e))
    })?;
    Ok(Tensor::cuda(Storage::CudaF32(c), out))
}

impl MatmulBackend for Cuda {
    fn matmul(
        &self,
        a: &Tensor,
        b: &Tensor,
        trans_a: bool,
        trans_b: bool,
        plan: MatmulPlan,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        matmul(a, b, trans_a, trans_b, plan, out)
    }
}
