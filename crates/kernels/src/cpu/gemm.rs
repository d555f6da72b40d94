//! CPU SGEMM on row-major slices: the packed, cache-blocked micro-kernels of the
//! `gemm` crate family (gemm-common's blocking and threading, gemm-f32's AVX-512
//! and AVX2+FMA kernels), with the instruction set chosen per call.
//!
//! Why not plain `gemm::gemm`: it picks one instruction set per process, and on
//! this project's 2-core AVX-512 machine (Zen 4) each one loses somewhere. Its
//! AVX-512 kernel is the fastest when op(B) = B (e.g. 64×512·512×1024: 215 vs 170
//! GFLOP/s for AVX2), but when op(B) = Bᵀ it packs that operand on one thread up
//! front and falls to 60 GFLOP/s on the LSTM shapes (AVX2: 175). So: AVX-512 when
//! B is not transposed, AVX2+FMA when it is (see `plan`). The path (`cpu::path`:
//! the best the CPU has, or `FOVEATE_CPU`) bounds the choice: the avx2 path runs
//! only the AVX2+FMA kernel, neon the NEON one, scalar the portable one. The numbers
//! come from `examples/gemm_bench.rs`, run beside numpy (`bench/numpy_gemm.py`).
//!
//! The kernels prefer column-major operands, so a row-major C = op(A)·op(B) is
//! usually computed as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ; a transpose is only a
//! change of strides.

use gemm_common::Parallelism;

/// Below this many multiply-adds per product, `sgemm_batched` gives each thread
/// whole products rather than splitting every product across the threads.
/// (Within one product, gemm-common stays on one thread below 48·48·256.)
const BATCH_SPLIT_MAX_WORK: usize = 1 << 22;

/// C = op(A)·op(B), all row-major contiguous. op(A) is m×k: A is stored [m,k], or [k,m] when `trans_a`.
/// op(B) is k×n: B is stored [k,n], or [n,k] when `trans_b`. `c` (len m*n) is overwritten.
///
/// Large products use rayon's global pool. Panics if a slice is too short.
#[allow(clippy::too_many_arguments)]
pub fn sgemm(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    trans_a: bool,
    b: &[f32],
    trans_b: bool,
    c: &mut [f32],
) {
    sgemm_on(super::threads(), m, n, k, a, trans_a, b, trans_b, c);
}

/// `sgemm` on at most `threads` threads (1: the calling thread only), for
/// callers that run independent products side by side (the LSTM cell's two).
#[allow(clippy::too_many_arguments)]
pub fn sgemm_on(
    threads: usize,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    trans_a: bool,
    b: &[f32],
    trans_b: bool,
    c: &mut [f32],
) {
    let p = Product::new(m, n, k, a, trans_a, b, trans_b);
    p.run(plan(trans_a, trans_b, m, n, k), c, threads.max(1));
}

/// `batch` independent products on at most `threads` threads (1: the calling
/// thread only); a/b/c advance by a_stride/b_stride/c_stride elements per batch
/// (a stride of 0 broadcasts one matrix across the batch).
///
/// Panics if a slice is too short, or if outputs overlap (`c_stride` < m·n with batch > 1).
#[allow(clippy::too_many_arguments)]
pub fn sgemm_batched(
    threads: usize,
    batch: usize,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    a_stride: usize,
    trans_a: bool,
    b: &[f32],
    b_stride: usize,
    trans_b: bool,
    c: &mut [f32],
    c_stride: usize,
) {
    let (mn, mk, kn) = (size(m, n), size(m, k), size(k, n));
    if batch == 0 || mn == 0 {
        return;
    }
    assert!(
        batch == 1 || c_stride >= mn,
        "sgemm_batched: c_stride {c_stride} < m*n {mn}: outputs would overlap"
    );
    let need = |len: usize, stride: usize, what: &str, have: usize| {
        let end = (batch - 1)
            .checked_mul(stride)
            .and_then(|o| o.checked_add(len));
        assert!(
            end.is_some_and(|e| e <= have),
            "sgemm_batched: {what} has {have} elements, needs {end:?}"
        );
    };
    need(mk, a_stride, "a", a.len());
    need(kn, b_stride, "b", b.len());
    need(mn, c_stride, "c", c.len());
    let plan = plan(trans_a, trans_b, m, n, k);
    let one = |i: usize, c: &mut [f32], threads: usize| {
        let (a, b) = (&a[i * a_stride..], &b[i * b_stride..]);
        let p = Product::new(m, n, k, a, trans_a, b, trans_b);
        p.run(plan, &mut c[..mn], threads);
    };
    let work = mn.saturating_mul(k);
    if batch > 1 && threads > 1 && work < BATCH_SPLIT_MAX_WORK {
        // Whole products per task: no synchronisation inside a product.
        let c = &mut c[..(batch - 1) * c_stride + mn];
        super::parallel::for_each_chunk_mut(c, c_stride, |i, c| one(i, c, 1));
    } else {
        for i in 0..batch {
            one(i, &mut c[i * c_stride..], threads.max(1));
        }
    }
}

