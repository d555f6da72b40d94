//! Scatter kernels on the GPU (kernels/scatter.cu), into zeroed buffers.

use cudarc::driver::{CudaSlice, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::f32_slice;
use super::layout::StridedInfo;
use super::Cuda;
use crate::backend::ScatterBackend;
use crate::shape::{numel, strides};
use crate::{Result, Storage, Tensor};

fn zeros(op: &str, g: &super::Gpu, n: usize) -> Result<CudaSlice<f32>> {
    g.stream
        .alloc_zeros::<f32>(n.max(1))
        .map_err(|e| driver_error(op, e))
}

fn index_slice<'a>(op: &str, index: &'a Tensor) -> Result<&'a CudaSlice<i32>> {
    match index.storage() {
        Storage::CudaI32(s) => Ok(s),
        _ => Err(index.kind_error(op, "index", "an int32 tensor on cuda")),
    }
}

fn strided_scatter(
    src: &Tensor,
    shape: Vec<usize>,
    offset: usize,
    view: &[usize],
) -> Result<Tensor> {
    let op = "sliceScatter";
    let g = gpu(op)?;
    let s = f32_slice(op, src)?;
    let mut dst = zeros(op, &g, numel(&shape))?;
    let n = src.numel();
    if n > 0 {
        let info = StridedInfo::new(offset, src.shape(), view);
        let f = g.function(op, "scatter", "sstrided_scatter_f32")?;
        let n64 = n as u64;
        let mut l = g.stream.launch_builder(&f);
        l.arg(s).arg(&mut dst).arg(&n64).arg(&info);
        // SAFETY: argument types match the kernel's signature in scatter.cu.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(dst), shape))
}

fn index_add(
    src: &Tensor,
    index: &Tensor,
    outer: usize,
    count: usize,
    inner: usize,
    dim: usize,
    out: Vec<usize>,
) -> Result<Tensor> {
    let op = "indexAdd";
    let g = gpu(op)?;
    let (s, idx) = (f32_slice(op, src)?, index_slice(op, index)?);
    let mut dst = zeros(op, &g, numel(&out))?;
    let n = outer * count * inner;
    if n > 0 {
        let f = g.function(op, "scatter", "sindex_add_f32")?;
        let (o, c, i, d) = (outer as u64, count as u64, inner as u64, dim as u64);
        let mut l = g.stream.launch_builder(&f);
        l.arg(s)
            .arg(idx)
            .arg(&mut dst)
            .arg(&o)
            .arg(&c)
            .arg(&i)
            .arg(&d);
        // SAFETY: argument types match the kernel's signature in scatter.cu.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(dst), out))
}

fn scatter_add(src: &Tensor, index: &Tensor, axis: usize, shape: Vec<usize>) -> Result<Tensor> {
    let op = "scatterAdd";
    let g = gpu(op)?;
    let (s, idx) = (f32_slice(op, src)?, index_slice(op, index)?);
    let mut dst = zeros(op, &g, numel(&shape))?;
    let n = src.numel();
    if n > 0 {
        let info = StridedInfo::new(0, src.shape(), &strides(&shape));
        let f = g.function(op, "scatter", "sscatter_add_f32")?;
        let (n64, a) = (n as u64, axis as u64);
        let mut l = g.stream.launch_builder(&f);
        l.arg(s).arg(idx).arg(&mut dst).arg(&n64).arg(&info).arg(&a);
        // SAFETY: argument types match the kernel's signature in scatter.cu.
        unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
    }
    Ok(Tensor::cuda(Storage::CudaF32(dst), shape))
}

impl ScatterBackend for Cuda {
    fn strided_scatter(
        &self,
        src: &Tensor,
        shape: Vec<usize>,
        offset: usize,
        view: &[usize],
    ) -> Result<Tensor> {
        strided_scatter(src, shape, offset, view)
    }

    fn index_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        outer: usize,
        count: usize,
        inner: usize,
        dim: usize,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        index_add(src, index, outer, count, inner, dim, out)
    }

    fn scatter_add(
        &self,
        src: &Tensor,
        index: &Tensor,
        axis: usize,
        shape: Vec<usize>,
    ) -> Result<Tensor> {
        scatter_add(src, index, axis, shape)
    }
}
