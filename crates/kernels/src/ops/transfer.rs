//! Copies between devices and to host vectors: methods on `Tensor`, kept here
//! rather than in `tensor.rs` because they go through a backend.

use super::dispatch::backend;
use crate::error::fmt_shape;
use crate::{bail, DType, Device, Error, Result, Storage, Tensor};

impl Tensor {
    /// A copy on `device` (a copy even when the device is the same).
    pub fn to_device(&self, device: Device) -> Result<Tensor> {
        // A copy that touches a GPU is CUDA's, whichever side the GPU is on.
        let side = if self.device() == Device::Cuda {
            Device::Cuda
        } else {
            device
        };
        backend("to", side)?.to_device(self, device)
    }

    /// Overwrites this tensor's values with `src`'s (same shape and dtype; any
    /// device): how checkpoints load into parameters an optimiser already holds.
    pub fn assign(&mut self, src: &Tensor) -> Result<()> {
        if src.shape() != self.shape() || src.dtype() != self.dtype() {
            bail!(
                "assign",
                "src {} {} does not match the destination {} {}",
                src.dtype().name(),
                fmt_shape(src.shape()),
                self.dtype().name(),
                fmt_shape(self.shape())
            );
        }
        let mut moved = src.to_device(self.device())?;
        self.swap_storage(&mut moved);
        Ok(())
    }

    /// The values as f32 on the host (int32 tensors are converted).
    pub fn to_f32_vec(&self) -> Result<Vec<f32>> {
        match self.storage() {
            Storage::CpuF32(v) => Ok(v.clone()),
            Storage::CpuI32(v) => Ok(v.iter().map(|&x| x as f32).collect()),
            // Only reachable with the `cuda` feature: the rest is on the GPU.
            #[allow(unreachable_patterns)]
            _ => self.to_device(Device::Cpu)?.to_f32_vec(),
        }
    }

    /// The values as i32 on the host; only for int32 tensors.
    pub fn to_i32_vec(&self) -> Result<Vec<i32>> {
        match self.storage() {
            Storage::CpuI32(v) => Ok(v.clone()),
            _ if self.dtype() == DType::I32 => self.to_device(Device::Cpu)?.to_i32_vec(),
            _ => Err(Error::new(
                "toInt32Array",
                format!("tensor is {}, expected int32", self.dtype().name()),
            )),
        }
    }
}
