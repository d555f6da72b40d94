//! CUDA backend on cudarc: libcuda, libnvrtc and libcublas are loaded at run time,
//! kernels are CUDA C compiled by NVRTC at first use and cached per process.
//! Nothing here may panic when the libraries or the GPU are missing: `gpu()`
//! answers with an error instead, and `available()` says whether to try.

pub mod attention;
pub mod attention_filter;
pub mod batchnorm;
pub mod context;
pub mod conv;
pub mod elementwise;
pub mod gemm;
pub mod layout;
pub mod losses;
pub mod lstm;
pub mod optim;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod scatter;
pub mod soft_attend;
pub mod softmax;
pub mod sources;
pub mod transfer;

/// The CUDA backend: every family's trait in `backend/`, implemented in this
/// folder's files (one per family) on cudarc.
pub struct Cuda;

pub use context::{available, device_name, gpu, Gpu};
pub use sources::{compile_all, nvrtc_available};
