//! Matrix products: a [m,k] or [batch,m,k] times b [k,n] or [batch,n,k]; either
//! operand may be read transposed, so backward passes need no transpose copies.

use super::check;
use super::dispatch::backend;
pub use crate::desc::matmul::{plan, MatmulPlan};
use crate::{bail, Result, Tensor};

pub fn matmul(a: &Tensor, b: &Tensor, trans_a: bool, trans_b: bool) -> Result<Tensor> {
    if a.device() != b.device() {
        bail!(
            "matmul",
            "tensors on different devices, a on {} vs b on {}",
            a.device().name(),
            b.device().name()
        );
    }
    let p = plan(a.shape(), b.shape(), trans_a, trans_b)?;
    let out = if a.shape().len() == 3 || b.shape().len() == 3 {
        vec![p.batch, p.m, p.n]
    } else {
        vec![p.m, p.n]
    };
    crate::memory::check_alloc("matmul", &out, 4)?;
    check::float32("matmul", "a", a)?;
    check::float32("matmul", "b", b)?;
    backend("matmul", a.device())?.matmul(a, b, trans_a, trans_b, p, out)
}
