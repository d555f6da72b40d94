//! napi-rs glue: the table of tensors JavaScript holds ids of, and one exported function per kernel
//! family. No math lives here; every function forwards to `foveate_kernels` and
//! turns its errors (and any panic, via `catch_unwind`) into JS `Error`s.

#![deny(clippy::all)]

/// Large tensor buffers on transparent huge pages (see foveate_kernels::large_pages).
#[global_allocator]
static ALLOCATOR: foveate_kernels::large_pages::LargePages =
    foveate_kernels::large_pages::LargePages;

/// Mid-size buffers reuse freed heap memory instead of faulting in fresh pages.
#[napi_derive::module_init]
fn init() {
    foveate_kernels::large_pages::keep_system_heap();
}

mod attention;
mod batchnorm;
mod conv;
mod device;
mod kernels;
mod losses;
mod lstm;
mod optim;
mod tensor;