/// x·y, or a panic naming the overflow: a wrapped size would let the kernels
/// read past a slice.
fn size(x: usize, y: usize) -> usize {
    x.checked_mul(y)
        .unwrap_or_else(|| panic!("sgemm: size {x}x{y} overflows usize"))
}

/// One product C = op(A)·op(B); the slices may be longer than the operands.
#[derive(Clone, Copy)]
struct Product<'a> {
    m: usize,
    n: usize,
    k: usize,
    a: &'a [f32],
    ta: bool,
    b: &'a [f32],
    tb: bool,
}

impl<'a> Product<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(m: usize, n: usize, k: usize, a: &'a [f32], ta: bool, b: &'a [f32], tb: bool) -> Self {
        Product {
            m,
            n,
            k,
            a,
            ta,
            b,
            tb,
        }
    }

    /// Writes C into `c` on up to `threads` threads (1: this thread only).
    ///
    /// Several threads split C into panels — along its longer side, so each
    /// panel packs only its own share of the larger operand — and run them as
    /// tasks of `parallel::for_each_task`, each panel single-threaded: the
    /// calling thread computes panels too instead of sleeping until rayon's pool
    /// is done (see cpu/parallel.rs for why that matters here).
    fn run(self, plan: Plan, c: &mut [f32], threads: usize) {
        let Product { m, n, k, a, b, .. } = self;
        assert!(
            a.len() >= size(m, k),
            "sgemm: a has {} elements, op(a) is {m}x{k}",
            a.len()
        );
        assert!(
            b.len() >= size(k, n),
            "sgemm: b has {} elements, op(b) is {k}x{n}",
            b.len()
        );
        assert!(
            c.len() >= size(m, n),
            "sgemm: c has {} elements, c is {m}x{n}",
            c.len()
        );
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            c[..m * n].fill(0.0);
            return;
        }
        let work = m.saturating_mul(n).saturating_mul(k);
        let split_n = n >= m;
        let long = if split_n { n } else { m };
        let panels = if threads > 1 && work >= PANEL_MIN_WORK {
            threads.min(long.div_ceil(PANEL_ALIGN))
        } else {
            1
        };
        if panels == 1 {
            // SAFETY: the whole product, checked by the asserts above.
            unsafe { self.block(plan, c.as_mut_ptr(), 0..m, 0..n) };
            return;
        }
        // Panel edges on multiples of PANEL_ALIGN, so only the last panel has ragged tiles.
        let step = long.div_ceil(panels).div_ceil(PANEL_ALIGN) * PANEL_ALIGN;
        let c_ptr = SendPtr(c.as_mut_ptr());
        super::parallel::for_each_task(long.div_ceil(step), |p| {
            let span = p * step..((p + 1) * step).min(long);
            let (rows, cols) = if split_n { (0..m, span) } else { (span, 0..n) };
            let c_ptr = &c_ptr;
            // SAFETY: panels are disjoint blocks of C inside the checked bounds.
            unsafe { self.block(plan, c_ptr.0, rows, cols) };
        });
    }

    /// C[rows, cols] = op(A)[rows, :] · op(B)[:, cols] on this thread.
    ///
    /// # Safety
    /// `c` points at a row-major m×n C (as checked by `run`), the ranges lie inside
    /// it, and no other thread writes the same block.
    unsafe fn block(
        self,
        plan: Plan,
        c: *mut f32,
        rows: std::ops::Range<usize>,
        cols: std::ops::Range<usize>,
    ) {
        let Product {
            m,
            n,
            k,
            a,
            ta,
            b,
            tb,
        } = self;
        let (m_, n_, k_) = (m as isize, n as isize, k as isize);
        let (r0, c0) = (rows.start, cols.start);
        // (pointer, row stride, column stride) of the block of C, op(A)'s rows and op(B)'s columns.
        let a_off = if ta { r0 } else { r0 * k };
        let b_off = if tb { c0 * k } else { c0 };
        // SAFETY (offsets): r0 < m and c0 < n, inside the checked slices.
        let c_ = (unsafe { c.add(r0 * n + c0) }, n_, 1);
        let a_ = (
            unsafe { a.as_ptr().add(a_off) },
            if ta { 1 } else { k_ },
            if ta { m_ } else { 1 },
        );
        let b_ = (
            unsafe { b.as_ptr().add(b_off) },
            if tb { 1 } else { n_ },
            if tb { k_ } else { 1 },
        );
        fn t<P>((p, rs, cs): (P, isize, isize)) -> (P, isize, isize) {
            (p, cs, rs) // the transposed view
        }
        let (bm, bn) = (rows.len(), cols.len());
        let par = Parallelism::None;
        let call = if plan.via_ct {
            // Cᵀ (n×m) = op(B)ᵀ (n×k) · op(A)ᵀ (k×m).
            let (dst, lhs, rhs) = (t(c_), t(b_), t(a_));
            Call {
                dims: (bn, bm, k),
                dst,
                lhs,
                rhs,
                par,
            }
        } else {
            Call {
                dims: (bm, bn, k),
                dst: c_,
                lhs: a_,
                rhs: b_,
                par,
            }
        };
        // SAFETY: every element the strides reach lies inside the block of C, the
        // rows of op(A) and the columns of op(B) named by the ranges, which lie
        // inside the slices `run` checked; transposing a view only swaps strides.
        unsafe { (plan.kernel)(&call) }
    }
}

