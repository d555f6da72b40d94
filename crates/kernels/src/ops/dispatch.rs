//! The one place `ops/` picks a backend: by the device the op's tensors are on.
//! The only `cfg(feature = "cuda")` in `ops/` is here.

use crate::backend::Backend;
use crate::cpu::Cpu;
use crate::{Device, Result};

/// The backend that runs `op` on `device`; without the `cuda` feature, asking
/// for CUDA is an error that names the op.
#[cfg_attr(feature = "cuda", allow(unused_variables))]
pub fn backend(op: &str, device: Device) -> Result<&'static dyn Backend> {
    match device {
        Device::Cpu => Ok(&Cpu),
        #[cfg(feature = "cuda")]
        Device::Cuda => Ok(&crate::cuda::Cuda),
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => crate::bail!(op, "this build of foveate has no CUDA support"),
    }
}
