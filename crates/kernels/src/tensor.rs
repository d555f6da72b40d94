//! `Tensor`: a contiguous row-major buffer on one device, plus its shape.

use std::sync::Arc;

use crate::error::{fmt_shape, Result};
use crate::memory;
use crate::shape::{check_rank, numel};
use crate::{bail, Error};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    F32,
    I32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Cpu,
    Cuda,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::I32 => "int32",
        }
    }
}

impl Device {
    pub fn name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda => "cuda",
        }
    }

    pub fn parse(op: &str, name: &str) -> Result<Device> {
        match name {
            "cpu" => Ok(Device::Cpu),
            "cuda" | "cuda:0" => Ok(Device::Cuda),
            _ => bail!(op, "unknown device '{name}', expected 'cpu' or 'cuda'"),
        }
    }
}

#[derive(Clone)]
pub enum Storage {
    CpuF32(Vec<f32>),
    CpuI32(Vec<i32>),
    #[cfg(feature = "cuda")]
    CudaF32(cudarc::driver::CudaSlice<f32>),
    #[cfg(feature = "cuda")]
    CudaI32(cudarc::driver::CudaSlice<i32>),
}

impl Storage {
    pub fn dtype(&self) -> DType {
        match self {
            Storage::CpuF32(_) => DType::F32,
            Storage::CpuI32(_) => DType::I32,
            #[cfg(feature = "cuda")]
            Storage::CudaF32(_) => DType::F32,
            #[cfg(feature = "cuda")]
            Storage::CudaI32(_) => DType::I32,
        }
    }

