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
