//! The process-wide GPU: context, stream, cuBLAS handle and compiled modules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cudarc::cublas::CudaBlas;
use cudarc::driver::{CudaContext, CudaFunction, CudaModule, CudaStream};

use crate::{Error, Result};

pub struct Gpu {
    pub ctx: Arc<CudaContext>,
    pub stream: Arc<CudaStream>,
    blas: OnceLock<std::result::Result<Mutex<CudaBlas>, String>>,
    modules: Mutex<HashMap<&'static str, Arc<CudaModule>>>,
}

static GPU: OnceLock<std::result::Result<Arc<Gpu>, String>> = OnceLock::new();

fn open() -> std::result::Result<Arc<Gpu>, String> {
    // SAFETY: only probes whether the shared library can be loaded.
    if !unsafe { cudarc::driver::sys::is_culib_present() } {
        return Err("libcuda was not found (no NVIDIA driver on this machine)".into());
    }
    let count =
        CudaContext::device_count().map_err(|e| format!("cuDeviceGetCount failed: {e:?}"))?;
    if count < 1 {
        return Err("the NVIDIA driver reports no CUDA device".into());
    }
    let ctx = CudaContext::new(0).map_err(|e| format!("creating a CUDA context failed: {e:?}"))?;
    let stream = ctx.default_stream();
    Ok(Arc::new(Gpu {
        ctx,
        stream,
        blas: OnceLock::new(),
        modules: Mutex::new(HashMap::new()),
    }))
}

fn state() -> &'static std::result::Result<Arc<Gpu>, String> {
    GPU.get_or_init(|| {
        std::panic::catch_unwind(open)
            .unwrap_or_else(|_| Err("the CUDA driver could not be loaded".into()))
    })
}

/// Whether a CUDA device is usable in this process.
pub fn available() -> bool {
    state().is_ok()
}

/// The device's name, when there is one.
pub fn device_name() -> Option<String> {
    state().as_ref().ok().and_then(|g| g.ctx.name().ok())
}

/// The GPU, or an error naming `op` and why CUDA is unavailable.
pub fn gpu(op: &str) -> Result<Arc<Gpu>> {
    state()
        .clone()
        .map_err(|why| Error::new(op, format!("CUDA is not available: {why}")))
}

pub fn driver_error(op: &str, e: impl std::fmt::Debug) -> Error {
    Error::new(op, format!("CUDA error: {e:?}"))
}

impl Gpu {
    /// A kernel from `module`, compiling the module with NVRTC on first use.
    pub fn function(&self, op: &str, module: &'static str, name: &str) -> Result<CudaFunction> {
        let mut modules = self
            .modules
            .lock()
            .map_err(|_| Error::new(op, "CUDA module cache poisoned"))?;
        let m = match modules.get(module) {
            Some(m) => m.clone(),
            None => {
                let ptx = super::sources::compile(op, module)?;
                let m = self.ctx.load_module(ptx).map_err(|e| driver_error(op, e))?;
                modules.insert(module, m.clone());
                m
            }
        };
        m.load_function(name).map_err(|e| driver_error(op, e))
    }

    /// Runs `f` with the cuBLAS handle, loading cuBLAS on first use.
    pub fn with_blas<T>(&self, op: &str, f: impl FnOnce(&CudaBlas) -> Result<T>) -> Result<T> {
        let blas = self.blas.get_or_init(|| {
            // SAFETY: only probes whether the shared library can be loaded.
            if !unsafe { cudarc::cublas::sys::is_culib_present() } {
                return Err("libcublas was not found".into());
            }
            CudaBlas::new(self.stream.clone())
                .map(Mutex::new)
                .map_err(|e| format!("cublasCreate failed: {e:?}"))
        });
        match blas {
            Ok(b) => f(&*b
                .lock()
                .map_err(|_| Error::new(op, "cuBLAS handle poisoned"))?),
            Err(why) => Err(Error::new(op, format!("cuBLAS is not available: {why}"))),
        }
    }
}

/// A 1-D launch covering `n` threads (grid-stride loops handle the rest).
pub fn launch_1d(n: usize) -> cudarc::driver::LaunchConfig {
    let threads = 256u32;
    let blocks = n.div_ceil(threads as usize).clamp(1, 65_535) as u32;
    cudarc::driver::LaunchConfig {
        grid_dim: (blocks, 1, 1),
        block_dim: (threads, 1, 1),
        shared_mem_bytes: 0,
    }
}
