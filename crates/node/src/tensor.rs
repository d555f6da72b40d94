//! `NativeTensor`: an opaque handle to a kernels `Tensor`, freed by `dispose()`.

use foveate_kernels::{Device, Tensor};
use napi::bindgen_prelude::{Float32Array, Int32Array};
use napi::{Error, Result};
use napi_derive::napi;

pub fn js_error(e: foveate_kernels::Error) -> Error {
    Error::from_reason(e.0)
}

pub fn dims(op: &str, shape: &[f64]) -> Result<Vec<usize>> {
    shape
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if d.is_finite() && d >= 0.0 && d.fract() == 0.0 && d <= u32::MAX as f64 {
                Ok(d as usize)
            } else {
                Err(Error::from_reason(format!(
                    "{op}: shape[{i}] = {d} is not a non-negative integer"
                )))
            }
        })
        .collect()
}

#[napi]
pub struct NativeTensor {
    inner: Option<Tensor>,
}

impl NativeTensor {
    pub fn wrap(t: Tensor) -> NativeTensor {
        NativeTensor { inner: Some(t) }
    }

    /// The live tensor, or an error naming the op that touched a disposed one.
    pub fn get(&self, op: &str) -> Result<&Tensor> {
        self.inner.as_ref().ok_or_else(|| {
            Error::from_reason(format!(
                "{op}: tensor was disposed and cannot be used again"
            ))
        })
    }

    /// The live tensor, writable (in-place kernels), or the same error as `get`.
    pub fn get_mut(&mut self, op: &str) -> Result<&mut Tensor> {
        self.inner.as_mut().ok_or_else(|| {
            Error::from_reason(format!(
                "{op}: tensor was disposed and cannot be used again"
            ))
        })
    }
}

#[napi]
impl NativeTensor {
    #[napi(factory, catch_unwind)]
    pub fn from_float32(
        data: Float32Array,
        shape: Vec<f64>,
        device: String,
    ) -> Result<NativeTensor> {
        let t = Tensor::from_f32(data.to_vec(), dims("tensor", &shape)?).map_err(js_error)?;
        to_device(t, &device)
    }

    #[napi(factory, catch_unwind)]
    pub fn from_int32(data: Int32Array, shape: Vec<f64>, device: String) -> Result<NativeTensor> {
        let t = Tensor::from_i32(data.to_vec(), dims("tensor", &shape)?).map_err(js_error)?;
        to_device(t, &device)
    }

    #[napi(getter)]
    pub fn shape(&self) -> Result<Vec<u32>> {
        Ok(self
            .get("shape")?
            .shape()
            .iter()
            .map(|&d| d as u32)
            .collect())
    }

    #[napi(getter)]
    pub fn dtype(&self) -> Result<String> {
        Ok(self.get("dtype")?.dtype().name().to_string())
    }

    #[napi(getter)]
    pub fn device(&self) -> Result<String> {
        Ok(self.get("device")?.device().name().to_string())
    }

    #[napi(getter)]
    pub fn disposed(&self) -> bool {
        self.inner.is_none()
    }

    #[napi(catch_unwind)]
    pub fn to_float32(&self) -> Result<Float32Array> {
        Ok(Float32Array::new(
            self.get("toFloat32Array")?.to_f32_vec().map_err(js_error)?,
        ))
    }

    #[napi(catch_unwind)]
    pub fn to_int32(&self) -> Result<Int32Array> {
        Ok(Int32Array::new(
            self.get("toInt32Array")?.to_i32_vec().map_err(js_error)?,
        ))
    }

    /// A copy on `device` ('cpu' or 'cuda').
    #[napi(catch_unwind)]
    pub fn to(&self, device: String) -> Result<NativeTensor> {
        let d = Device::parse("to", &device).map_err(js_error)?;
        Ok(NativeTensor::wrap(
            self.get("to")?.to_device(d).map_err(js_error)?,
        ))
    }

    #[napi(catch_unwind)]
    pub fn reshape(&self, shape: Vec<f64>) -> Result<NativeTensor> {
        let t = self.get("reshape")?;
        Ok(NativeTensor::wrap(
            t.reshape(dims("reshape", &shape)?).map_err(js_error)?,
        ))
    }

    /// Overwrites the values in place with `src`'s (same shape and dtype, any device).
    #[napi(catch_unwind)]
    pub fn assign(&mut self, src: &NativeTensor) -> Result<()> {
        let src = src.get("assign")?;
        let dst = self.inner.as_mut().ok_or_else(|| {
            Error::from_reason("assign: tensor was disposed and cannot be used again")
        })?;
        dst.assign(src).map_err(js_error)
    }

    /// Frees the native buffer now; later use is an error, a second dispose is a no-op.
    #[napi]
    pub fn dispose(&mut self) {
        self.inner = None;
    }
}

fn to_device(t: Tensor, device: &str) -> Result<NativeTensor> {
    let d = Device::parse("tensor", device).map_err(js_error)?;
    if d == Device::Cpu {
        Ok(NativeTensor::wrap(t))
    } else {
        Ok(NativeTensor::wrap(t.to_device(d).map_err(js_error)?))
    }
}
