//! The CPU matmul: one batched call into our GEMM (`gemm.rs`) on every thread.

use super::gemm::sgemm_batched;
use super::{threads, Cpu};
use crate::backend::MatmulBackend;
use crate::desc::matmul::MatmulPlan;
use crate::{Result, Tensor};

impl MatmulBackend for Cpu {
    fn matmul(
        &self,
        a: &Tensor,
        b: &Tensor,
        trans_a: bool,
        trans_b: bool,
        p: MatmulPlan,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        let (x, y) = (
            a.cpu_f32_data("matmul", "a")?,
            b.cpu_f32_data("matmul", "b")?,
        );
        let mut c = crate::memory::try_zeroed::<f32>("matmul", &out)?;
        sgemm_batched(
            threads(),
            p.batch,
            p.m,
            p.n,
            p.k,
            x,
            p.a_stride,
            trans_a,
            y,
            p.b_stride,
            trans_b,
            &mut c,
            p.m * p.n,
        );
        Ok(Tensor::cpu_f32(c, out))
    }
}
