//! (Batched) matrix products; either operand may be read transposed.

use crate::desc::matmul::MatmulPlan;
use crate::{Result, Tensor};

pub trait MatmulBackend {
    /// a·b as planned, shaped `out`.
    fn matmul(
        &self,
        a: &Tensor,
        b: &Tensor,
        trans_a: bool,
        trans_b: bool,
        plan: MatmulPlan,
        out: Vec<usize>,
    ) -> Result<Tensor>;
}
