//! Data movement on the GPU for float32 and int32 tensors (kernels/layout.cu).

use cudarc::driver::{DeviceRepr, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::alloc;
use super::Cuda;
use crate::backend::LayoutBackend;
use crate::shape::{numel, strides, MAX_RANK};
use crate::{Result, Storage, Tensor};

/// Mirrors `FvStrided` in common.cuh.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StridedInfo {
    rank: u64,
    offset: u64,
    dims: [u64; MAX_RANK],
    strides: [u64; MAX_RANK],
}

// SAFETY: plain-old-data with the C layout the kernels expect.
unsafe impl DeviceRepr for StridedInfo {}

impl StridedInfo {
    pub(crate) fn new(offset: usize, dims: &[usize], view: &[usize]) -> StridedInfo {
        let mut info = StridedInfo {
            rank: dims.len() as u64,
            offset: offset as u64,
            dims: [1; MAX_RANK],
            strides: [0; MAX_RANK],
        };
        for d in 0..dims.len() {
            info.dims[d] = dims[d] as u64;
            info.strides[d] = view[d] as u64;
        }
        info
    }
}

/// Expands `$body` once per element type, binding the source slice, the kernel
/// suffix and the storage constructor.
macro_rules! typed {
    ($x:expr, $op:expr, |$src:ident, $t:ident, $suffix:ident, $wrap:ident| $body:block) => {
        match $x.storage() {
            Storage::CudaF32($src) => {
                type $t = f32;
                let ($suffix, $wrap) = ("f32", Storage::CudaF32 as fn(_) -> Storage);
                $body
            }
            Storage::CudaI32($src) => {
                type $t = i32;
                let ($suffix, $wrap) = ("i32", Storage::CudaI32 as fn(_) -> Storage);
                $body
            }
            _ => Err($x.kind_error($op, "x", "a tensor on cuda")),
        }
    };
}

fn strided_copy(x: &Tensor, offset: usize, out: Vec<usize>, view: &[usize]) -> Result<Tensor> {
    let op = "stridedCopy";
    let g = gpu(op)?;
    let n = numel(&out);
    let info = StridedInfo::new(offset, &out, view);
    typed!(x, op, |src, T, suffix, wrap| {
        let mut dst = alloc::<T>(op, &g, n)?;
        if n > 0 {
            let f = g.function(op, "layout", &format!("lstrided_{suffix}"))?;
            let n64 = n as u64;
            let mut l = g.stream.launch_builder(&f);
            l.arg(src).arg(&mut dst).arg(&n64).arg(&info);
            // SAFETY: argument types match the kernel's signature in layout.cu.
            unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
        }
        Ok(Tensor::cuda(wrap(dst), out))
    })
}

fn concat(parts: &[&Tensor], outer: usize, widths: &[usize], out: Vec<usize>) -> Result<Tensor> {
    let op = "concat";
    let g = gpu(op)?;
    let total: usize = widths.iter().sum();
    let first = parts[0];
    typed!(first, op, |_first, T, suffix, wrap| {
        let mut dst = alloc::<T>(op, &g, outer * total)?;
        let f = g.function(op, "layout", &format!("lconcat_{suffix}"))?;
        let mut col = 0usize;
        for (p, &w) in parts.iter().zip(widths) {
            let n = outer * w;
            if n > 0 {
                let src = match (p.storage(), first.storage()) {
                    (Storage::CudaF32(s), Storage::CudaF32(_)) => s as &dyn std::any::Any,
                    (Storage::CudaI32(s), Storage::CudaI32(_)) => s as &dyn std::any::Any,
                    _ => {
                        return Err(p.kind_error(op, "tensors", "the first tensor's dtype on cuda"))
                    }
                };
                let src = src
                    .downcast_ref::<cudarc::driver::CudaSlice<T>>()
                    .expect("dtype matched above");
                let (o, w64, t, c) = (outer as u64, w as u64, total as u64, col as u64);
                let mut l = g.stream.launch_builder(&f);
                l.arg(src).arg(&mut dst).arg(&o).arg(&w64).arg(&t).arg(&c);
                // SAFETY: argument types match the kernel's signature in layout.cu.
                unsafe { l.launch(launch_1d(n)) }.map_err(|e| driver_error(op, e))?;
            }
            col += w;
        }
        Ok(Tensor::cuda(wrap(dst), out))
    })
}

