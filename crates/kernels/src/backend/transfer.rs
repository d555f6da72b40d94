//! Copies between devices.

use crate::{Device, Result, Tensor};

pub trait TransferBackend {
    /// A copy of `x` on `device` (a copy even when the device is the same).
    fn to_device(&self, x: &Tensor, device: Device) -> Result<Tensor>;
}