/// C's pointer, shared by the panel tasks (each writes its own block).
struct SendPtr(*mut f32);
// SAFETY: the tasks write disjoint blocks (see `Product::run`).
unsafe impl Sync for SendPtr {}

/// Products below this many multiply-adds stay on one thread (~0.1 ms of work:
/// more than splitting and joining costs).
const PANEL_MIN_WORK: usize = 1 << 20;

/// Panel edges fall on multiples of this many rows or columns (a multiple of
/// the micro-kernels' tile sides).
const PANEL_ALIGN: usize = 48;

/// A product in gemm-common's terms: dst = lhs·rhs, column-major friendly, each
/// matrix as (pointer, row stride, column stride); dims = (rows, cols, depth).
struct Call {
    dims: (usize, usize, usize),
    dst: (*mut f32, isize, isize),
    lhs: (*const f32, isize, isize),
    rhs: (*const f32, isize, isize),
    par: Parallelism,
}

type Kernel = unsafe fn(&Call);

/// A kernel, and whether it computes Cᵀ = op(B)ᵀ·op(A)ᵀ (column-major output, the
/// kernels' own layout) or C itself.
#[derive(Clone, Copy)]
struct Plan {
    kernel: Kernel,
    via_ct: bool,
}

/// The fastest kernel and form per case, as measured on the project's machine
/// (GFLOP/s, 2 cores, best of 4 runs): AVX-512 unless B is transposed (1024²·Bᵀ:
/// 180 vs AVX2's 213; 64×512·(1024×512)ᵀ: 62 vs 176); for Aᵀ·Bᵀ on small sizes
/// the direct form, where both operands are already column-major (256²: 193 vs 139;
/// from 1024² on it falls behind: 151 vs 207). A short, wide product with a long
/// inner dimension — a conv layer's per-sample GEMMs, 64×784·1728 and
/// 64×1728·784 with Bᵀ — runs best direct on AVX-512 (one thread: 108 vs 102 and
/// 108 vs 90 GFLOP/s), while the LSTM's (k ≤ 256) and square ones keep Cᵀ — as
/// does any n that is a multiple of 128: the direct form's row stride then
/// aliases in the caches (64×1024·512: 127 vs 207 GFLOP/s on two threads), and
/// any n below 8·m (DRAW's 64×1024·(1024×264): 459 vs 258 µs).
fn plan(ta: bool, tb: bool, m: usize, n: usize, k: usize) -> Plan {
    use super::path::Path;
    let _ = (ta, tb, m, n, k);
    match super::path::active() {
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 if !ta && m <= 64 && n >= 8 * m && k >= 512 && !n.is_multiple_of(128) => {
            Plan {
                kernel: isa::avx512,
                via_ct: false,
            }
        }
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 if !tb => Plan {
            kernel: isa::avx512,
            via_ct: true,
        },
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 | Path::Avx2 => Plan {
            kernel: isa::fma,
            via_ct: !(ta && tb && m.max(n) <= 512),
        },
        #[cfg(target_arch = "aarch64")]
        Path::Neon => Plan {
            kernel: isa::neon,
            via_ct: true,
        },
        _ => Plan {
            kernel: isa::scalar,
            via_ct: true,
        },
    }
}

