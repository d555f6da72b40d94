//! Live-tensor accounting per device, so leaks are testable from JavaScript.
//! Every `Tensor` registers on creation and unregisters in `Drop`.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::desc::Device;

struct Counters {
    tensors: AtomicI64,
    bytes: AtomicI64,
}

static CPU: Counters = Counters {
    tensors: AtomicI64::new(0),
    bytes: AtomicI64::new(0),
};
static CUDA: Counters = Counters {
    tensors: AtomicI64::new(0),
    bytes: AtomicI64::new(0),
};

fn counters(device: Device) -> &'static Counters {
    match device {
        Device::Cpu => &CPU,
        Device::Cuda => &CUDA,
    }
}

pub(crate) fn track(device: Device, bytes: usize) {
    let c = counters(device);
    c.tensors.fetch_add(1, Ordering::Relaxed);
    c.bytes.fetch_add(bytes as i64, Ordering::Relaxed);
}

pub(crate) fn untrack(device: Device, bytes: usize) {
    let c = counters(device);
    c.tensors.fetch_sub(1, Ordering::Relaxed);
    c.bytes.fetch_sub(bytes as i64, Ordering::Relaxed);
}

/// (live tensors, live bytes) on a device.
pub fn usage(device: Device) -> (i64, i64) {
    let c = counters(device);
    (
        c.tensors.load(Ordering::Relaxed),
        c.bytes.load(Ordering::Relaxed),
    )
}
