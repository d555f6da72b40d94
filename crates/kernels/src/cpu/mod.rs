//! CPU kernels on plain slices (row-major, contiguous). They assume validated
//! arguments: the checks live in `ops/`, which is the only caller.

pub mod attention;
pub mod batchnorm;
pub mod binary;
pub mod conv;
pub mod gemm;
pub mod layout;
pub mod losses;
pub mod lstm;
pub mod optim;
pub mod pool;
pub mod reduce;
pub mod rng;
pub mod scatter;
pub mod softmax;
pub mod unary;

/// Below this many elements, elementwise work stays on the calling thread:
/// handing it to rayon costs more than it saves.
pub const PARALLEL_MIN: usize = 1 << 15;

/// The number of threads the parallel kernels use (rayon's global pool).
pub fn threads() -> usize {
    rayon::current_num_threads()
}
