//! Op descriptors: the validated parameters, geometries and op tables that `ops/`
//! builds and both backends read. Below `cpu/` and `cuda/`, above nothing but
//! `error`, `shape` and `math`, so no backend needs to import `ops/` or another backend.

pub mod attention;
pub mod batchnorm;
pub mod binary;
pub mod conv;
pub mod device;
pub mod matmul;
pub mod optim;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod unary;

pub use device::Device;
