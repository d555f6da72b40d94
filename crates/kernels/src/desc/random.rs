//! The distributions the counter-based generator draws from.

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    Uniform { low: f32, high: f32 },
    Normal { mean: f32, std: f32 },
    Bernoulli { p: f32 },
}
