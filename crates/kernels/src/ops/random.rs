//! Seeded random tensors. The caller owns the stream position (`offset`) and
//! advances it by the element count, so draws are reproducible and resumable.

use super::dispatch::backend;
pub use crate::desc::random::Distribution;
use crate::shape::check_rank;
use crate::{bail, Device, Result, Tensor};

pub fn parse(op: &str, name: &str, a: f32, b: f32) -> Result<Distribution> {
    match name {
        "uniform" if a.is_finite() && b.is_finite() && a <= b => {
            Ok(Distribution::Uniform { low: a, high: b })
        }
        "normal" if a.is_finite() && b.is_finite() && b >= 0.0 => {
            Ok(Distribution::Normal { mean: a, std: b })
        }
        "bernoulli" if (0.0..=1.0).contains(&a) => Ok(Distribution::Bernoulli { p: a }),
        "uniform" | "normal" | "bernoulli" => bail!(
            op,
            "invalid parameters ({a}, {b}) for the {name} distribution"
        ),
        _ => bail!(
            op,
            "unknown distribution '{name}', expected uniform, normal or bernoulli"
        ),
    }
}

pub fn random(
    dist: Distribution,
    shape: Vec<usize>,
    seed: u64,
    offset: u64,
    device: Device,
) -> Result<Tensor> {
    check_rank("random", &shape)?;
    crate::memory::check_alloc("random", &shape, 4)?;
    backend("random", device)?.random(dist, seed, offset, shape)
}
