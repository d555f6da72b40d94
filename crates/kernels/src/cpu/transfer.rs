//! Copies that stay in host memory (every copy to or from a GPU is CUDA's).

use super::Cpu;
use crate::backend::TransferBackend;
use crate::{bail, Device, Result, Storage, Tensor};

impl TransferBackend for Cpu {
    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor> {
        let shape = x.shape().to_vec();
        match (x.storage(), device) {
            (Storage::CpuF32(v), Device::Cpu) => Ok(Tensor::cpu_f32(v.clone(), shape)),
            (Storage::CpuI32(v), Device::Cpu) => Ok(Tensor::cpu_i32(v.clone(), shape)),
            _ => bail!(
                "to",
                "the cpu backend cannot copy from {} to {}",
                x.device().name(),
                device.name()
            ),
        }
    }
}
