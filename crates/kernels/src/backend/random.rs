//! Seeded counter-based random tensors: the same stream on every device.

use crate::desc::random::Distribution;
use crate::{Result, Tensor};

pub trait RandomBackend {
    /// `shape` samples of `dist`; element i uses counter `offset + i` under `seed`.
    fn random(
        &self,
        dist: Distribution,
        seed: u64,
        offset: u64,
        shape: Vec<usize>,
    ) -> Result<Tensor>;
}
