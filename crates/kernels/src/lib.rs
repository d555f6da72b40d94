//! foveate's kernels: pure Rust math, no Node.js.
//!
//! `Tensor` owns a contiguous row-major buffer on a device (CPU, or CUDA with the
//! `cuda` feature). Every op lives in `ops/` as a device dispatch over the CPU
//! kernels in `cpu/` and the CUDA kernels in `cuda/`; ops validate their arguments
//! and return `Error`s, they never panic on bad input.

pub mod backend;
pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod desc;
pub mod error;
pub mod large_pages;
pub mod math;
pub mod memory;
pub mod ops;
pub mod shape;
pub mod tensor;

pub use desc::Device;
pub use error::{Error, Result};
pub use tensor::{DType, Storage, Tensor};
