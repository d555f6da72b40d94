//! CPU kernels on plain slices (row-major, contiguous), and `Cpu`, which
//! implements every backend trait on them (at the end of each family's file).
//! They assume validated arguments: the checks live in `ops/`, the only caller.

/// `$name(args)` runs `$row(args)` compiled for AVX-512 (32 vector registers:
/// the gate polynomials stop spilling) or AVX2+FMA when that is the path taken
/// (`path::active`: the best the CPU has, or `FOVEATE_CPU`), else the baseline
/// build: rustc targets plain x86-64, so hot loops written for autovectorisation
/// are compiled thrice and chosen at run time.
macro_rules! multiversion {
    ($vis:vis $name:ident, $row:ident, ($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        $crate::cpu::multiversion!($vis $name<>, $row, ($($arg: $ty),*) $(-> $ret)?);
    };
    ($vis:vis $name:ident<$($g:ident: $bound:path),*>, $row:ident, ($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        #[inline(always)]
        $vis fn $name<$($g: $bound),*>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
                unsafe fn avx512<$($g: $bound),*>($($arg: $ty),*) $(-> $ret)? {
                    $row($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2<$($g: $bound),*>($($arg: $ty),*) $(-> $ret)? {
                    $row($($arg),*)
                }
                match $crate::cpu::path::active() {
                    // SAFETY: `active` only returns a path whose features the CPU has.
                    $crate::cpu::path::Path::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: as above.
                    $crate::cpu::path::Path::Avx2 => return unsafe { avx2($($arg),*) },
                    _ => {}
                }
            }
            $row($($arg),*)
        }
    };
}
pub(crate) use multiversion;

pub mod attention;
pub mod attention_filter;
pub mod batchnorm;
pub mod binary;
pub mod conv;
pub mod gemm;
pub mod layout;
pub mod losses;
pub mod lstm;
pub mod matmul;
pub mod optim;
pub mod parallel;
pub mod path;
pub mod pool;
pub mod reduce;
pub mod rng;
pub mod scatter;
pub mod soft_attend;
pub mod softmax;
pub mod subnormal;
pub mod transfer;
pub mod unary;

/// The CPU backend.
pub struct Cpu;

/// Below this many elements, elementwise work stays on the calling thread:
/// handing it to rayon costs more than it saves.
pub const PARALLEL_MIN: usize = 1 << 17;

/// The number of threads the parallel kernels use (rayon's global pool).
pub fn threads() -> usize {
    rayon::current_num_threads()
}
