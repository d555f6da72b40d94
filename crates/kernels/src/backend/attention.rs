//! Attention: DRAW's Gaussian filterbank (the math: `cpu/attention.rs`) and Show,
//! Attend and Tell's soft attention (the math: `cpu/soft_attend.rs`).

use crate::desc::attention::{FilterDims, FilterMode, Geometry, SoftDims};
use crate::{Result, Tensor};

/// The operands of one soft-attention call, checked by `ops::soft_attend`:
/// proj [B,L,A], h_proj [B,A], v [A], annotations [B,L,D], a scalar bias ([] or
/// [1]) and a mask [B,L] of 0s and 1s with a 1 in every row, all float32 on one
/// device. `keep_hidden`: return t = tanh(proj + hProj) for the backward (when no
/// gradient is wanted, t [B,L,A] is neither stored nor returned).
pub struct SoftAttend<'a> {
    pub proj: &'a Tensor,
    pub h_proj: &'a Tensor,
    pub v: &'a Tensor,
    pub annotations: &'a Tensor,
    pub bias: Option<&'a Tensor>,
    pub mask: Option<&'a Tensor>,
    pub keep_hidden: bool,
}

/// What soft attention's backward reads: v [A], annotations [B,L,D], and what the
/// forward saved, α [B,L] and the hidden layer t = tanh(proj + hProj) [B,L,A].
pub struct SoftAttendSaved<'a> {
    pub v: &'a Tensor,
    pub annotations: &'a Tensor,
    pub alpha: &'a Tensor,
    pub hidden: &'a Tensor,
}

/// One application of DRAW's filters, checked by `ops::attention_filter`: `m` is
/// the image [B,C,H,W] (read) or the patch [B,C,N,N] (write) (rank 3 when C = 1),
/// FX [B,N,W], FY [B,N,H], γ [B], all float32 on one device.
pub struct Filters<'a> {
    pub mode: FilterMode,
    pub m: &'a Tensor,
    pub fx: &'a Tensor,
    pub fy: &'a Tensor,
    pub gamma: &'a Tensor,
}

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

    /// (context [B,D], α [B,L], t = tanh(proj + hProj) [B,L,A] when kept).
    fn soft_attend(
        &self,
        x: &SoftAttend,
        dims: SoftDims,
    ) -> Result<(Tensor, Tensor, Option<Tensor>)>;

    /// Gradients of proj, hProj, v, annotations and the bias (shape [1]), each
    /// where `need` asks for it, from the gradients of context and α (absent: zero).
    fn soft_attend_backward(
        &self,
        saved: &SoftAttendSaved,
        dcontext: Option<&Tensor>,
        dalpha: Option<&Tensor>,
        dims: SoftDims,
        need: [bool; 5],
    ) -> Result<[Option<Tensor>; 5]>;

    /// read: γ·FY m FXᵀ [B,C,N,N]; write: (1/γ)·FYᵀ m FX [B,C,H,W] (the shape of `out`).
    fn attention_filter(&self, f: &Filters, dims: FilterDims, out: Vec<usize>) -> Result<Tensor>;

    /// Gradients of m, FX, FY and γ where `need` asks for them, from the output's gradient.
    fn attention_filter_backward(
        &self,
        f: &Filters,
        grad: &Tensor,
        dims: FilterDims,
        need: [bool; 4],
    ) -> Result<[Option<Tensor>; 4]>;
}
