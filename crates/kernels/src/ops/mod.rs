//! Every op: argument checks, then dispatch on the device to `cpu/` or `cuda/`.

pub mod attention;
pub mod batchnorm;
pub mod binary;
pub mod conv;
pub mod layout;
pub mod losses;
pub mod lstm;
pub mod matmul;
pub mod optim;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod scatter;
pub mod softmax;
pub mod unary;
