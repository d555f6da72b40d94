//! Every op: argument checks, once, then a call on the backend of the tensors'
//! device (`dispatch::backend`). The math lives in `cpu/` and `cuda/`.

pub mod attention;
pub mod attention_filter;
pub mod batchnorm;
pub mod binary;
mod check;
pub mod conv;
pub mod dispatch;
pub mod layout;
pub mod losses;
pub mod lstm;
pub mod matmul;
pub mod optim;
pub mod pool;
pub mod random;
pub mod reduce;
pub mod scatter;
pub mod soft_attend;
pub mod softmax;
pub mod transfer;
pub mod unary;