fn index_slice<'a>(op: &str, index: &'a Tensor) -> Result<&'a cudarc::driver::CudaSlice<i32>> {
    match index.storage() {
        Storage::CudaI32(s) => Ok(s),
        _ => Err(index.kind_error(op, "index", "an int32 tensor on cuda")),
    }
}

fn index_select(
    x: &Tensor,
    outer: usize,
    n: usize,
    inner: usize,
    index: &Tensor,
    out: Vec<usize>,
) -> Result<Tensor> {
    let op = "indexSelect";
    let g = gpu(op)?;
    let idx = index_slice(op, index)?;
    let total = numel(&out);
    typed!(x, op, |src, T, suffix, wrap| {
        let mut dst = alloc::<T>(op, &g, total)?;
        if total > 0 {
            let f = g.function(op, "layout", &format!("lindex_select_{suffix}"))?;
            let (o, nn, i, c) = (outer as u64, n as u64, inner as u64, index.numel() as u64);
            let mut l = g.stream.launch_builder(&f);
            l.arg(src)
                .arg(idx)
                .arg(&mut dst)
                .arg(&o)
                .arg(&nn)
                .arg(&i)
                .arg(&c);
            // SAFETY: argument types match the kernel's signature in layout.cu.
            unsafe { l.launch(launch_1d(total)) }.map_err(|e| driver_error(op, e))?;
        }
        Ok(Tensor::cuda(wrap(dst), out))
    })
}

fn gather(x: &Tensor, index: &Tensor, axis: usize, out: Vec<usize>) -> Result<Tensor> {
    let op = "gather";
    let g = gpu(op)?;
    let idx = index_slice(op, index)?;
    let total = numel(&out);
    let info = StridedInfo::new(0, &out, &strides(x.shape()));
    typed!(x, op, |src, T, suffix, wrap| {
        let mut dst = alloc::<T>(op, &g, total)?;
        if total > 0 {
            let f = g.function(op, "layout", &format!("lgather_{suffix}"))?;
            let (n64, a) = (total as u64, axis as u64);
            let mut l = g.stream.launch_builder(&f);
            l.arg(src)
                .arg(idx)
                .arg(&mut dst)
                .arg(&n64)
                .arg(&info)
                .arg(&a);
            // SAFETY: argument types match the kernel's signature in layout.cu.
            unsafe { l.launch(launch_1d(total)) }.map_err(|e| driver_error(op, e))?;
        }
        Ok(Tensor::cuda(wrap(dst), out))
    })
}

impl LayoutBackend for Cuda {
    fn strided_copy(
        &self,
        x: &Tensor,
        offset: usize,
        out: Vec<usize>,
        view: &[usize],
    ) -> Result<Tensor> {
        strided_copy(x, offset, out, view)
    }

    fn concat(
        &self,
        parts: &[&Tensor],
        outer: usize,
        widths: &[usize],
        out: Vec<usize>,
    ) -> Result<Tensor> {
        concat(parts, outer, widths, out)
    }

    fn index_select(
        &self,
        x: &Tensor,
        outer: usize,
        n: usize,
        inner: usize,
        index: &Tensor,
        out: Vec<usize>,
    ) -> Result<Tensor> {
        index_select(x, outer, n, inner, index, out)
    }

    fn gather(&self, x: &Tensor, index: &Tensor, axis: usize, out: Vec<usize>) -> Result<Tensor> {
        gather(x, index, axis, out)
    }
}
