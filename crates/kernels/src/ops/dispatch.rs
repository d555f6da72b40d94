//! The one place `ops/` picks a backend: by the device the op's tensors are on.
//! The only `cfg(feature = "cuda")` in `ops/` is here.

use crate::backend::Backend;
use crate::cpu::Cpu;
use crate::{Device, Error, Result};

/// The backend that runs `op` on `device`; without the `cuda` feature, asking
/// for CUDA is an error that names the op, and so is a `FOVEATE_CPU` the CPU
/// kernels cannot honour (checked here so the kernels never meet it).
pub fn backend(op: &str, device: Device) -> Result<&'static dyn Backend> {
    match device {
        Device::Cpu => match crate::cpu::path::chosen() {
            Ok(_) => Ok(&Cpu),
            Err(e) => Err(Error::new(op, e)),
        },
        #[cfg(feature = "cuda")]
        Device::Cuda => Ok(&crate::cuda::Cuda),
        #[cfg(not(feature = "cuda"))]
        Device::Cuda => crate::bail!(op, "this build of foveate has no CUDA support"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bad `FOVEATE_CPU` makes every CPU op an error naming the op (checked in a
    /// child process: the path is read once per process).
    #[test]
    fn a_bad_foveate_cpu_is_an_error_naming_the_op() {
        if std::env::var_os("FOVEATE_CPU_BAD_CHILD").is_some() {
            let e = backend("matmul", Device::Cpu).err().expect("an error");
            assert_eq!(
                e.0,
                "matmul: FOVEATE_CPU=avx3: unknown CPU path, expected one of avx512, avx2, neon, scalar"
            );
            return;
        }
        let env = [("FOVEATE_CPU", "avx3"), ("FOVEATE_CPU_BAD_CHILD", "1")];
        let name = "ops::dispatch::tests::a_bad_foveate_cpu_is_an_error_naming_the_op";
        let Some(out) = crate::cpu::path::rerun_self(&env, &["--exact", name]) else {
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("1 passed"), "{text}");
    }
}