    pub fn device(&self) -> Device {
        match self {
            Storage::CpuF32(_) | Storage::CpuI32(_) => Device::Cpu,
            #[cfg(feature = "cuda")]
            Storage::CudaF32(_) | Storage::CudaI32(_) => Device::Cuda,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Storage::CpuF32(v) => v.len(),
            Storage::CpuI32(v) => v.len(),
            #[cfg(feature = "cuda")]
            Storage::CudaF32(s) => s.len(),
            #[cfg(feature = "cuda")]
            Storage::CudaI32(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub struct Tensor {
    /// Shared with the tensor's reshapes (a reshape is the same values under
    /// another shape: no copy). An in-place update of a shared buffer copies it
    /// first (`storage_mut`), so every tensor keeps its own values.
    storage: Arc<Storage>,
    shape: Vec<usize>,
}

impl Tensor {
    /// Wraps a storage whose length must equal the shape's element count.
    pub fn new(storage: Storage, shape: Vec<usize>) -> Result<Tensor> {
        check_rank("tensor", &shape)?;
        if storage.len() != numel(&shape) {
            bail!(
                "tensor",
                "data has {} elements but shape {} needs {}",
                storage.len(),
                fmt_shape(&shape),
                numel(&shape)
            );
        }
        memory::track(storage.device(), storage.len() * 4);
        Ok(Tensor {
            storage: Arc::new(storage),
            shape,
        })
    }

    pub fn from_f32(data: Vec<f32>, shape: Vec<usize>) -> Result<Tensor> {
        Tensor::new(Storage::CpuF32(data), shape)
    }

    pub fn from_i32(data: Vec<i32>, shape: Vec<usize>) -> Result<Tensor> {
        Tensor::new(Storage::CpuI32(data), shape)
    }

    /// Builds a CPU f32 tensor whose element count is known to match `shape`.
    pub(crate) fn cpu_f32(data: Vec<f32>, shape: Vec<usize>) -> Tensor {
        debug_assert_eq!(data.len(), numel(&shape));
        memory::track(Device::Cpu, data.len() * 4);
        Tensor {
            storage: Arc::new(Storage::CpuF32(data)),
            shape,
        }
    }

    pub(crate) fn cpu_i32(data: Vec<i32>, shape: Vec<usize>) -> Tensor {
        debug_assert_eq!(data.len(), numel(&shape));
        memory::track(Device::Cpu, data.len() * 4);
        Tensor {
            storage: Arc::new(Storage::CpuI32(data)),
            shape,
        }
    }

    /// CUDA buffers hold at least one element (the driver refuses empty
    /// allocations), so an empty tensor's buffer may be longer than its shape.
    #[cfg(feature = "cuda")]
    pub(crate) fn cuda(storage: Storage, shape: Vec<usize>) -> Tensor {
        debug_assert!(storage.len() >= numel(&shape));
        memory::track(Device::Cuda, numel(&shape) * 4);
        Tensor {
            storage: Arc::new(storage),
            shape,
        }
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn numel(&self) -> usize {
        numel(&self.shape)
    }

    pub fn dtype(&self) -> DType {
        self.storage.dtype()
    }

    pub fn device(&self) -> Device {
        self.storage.device()
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The buffer, writable: for the few kernels that update a tensor in place
    /// (batch norm's running statistics, optimiser steps). Shape and dtype stay;
    /// a buffer shared with a reshape is copied first.
    pub(crate) fn storage_mut(&mut self) -> &mut Storage {
        Arc::make_mut(&mut self.storage)
    }

    /// Same data, new shape with the same element count: the buffer is shared,
    /// copy-on-write (see `storage_mut`).
    pub fn reshape(&self, shape: Vec<usize>) -> Result<Tensor> {
        if numel(&shape) != self.numel() {
            bail!(
                "reshape",
                "cannot reshape {} ({} elements) to {} ({} elements)",
                fmt_shape(&self.shape),
                self.numel(),
                fmt_shape(&shape),
                numel(&shape)
            );
        }
        check_rank("reshape", &shape)?;
        // Counted like any tensor, so the accounting of live tensors stays per tensor.
        memory::track(self.device(), numel(&shape) * 4);
        Ok(Tensor {
            storage: Arc::clone(&self.storage),
            shape,
        })
    }

    /// Overwrites this tensor's values with `src`'s (same shape and dtype; any
    /// device): how checkpoints load into parameters an optimiser already holds.
    pub fn assign(&mut self, src: &Tensor) -> Result<()> {
        if src.shape != self.shape || src.dtype() != self.dtype() {
            bail!(
                "assign",
                "src {} {} does not match the destination {} {}",
                src.dtype().name(),
                fmt_shape(&src.shape),
                self.dtype().name(),
                fmt_shape(&self.shape)
            );
        }
        // `moved` has this tensor's shape and device, so swapping buffers and
        // dropping it keeps the memory accounting exact.
        let mut moved = src.to_device(self.device())?;
        std::mem::swap(&mut self.storage, &mut moved.storage);
        Ok(())
    }

    /// A copy on `device` (a copy even when the device is the same).
    pub fn to_device(&self, device: Device) -> Result<Tensor> {
        match (&*self.storage, device) {
            (Storage::CpuF32(v), Device::Cpu) => Ok(Tensor::cpu_f32(v.clone(), self.shape.clone())),
            (Storage::CpuI32(v), Device::Cpu) => Ok(Tensor::cpu_i32(v.clone(), self.shape.clone())),
            #[cfg(feature = "cuda")]
            (_, _) => crate::cuda::transfer::to_device(self, device),
            #[cfg(not(feature = "cuda"))]
            (_, Device::Cuda) => Err(Error::new(
                "to",
                "this build of foveate has no CUDA support",
            )),
        }
    }

    /// The values as f32 on the host (int32 tensors are converted).
    pub fn to_f32_vec(&self) -> Result<Vec<f32>> {
        match &*self.storage {
            Storage::CpuF32(v) => Ok(v.clone()),
            Storage::CpuI32(v) => Ok(v.iter().map(|&x| x as f32).collect()),
            #[cfg(feature = "cuda")]
            _ => self.to_device(Device::Cpu)?.to_f32_vec(),
        }
    }

    /// The values as i32 on the host; only for int32 tensors.
    pub fn to_i32_vec(&self) -> Result<Vec<i32>> {
        match &*self.storage {
            Storage::CpuI32(v) => Ok(v.clone()),
            #[cfg(feature = "cuda")]
            Storage::CudaI32(_) => self.to_device(Device::Cpu)?.to_i32_vec(),
            _ => Err(Error::new(
                "toInt32Array",
                format!("tensor is {}, expected int32", self.dtype().name()),
            )),
        }
    }

    /// Borrow CPU f32 data or explain why not.
    pub fn cpu_f32_data(&self, op: &str, arg: &str) -> Result<&[f32]> {
        match &*self.storage {
            Storage::CpuF32(v) => Ok(v),
            _ => Err(self.kind_error(op, arg, "a float32 tensor on cpu")),
        }
    }

    pub fn cpu_i32_data(&self, op: &str, arg: &str) -> Result<&[i32]> {
        match &*self.storage {
            Storage::CpuI32(v) => Ok(v),
            _ => Err(self.kind_error(op, arg, "an int32 tensor on cpu")),
        }
    }

    pub(crate) fn kind_error(&self, op: &str, arg: &str, expected: &str) -> Error {
        Error::new(
            op,
            format!(
                "{arg} must be {expected}, got {} on {} with shape {}",
                self.dtype().name(),
                self.device().name(),
                fmt_shape(&self.shape)
            ),
        )
    }
}

impl Drop for Tensor {
    fn drop(&mut self) {
        memory::untrack(self.storage.device(), numel(&self.shape) * 4);
    }
}
