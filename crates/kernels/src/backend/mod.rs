//! The backend traits: one per op family, with the same signatures on every
//! device. `cpu::Cpu` and `cuda::Cuda` implement them all; `ops/` validates the
//! arguments once and calls the backend that `ops::dispatch::backend` picks, so a
//! backend may assume shapes, dtypes and devices agree with the descriptor it gets.

mod attention;
mod batchnorm;
mod binary;
mod conv;
mod layout;
mod losses;
mod lstm;
mod matmul;
mod optim;
mod pool;
mod random;
mod reduce;
mod scatter;
mod softmax;
mod transfer;
mod unary;

pub use attention::{AttentionBackend, Filters, SoftAttend, SoftAttendSaved};
pub use batchnorm::BatchNormBackend;
pub use binary::BinaryBackend;
pub use conv::ConvBackend;
pub use layout::LayoutBackend;
pub use losses::LossBackend;
pub use lstm::{Cell, CellDims, LstmBackend};
pub use matmul::MatmulBackend;
pub use optim::OptimBackend;
pub use pool::PoolBackend;
pub use random::RandomBackend;
pub use reduce::ReduceBackend;
pub use scatter::ScatterBackend;
pub use softmax::SoftmaxBackend;
pub use transfer::TransferBackend;
pub use unary::UnaryBackend;

/// Everything a device must provide.
pub trait Backend:
    AttentionBackend
    + BatchNormBackend
    + BinaryBackend
    + ConvBackend
    + LayoutBackend
    + LossBackend
    + LstmBackend
    + MatmulBackend
    + OptimBackend
    + PoolBackend
    + RandomBackend
    + ReduceBackend
    + ScatterBackend
    + SoftmaxBackend
    + TransferBackend
    + UnaryBackend
    + Sync
{
}

impl<T> Backend for T where
    T: AttentionBackend
        + BatchNormBackend
        + BinaryBackend
        + ConvBackend
        + LayoutBackend
        + LossBackend
        + LstmBackend
        + MatmulBackend
        + OptimBackend
        + PoolBackend
        + RandomBackend
        + ReduceBackend
        + ScatterBackend
        + SoftmaxBackend
        + TransferBackend
        + UnaryBackend
        + Sync
{
}
