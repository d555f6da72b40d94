//! Every op: argument checks, then dispatch on the device to `cpu/` or `cuda/`.

pub mod binary;
pub mod layout;
pub mod matmul;
pub mod random;
pub mod reduce;
pub mod scatter;
pub mod softmax;
pub mod unary;
