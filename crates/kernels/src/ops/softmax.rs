//! Softmax and log-softmax over an axis.

use crate::shape::{around_axis, axis as norm_axis};
use crate::{cpu, Result, Storage, Tensor};

pub fn softmax(x: &Tensor, axis: i64, log: bool) -> Result<Tensor> {
    let op = if log { "logSoftmax" } else { "softmax" };
    let a = norm_axis(op, axis, x.shape().len())?;
    let (outer, n, inner) = around_axis(x.shape(), a);
    match x.storage() {
        Storage::CpuF32(v) => Ok(Tensor::cpu_f32(
            cpu::softmax::softmax_axis(v, outer, n, inner, log),
            x.shape().to_vec(),
        )),
        #[cfg(feature = "cuda")]
        Storage::CudaF32(_) => crate::cuda::softmax::softmax_axis(x, outer, n, inner, log),
        _ => Err(x.kind_error(op, "x", "a float32 tensor")),
    }
}
