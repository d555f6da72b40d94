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

#[napi(object)]
pub struct CpuInfo {
    /// The path the CPU kernels take: avx512, avx2, neon or scalar.
    pub path: String,
    /// Every path this CPU can run, best first (what `FOVEATE_CPU` may name).
    pub available: Vec<String>,
    /// The CPU's model name, where the OS says it.
    pub model: Option<String>,
    /// The SIMD features the kernels care about, of those the CPU has.
    pub features: Vec<String>,
    /// L1, L2, L3 data-cache bytes, as read at run time for SGEMM's blocking.
    pub caches: Vec<i64>,
}

/// The CPU path and what it was chosen from; an error when `FOVEATE_CPU` names an
/// unknown path or one this CPU lacks (src/native.ts calls this at load).
#[napi(catch_unwind)]
pub fn cpu_info() -> Result<CpuInfo> {
    use foveate_kernels::cpu::path;
    let chosen = path::chosen().map_err(Error::from_reason)?;
    Ok(CpuInfo {
        path: chosen.name().into(),
        available: path::available().iter().map(|p| p.name().into()).collect(),
        model: path::model(),
        features: path::features().iter().map(|f| f.to_string()).collect(),
        caches: path::caches().iter().map(|&b| b as i64).collect(),
    })
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
