//! Devices, memory accounting and the CUDA toolchain probes.

use foveate_kernels::{memory, Device};
use napi::{Error, Result};
use napi_derive::napi;

#[napi(object)]
pub struct DeviceInfo {
    pub name: String,
    pub kind: String,
}

#[napi(object)]
pub struct MemoryUsage {
    pub device: String,
    pub tensors: i64,
    pub bytes: i64,
}

/// Devices usable in this process: always the CPU, and the GPU when libcuda
/// loads and reports a device.
#[napi(catch_unwind)]
pub fn devices() -> Vec<DeviceInfo> {
    let mut out = vec![DeviceInfo {
        name: "cpu".into(),
        kind: "cpu".into(),
    }];
    #[cfg(feature = "cuda")]
    if foveate_kernels::cuda::available() {
        out.push(DeviceInfo {
            name: foveate_kernels::cuda::device_name().unwrap_or_else(|| "cuda".into()),
            kind: "cuda".into(),
        });
    }
    out
}

#[napi]
pub fn memory_usage() -> Vec<MemoryUsage> {
    [Device::Cpu, Device::Cuda]
        .into_iter()
        .map(|d| {
            let (tensors, bytes) = memory::usage(d);
            MemoryUsage {
                device: d.name().into(),
                tensors,
                bytes,
            }
        })
        .collect()
}

/// Whether this build has the CUDA backend and libnvrtc can be loaded.
#[napi]
pub fn nvrtc_available() -> bool {
    #[cfg(feature = "cuda")]
    return foveate_kernels::cuda::nvrtc_available();
    #[cfg(not(feature = "cuda"))]
    false
}

#[napi(object)]
pub struct CompiledModule {
    pub module: String,
    pub ptx_bytes: u32,
}

/// Compiles every CUDA kernel source with NVRTC (no GPU needed).
#[napi(catch_unwind)]
pub fn cuda_compile_all() -> Result<Vec<CompiledModule>> {
    #[cfg(feature = "cuda")]
    {
        let mods = foveate_kernels::cuda::compile_all().map_err(|e| Error::from_reason(e.0))?;
        Ok(mods
            .into_iter()
            .map(|(module, n)| CompiledModule {
                module,
                ptx_bytes: n as u32,
            })
            .collect())
    }
    #[cfg(not(feature = "cuda"))]
    Err(Error::from_reason(
        "cudaCompileAll: this build has no CUDA backend",
    ))
}

/// The number of threads the CPU kernels use.
#[napi]
pub fn cpu_threads() -> u32 {
    foveate_kernels::cpu::threads() as u32
}

/// Panics on purpose, so tests can check a Rust panic becomes a JS Error.
#[napi(catch_unwind)]
pub fn debug_panic(message: String) -> Result<()> {
    panic!("{message}");
}

/// Refuses, with an Error naming `op`, an allocation of `shape` with
/// `elem_bytes` per element that overflows or exceeds the allocation ceiling
/// (`FOVEATE_MAX_ALLOC`): for ops that know their result's size before the
/// kernels that would allocate it run.
#[napi(catch_unwind)]
pub fn check_alloc(op: String, shape: Vec<f64>, elem_bytes: u32) -> Result<()> {
    let dims = crate::tensor::dims(&op, &shape)?;
    memory::check_alloc(&op, &dims, elem_bytes as usize)
        .map(|_| ())
        .map_err(crate::tensor::js_error)
}

#[napi(object)]
pub struct AllocatorStats {
    /// Freed huge-page mappings kept for reuse.
    pub cached_mappings: f64,
    /// glibc arenas' size, their free bytes, and glibc's own mmapped blocks.
    pub heap: f64,
    pub heap_free: f64,
    pub mmapped: f64,
}

/// What the native allocators hold beyond live tensors (for diagnosing RSS).
#[napi]
pub fn allocator_stats() -> AllocatorStats {
    let s = foveate_kernels::large_pages::stats();
    AllocatorStats {
        cached_mappings: s.cached_mappings as f64,
        heap: s.heap as f64,
        heap_free: s.heap_free as f64,
        mmapped: s.mmapped as f64,
    }
}

/// Gives free native memory back to the kernel (kept mappings, glibc's free pages).
#[napi]
pub fn release_free_memory() {
    foveate_kernels::large_pages::release_free_memory();
}
