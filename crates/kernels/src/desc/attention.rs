//! The sizes of one call of DRAW's attention filterbank.

/// The sizes of one filterbank call: `batch` examples, N filters per axis, an
/// image `width` (A) by `height` (B).
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    pub batch: usize,
    pub n: usize,
    pub width: usize,
    pub height: usize,
}

/// The sizes of one soft-attention call (Show, Attend and Tell): `batch` images
/// (B), `locations` annotation vectors each (L), `units` in the attention MLP
/// (A) and `channels` per annotation (D).
#[derive(Clone, Copy, Debug)]
pub struct SoftDims {
    pub batch: usize,
    pub locations: usize,
    pub units: usize,
    pub channels: usize,
}
