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

/// Which way DRAW's filters are applied: read = γ·FY x FXᵀ (an H×W image to an
/// N×N glimpse), write = (1/γ)·FYᵀ w FX (an N×N patch to an H×W canvas).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterMode {
    Read,
    Write,
}

impl FilterMode {
    pub fn parse(op: &str, s: &str) -> crate::Result<FilterMode> {
        match s {
            "read" => Ok(FilterMode::Read),
            "write" => Ok(FilterMode::Write),
            _ => Err(crate::Error::new(
                op,
                format!("mode must be 'read' or 'write', got '{s}'"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FilterMode::Read => "attention.read",
            FilterMode::Write => "attention.write",
        }
    }

    /// The name its backward reports errors under.
    pub fn backward_name(self) -> &'static str {
        match self {
            FilterMode::Read => "attention.readBackward",
            FilterMode::Write => "attention.writeBackward",
        }
    }
}

/// The sizes of one filter application: `batch` examples of `channels` planes,
/// N filters per axis over an image `height` × `width`.
#[derive(Clone, Copy, Debug)]
pub struct FilterDims {
    pub batch: usize,
    pub channels: usize,
    pub n: usize,
    pub height: usize,
    pub width: usize,
}
