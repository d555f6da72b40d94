//! DRAW's Gaussian attention filterbank (the math: `cpu/attention.rs`).

use crate::desc::attention::Geometry;
use crate::{Result, Tensor};

pub trait AttentionBackend {
    /// (FX [batch,N,width], FY [batch,N,height], γ [batch]) from params [batch,5].
    fn filterbank(&self, params: &Tensor, geo: &Geometry) -> Result<(Tensor, Tensor, Tensor)>;

    /// d params [batch,5]; an absent upstream gradient counts as zero.
    fn filterbank_backward(
        &self,
        params: &Tensor,
        dfx: Option<&Tensor>,
        dfy: Option<&Tensor>,
        dgamma: Option<&Tensor>,
        geo: &Geometry,
    ) -> Result<Tensor>;
}
