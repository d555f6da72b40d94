//! foveate's kernels: pure Rust math, no Node.js.
//!
//! `Tensor` owns a contiguous row-major buffer on a device (CPU, or CUDA with the
//! `cuda` feature). Layers, each importing only those below it:
//! - `desc/`: op descriptors (geometries, parameters, op tables) and `Device`;
//! - `backend/`: one trait per op family, implemented by `cpu::Cpu` (`cpu/`) and
//!   `cuda::Cuda` (`cuda/`), which never import `ops/` or each other;
//! - `ops/`: every op validates its arguments once, then calls the backend of its
//!   tensors' device; errors are returned, never panics.
//!
//! `node scripts/check-rust-cycles.mjs` checks these rules.

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
