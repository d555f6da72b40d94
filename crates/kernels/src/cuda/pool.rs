//! Max and average pooling on the GPU (kernels/pool.cu).

use cudarc::driver::{DeviceRepr, PushKernelArg};

use super::context::{driver_error, gpu, launch_1d};
use super::elementwise::{alloc, f32_slice};
use super::Cuda;
use crate::backend::PoolBackend;
use crate::desc::pool::Pool2dGeom;
use crate::{Result, Storage, Tensor};

/// Mirrors `FvPool` in pool.cu.
#[repr(C)]
#[derive(Clone, Copy)]
struct PoolInfo([u64; 11]);

// SAFETY: plain-old-data with the C layout the kernels expect.
unsafe impl DeviceRepr for PoolInfo {}

impl PoolInfo {
    fn new(g: &Pool2dGeom) -> PoolInfo {
        let v = [
            g.n * g.c,
            g.h,
            g.w,
            g.ho,
            g.wo,
            g.kh,
            g.kw,
            g.sh,
            g.sw,
            g.ph,
            g.pw,
        ];
        PoolInfo(v.map(|x| x as u64))
    }
}

/// Launches `$name` from pool.cu over `$n` threads with the given arguments.
macro_rules! run {
    ($op:expr, $gpu:expr, $name:expr, $n:expr, $($arg:expr),+) => {
        if $n > 0 {
            let f = $gpu.function($op, "pool", $name)?;
            let mut l = $gpu.stream.launch_builder(&f);
            $( l.arg($arg); )+
            // SAFETY: each call site passes the arguments of `$name`'s signature in pool.cu.
            unsafe { l.launch(launch_1d($n)) }.map_err(|e| driver_error($op, e))?;
        }
    };
}

fn max_forward(x: &Tensor, g: &Pool2dGeom) -> Result<(Tensor, Tensor)> {
    let op = "maxPool2d";
    let gp = gpu(op)?;
    let xs = f32_slice(op, x)?;
    let n = g.n * g.c * g.ho * g.wo;
    let (mut out, mut idx) = (alloc::<f32>(op, &gp, n)?, alloc::<i32>(op, &gp, n)?);
    let info = PoolInfo::new(g);
    run!(op, gp, "pmax_forward_f32", n, xs, &mut out, &mut idx, &info);
    Ok((
        Tensor::cuda(Storage::CudaF32(out), g.out_shape()),
        Tensor::cuda(Storage::CudaI32(idx), g.out_shape()),
    ))
}

fn max_backward(dy: &Tensor, indices: &Tensor, g: &Pool2dGeom) -> Result<Tensor> {
    let op = "maxPool2dBackward";
    let gp = gpu(op)?;
    let dys = f32_slice(op, dy)?;
    let idx = match indices.storage() {
        Storage::CudaI32(s) => s,
        _ => return Err(indices.kind_error(op, "indices", "an int32 tensor on cuda")),
    };
    let n = g.n * g.c * g.h * g.w;
    let mut dx = alloc::<f32>(op, &gp, n)?;
    let info = PoolInfo::new(g);
    run!(op, gp, "pmax_backward_f32", n, dys, idx, &mut dx, &info);
    Ok(Tensor::cuda(Storage::CudaF32(dx), g.x_shape()))
}

fn avg_forward(x: &Tensor, g: &Pool2dGeom, include_pad: bool) -> Result<Tensor> {
    let op = "avgPool2d";
    let gp = gpu(op)?;
    let xs = f32_slice(op, x)?;
    let n = g.n * g.c * g.ho * g.wo;
    let mut out = alloc::<f32>(op, &gp, n)?;
    let (info, inc) = (PoolInfo::new(g), include_pad as i32);
    run!(op, gp, "pavg_forward_f32", n, xs, &mut out, &info, &inc);
    Ok(Tensor::cuda(Storage::CudaF32(out), g.out_shape()))
}

fn avg_backward(dy: &Tensor, g: &Pool2dGeom, include_pad: bool) -> Result<Tensor> {
    let op = "avgPool2dBackward";
    let gp = gpu(op)?;
    let dys = f32_slice(op, dy)?;
    let n = g.n * g.c * g.h * g.w;
    let mut dx = alloc::<f32>(op, &gp, n)?;
    let (info, inc) = (PoolInfo::new(g), include_pad as i32);
    run!(op, gp, "pavg_backward_f32", n, dys, &mut dx, &info, &inc);
    Ok(Tensor::cuda(Storage::CudaF32(dx), g.x_shape()))
}

impl PoolBackend for Cuda {
    fn max_pool2d(&self, x: &Tensor, geo: &Pool2dGeom) -> Result<(Tensor, Tensor)> {
        max_forward(x, geo)
    }

    fn max_pool2d_backward(
        &self,
        grad: &Tensor,
        indices: &Tensor,
        geo: &Pool2dGeom,
    ) -> Result<Tensor> {
        max_backward(grad, indices, geo)
    }

    fn avg_pool2d(&self, x: &Tensor, geo: &Pool2dGeom, include_pad: bool) -> Result<Tensor> {
        avg_forward(x, geo, include_pad)
    }

    fn avg_pool2d_backward(
        &self,
        grad: &Tensor,
        geo: &Pool2dGeom,
        include_pad: bool,
    ) -> Result<Tensor> {
        avg_backward(grad, geo, include_pad)
    }
}
