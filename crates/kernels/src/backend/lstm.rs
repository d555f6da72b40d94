//! The fused pointwise LSTM cell; its GEMMs are ordinary matmuls.

use crate::{Result, Tensor};

/// The operands of a whole LSTM cell, checked by `ops::lstm`: x [b,i], h and c
/// [b,hd], w_ih [4hd,i], w_hh [4hd,hd], biases [4hd], all float32 on c's device.
pub struct Cell<'a> {
    pub x: &'a Tensor,
    pub h: &'a Tensor,
    pub c: &'a Tensor,
    pub w_ih: &'a Tensor,
    pub w_hh: &'a Tensor,
    pub bias_ih: Option<&'a Tensor>,
    pub bias_hh: Option<&'a Tensor>,
}

/// (batch, input, hidden) of a checked `Cell`.
#[derive(Clone, Copy, Debug)]
pub struct CellDims {
    pub batch: usize,
    pub input: usize,
    pub hidden: usize,
}

pub trait LstmBackend {
    /// [h' [b,h], c' [b,h], gates [b,4h]] from gx (+ gh) (+ bias) [b,4h] and c [b,h].
    fn lstm_cell(
        &self,
        gx: &Tensor,
        gh: Option<&Tensor>,
        bias: Option<&Tensor>,
        c: &Tensor,
        batch: usize,
        hidden: usize,
    ) -> Result<[Tensor; 3]>;

    /// [d pre-activations [b,4h], dc [b,h]]; an absent gradient counts as zero.
    fn lstm_cell_backward(
        &self,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        c: &Tensor,
        batch: usize,
        hidden: usize,
    ) -> Result<[Tensor; 2]>;

    /// The whole cell: [h' [b,hd], c' [b,hd], gates [b,4hd]] with
    /// gates = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh (order i, f, g, o).
    fn lstm_whole_cell(&self, cell: &Cell, dims: CellDims) -> Result<[Tensor; 3]>;

    /// The whole cell's backward; `need` flags x, h, c, weightIh, weightHh, bias
    /// and the result holds their gradients in that order (one bias gradient for both).
    fn lstm_whole_cell_backward(
        &self,
        cell: &Cell,
        dims: CellDims,
        dh: Option<&Tensor>,
        dc_next: Option<&Tensor>,
        gates: &Tensor,
        need: [bool; 6],
    ) -> Result<[Option<Tensor>; 6]>;
}
