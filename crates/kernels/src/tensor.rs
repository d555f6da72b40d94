//! `Tensor`: a contiguous row-major buffer on one device, plus its shape.
//! Copies between devices (`to_device`, `assign`, `to_f32_vec`…) are in
//! `ops/transfer.rs`: they go through a backend.

use std::sync::Arc;

use crate::desc::Device;
use crate::error::{fmt_shape, Result};
use crate::memory;
use crate::shape::{check_rank, numel};
use crate::{bail, Error};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    F32,
    I32,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::I32 => "int32",
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

    /// Takes `other`'s buffer, which must have this tensor's shape and device (so
    /// the memory accounting stays exact when `other` drops with the old one).
    pub(crate) fn swap_storage(&mut self, other: &mut Tensor) {
        debug_assert!(other.shape == self.shape && other.device() == self.device());
        std::mem::swap(&mut self.storage, &mut other.storage);
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