/// Each instruction set's blocked GEMM from gemm-f32, callable by name. All take
/// their blocking (kc, mc, nc) from the cache sizes gemm-common reads from the CPU
/// at run time (`path::caches`), and their register tiles are each set's own:
/// AVX2+FMA 16×6 (12 ymm accumulators + 2 loads of A + 1 broadcast of B = 15 of
/// the 16 registers, BLIS's Haswell shape), AVX-512 64×6 (24 + 4 + 1 of the 32
/// zmm), NEON 16×4 (16 + 4 + 1 of the 32 q registers), scalar 2×4.
mod isa {
    use super::Call;

    /// One kernel, instantiated as gemm-f32 does inside `gemm_common::__inject_mod!`.
    macro_rules! isa_gemm {
        ($name:ident, $ukr:ident, $simd:ident, $lanes:expr) => {
            pub unsafe fn $name(c: &Call) {
                use gemm_common::simd::{$simd, MixedSimd};
                use gemm_f32::microkernel::$ukr::f32::{H_M, H_N, H_UKR, MR_DIV_N, NR, UKR};
                let ((m, n, k), (dst, d_rs, d_cs)) = (c.dims, c.dst);
                let ((lhs, l_rs, l_cs), (rhs, r_rs, r_cs)) = (c.lhs, c.rhs);
                // Only reached after `path` or the tests found the instructions.
                let simd = <$simd as MixedSimd<f32, f32, f32, f32>>::try_new().unwrap();
                #[rustfmt::skip]
                gemm_common::gemm::gemm_basic_generic::<_, f32, $lanes, { MR_DIV_N * $lanes }, NR, MR_DIV_N, H_M, H_N>(
                    simd, m, n, k, dst, d_cs, d_rs, false, lhs, l_cs, l_rs, rhs, r_cs, r_rs,
                    0.0, 1.0, false, false, false, |x, y, z| x * y + z, &UKR, &H_UKR, false, c.par,
                );
            }
        };
    }
    #[cfg(target_arch = "x86_64")]
    isa_gemm!(avx512, avx512f, V4, 16);
    #[cfg(target_arch = "x86_64")]
    isa_gemm!(fma, fma, V3, 8);
    // gemm-f32's NEON kernel carries its own target_feature; the Simd type is a tag.
    #[cfg(target_arch = "aarch64")]
    isa_gemm!(neon, neon, Scalar, 4);
    isa_gemm!(scalar, scalar, Scalar, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel this machine can run, so each is tested whatever `plan` prefers.
    fn kernels() -> Vec<(&'static str, Kernel)> {
        let mut out: Vec<(&'static str, Kernel)> = vec![("scalar", isa::scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if gemm_common::simd::V3::try_new().is_some() {
                out.push(("fma", isa::fma));
            }
            if gemm_common::simd::V4::try_new().is_some() {
                out.push(("avx512", isa::avx512));
            }
        }
        #[cfg(target_arch = "aarch64")]
        if std::arch::is_aarch64_feature_detected!("neon") {
            out.push(("neon", isa::neon));
        }
        out
    }

