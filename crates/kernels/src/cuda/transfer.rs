//! Copies between host and GPU memory.

use super::context::{driver_error, gpu};
use super::Cuda;
use crate::backend::TransferBackend;
use crate::{Device, Result, Storage, Tensor};

fn to_device(x: &Tensor, device: Device) -> Result<Tensor> {
    let op = "to";
    let shape = x.shape().to_vec();
    let n = x.numel();
    let g = gpu(op)?;
    let s = &g.stream;
    let err = |e| driver_error(op, e);
    let pad = |n: usize| n.max(1);
    Ok(match (x.storage(), device) {
        (Storage::CpuF32(v), Device::Cuda) => {
            let mut host = v.clone();
            host.resize(pad(n), 0.0);
            Tensor::cuda(Storage::CudaF32(s.clone_htod(&host).map_err(err)?), shape)
        }
        (Storage::CpuI32(v), Device::Cuda) => {
            let mut host = v.clone();
            host.resize(pad(n), 0);
            Tensor::cuda(Storage::CudaI32(s.clone_htod(&host).map_err(err)?), shape)
        }
        (Storage::CudaF32(d), Device::Cuda) => {
            Tensor::cuda(Storage::CudaF32(s.clone_dtod(d).map_err(err)?), shape)
        }
        (Storage::CudaI32(d), Device::Cuda) => {
            Tensor::cuda(Storage::CudaI32(s.clone_dtod(d).map_err(err)?), shape)
        }
        (Storage::CudaF32(d), Device::Cpu) => {
            let mut host = s.clone_dtoh(d).map_err(err)?;
            host.truncate(n);
            Tensor::cpu_f32(host, shape)
        }
        (Storage::CudaI32(d), Device::Cpu) => {
            let mut host = s.clone_dtoh(d).map_err(err)?;
            host.truncate(n);
            Tensor::cpu_i32(host, shape)
        }
        (Storage::CpuF32(v), Device::Cpu) => Tensor::cpu_f32(v.clone(), shape),
        (Storage::CpuI32(v), Device::Cpu) => Tensor::cpu_i32(v.clone(), shape),
    })
}

impl TransferBackend for Cuda {
    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor> {
        to_device(x, device)
    }
}