    /// The register tiles the `isa` comment states: each fits its register file, so
    /// the AVX2 plan is not the AVX-512 one narrowed (a version bump would show here).
    #[test]
    fn register_tiles_fit_their_register_files() {
        // Accumulators (rows of vectors × columns) + A loads + one B broadcast.
        let fits = |mr_div_n: usize, nr: usize, regs: usize| mr_div_n * nr + mr_div_n < regs;
        #[cfg(target_arch = "x86_64")]
        {
            use gemm_f32::microkernel::{avx512f::f32 as z, fma::f32 as y};
            assert_eq!((y::MR_DIV_N * 8, y::NR), (16, 6));
            assert!(fits(y::MR_DIV_N, y::NR, 16));
            assert_eq!((z::MR_DIV_N * 16, z::NR), (64, 6));
            assert!(fits(z::MR_DIV_N, z::NR, 32));
        }
        #[cfg(target_arch = "aarch64")]
        {
            use gemm_f32::microkernel::neon::f32 as q;
            assert_eq!((q::MR_DIV_N * 4, q::NR), (16, 4));
            assert!(fits(q::MR_DIV_N, q::NR, 32));
        }
        let _ = fits;
    }

    /// Deterministic values in [-1, 1) that differ between a, b and positions.
    fn values(len: usize, seed: u64) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 40) as f32 / (1u64 << 23) as f32 - 1.0
            })
            .collect()
    }

    /// Naive triple loop in f64, and the bound on f32 rounding for each entry.
    fn reference(
        m: usize,
        n: usize,
        k: usize,
        a: &[f32],
        ta: bool,
        b: &[f32],
        tb: bool,
    ) -> (Vec<f64>, Vec<f64>) {
        let (mut c, mut tol) = (vec![0f64; m * n], vec![0f64; m * n]);
        for i in 0..m {
            for j in 0..n {
                let (mut s, mut abs) = (0f64, 0f64);
                for p in 0..k {
                    let x = if ta { a[p * m + i] } else { a[i * k + p] } as f64;
                    let y = if tb { b[j * k + p] } else { b[p * n + j] } as f64;
                    s += x * y;
                    abs += (x * y).abs();
                }
                c[i * n + j] = s;
                tol[i * n + j] = 2.0 * (k as f64 + 2.0) * f32::EPSILON as f64 * abs;
            }
        }
        (c, tol)
    }

    fn check(what: &str, got: &[f32], want: &[f64], tol: &[f64]) {
        for (idx, ((&g, &w), &t)) in got.iter().zip(want).zip(tol).enumerate() {
            assert!(
                (g as f64 - w).abs() <= t,
                "{what}: c[{idx}] = {g}, want {w} (tol {t:e})"
            );
        }
    }

    const SHAPES: &[(usize, usize, usize)] = &[
        (1, 1, 1),
        (1, 1, 7),
        (1, 13, 5),
        (11, 1, 5),
        (7, 5, 1),
        (2, 3, 2),
        (3, 17, 31),
        (17, 16, 15),
        (33, 65, 17),
        (13, 64, 129),
        (67, 3, 131),
        (97, 101, 103),
        (1, 300, 257),
        (300, 1, 257),
        (129, 257, 523),
        (64, 96, 1031),
    ];

    #[test]
    fn gemm_matches_naive_loop_on_odd_shapes_all_transposes_all_kernels() {
        for &(m, n, k) in SHAPES {
            let (a, b) = (values(m * k, 1 + m as u64), values(k * n, 2 + n as u64));
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (want, tol) = reference(m, n, k, &a, ta, &b, tb);
                for (name, kernel) in kernels() {
                    for (threads, via_ct) in [(1, true), (2, true), (1, false), (2, false)] {
                        let mut c = vec![f32::NAN; m * n];
                        let (a, b) = (&a[..], &b[..]);
                        let p = Product {
                            m,
                            n,
                            k,
                            a,
                            ta,
                            b,
                            tb,
                        };
                        p.run(Plan { kernel, via_ct }, &mut c, threads);
                        let what = format!("{name} via_ct={via_ct} threads={threads}");
                        check(
                            &format!("{what} {m}x{n}x{k} ta={ta} tb={tb}"),
                            &c,
                            &want,
                            &tol,
                        );
                    }
                }
                let mut c = vec![f32::NAN; m * n];
                sgemm(m, n, k, &a, ta, &b, tb, &mut c);
                check(
                    &format!("sgemm {m}x{n}x{k} ta={ta} tb={tb}"),
                    &c,
                    &want,
                    &tol,
                );
            }
        }
    }

    #[test]
    fn gemm_empty_dims() {
        // k = 0: C = 0, whatever was there.
        let mut c = vec![f32::NAN; 6];
        sgemm(2, 3, 0, &[], false, &[], true, &mut c);
        assert_eq!(c, vec![0.0; 6]);
        // m = 0 or n = 0: nothing to write, nothing read.
        let mut c = vec![5.0f32; 2];
        sgemm(0, 3, 4, &[], false, &values(12, 3), false, &mut c);
        sgemm(3, 0, 4, &values(12, 4), true, &[], false, &mut c);
        assert_eq!(c, vec![5.0; 2]);
        sgemm_batched(
            crate::cpu::threads(),
            3,
            0,
            2,
            4,
            &[],
            0,
            false,
            &values(8, 5),
            0,
            false,
            &mut c,
            0,
        );
        sgemm_batched(2, 0, 2, 2, 2, &[], 4, false, &[], 4, false, &mut c, 4);
        let mut c = vec![f32::NAN; 12];
        sgemm_batched(2, 3, 2, 2, 0, &[], 0, false, &[], 0, false, &mut c, 4);
        assert_eq!(c, vec![0.0; 12]);
    }

    #[test]
    fn gemm_batched_strides_broadcast_and_gaps() {
        // Small products (split over the batch) and large ones (split within each product).
        for &(batch, m, n, k) in &[(5, 3, 7, 5), (4, 17, 9, 33), (3, 130, 140, 250)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                for (a_stride, b_stride) in [(m * k, k * n), (0, k * n), (m * k, 0)] {
                    let a = values((batch - 1) * a_stride + m * k, 7);
                    let b = values((batch - 1) * b_stride + k * n, 8);
                    let c_stride = m * n + 3; // gaps that must stay untouched
                    let mut c = vec![-7.0f32; (batch - 1) * c_stride + m * n];
                    sgemm_batched(
                        crate::cpu::threads(),
                        batch,
                        m,
                        n,
                        k,
                        &a,
                        a_stride,
                        ta,
                        &b,
                        b_stride,
                        tb,
                        &mut c,
                        c_stride,
                    );
                    for i in 0..batch {
                        let (ai, bi) = (&a[i * a_stride..], &b[i * b_stride..]);
                        let (want, tol) = reference(m, n, k, ai, ta, bi, tb);
                        let what = format!("batch {i}/{batch} {m}x{n}x{k} ta={ta} tb={tb} strides {a_stride},{b_stride}");
                        check(&what, &c[i * c_stride..i * c_stride + m * n], &want, &tol);
                        if i + 1 < batch {
                            assert_eq!(
                                &c[i * c_stride + m * n..(i + 1) * c_stride],
                                &[-7.0; 3],
                                "{what}: gap written"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "outputs would overlap")]
    fn gemm_batched_rejects_overlapping_outputs() {
        let mut c = vec![0f32; 8];
        sgemm_batched(
            crate::cpu::threads(),
            2,
            2,
            2,
            2,
            &[1.0; 4],
            0,
            false,
            &[1.0; 4],
            0,
            false,
            &mut c,
            2,
        );
    }

    #[test]
    #[should_panic(expected = "sgemm: b has 5 elements")]
    fn gemm_rejects_short_slices() {
        let mut c = vec![0f32; 6];
        sgemm(2, 3, 2, &[1.0; 4], false, &[1.0; 5], false, &mut c);
    }

    #[test]
    #[should_panic(expected = "overflows usize")]
    fn gemm_rejects_sizes_that_overflow() {
        let mut c = vec![0f32; 4];
        sgemm(1 << 33, 1 << 32, 0, &[], false, &[], false, &mut c);
    }
}
