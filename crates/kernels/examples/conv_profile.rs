//! Where conv2d's CPU time goes on the BN-Inception-sized layer (batch 32,
//! 192→64, 28×28, 3×3, padding 1): im2col, the GEMMs and col2im timed apart,
//! then the whole kernels. `cargo run --release --example conv_profile -p foveate-kernels`
//! (`-- --shapes`: the backward-weight GEMM layouts; `-- --pools`: threading schemes).
use std::time::Instant;

use foveate_kernels::cpu::conv::{backward_input, backward_weight, col2im, forward, im2col};
use foveate_kernels::cpu::gemm::sgemm;
use foveate_kernels::ops::conv::{Conv2dGeom, Conv2dParams};

fn best(mut f: impl FnMut()) -> f64 {
    f();
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    if std::env::args().any(|a| a == "--pools") {
        return pools();
    }
    if std::env::args().any(|a| a == "--shapes") {
        return shapes();
    }
    let p = Conv2dParams::symmetric((1, 1), (1, 1), (1, 1), 1);
    let g = Conv2dGeom::new("profile", &[32, 192, 28, 28], &[64, 192, 3, 3], p).unwrap();
    let (chw, howo, k) = (g.c * g.h * g.w, g.ho * g.wo, g.col_rows());
    let x: Vec<f32> = (0..g.n * chw)
        .map(|i| (i % 17) as f32 * 0.1 - 0.8)
        .collect();
    let w: Vec<f32> = (0..g.o * k).map(|i| (i % 13) as f32 * 0.1 - 0.6).collect();
    let dy: Vec<f32> = (0..g.n * g.o * howo)
        .map(|i| (i % 11) as f32 * 0.1 - 0.5)
        .collect();
    let mut col = vec![0f32; k * howo];
    let mut out = vec![0f32; g.o * howo];
    let mut dx = vec![0f32; chw];
    let mut dw = vec![0f32; g.o * k];
    let n = g.n;
    let im = best(|| (0..n).for_each(|s| im2col(&x[s * chw..], &g, &mut col)));
    let c2i = best(|| (0..n).for_each(|_| col2im(&col, &g, &mut dx)));
    let fwd_gemm =
        best(|| (0..n).for_each(|_| sgemm(g.o, howo, k, &w, false, &col, false, &mut out)));
    let bi_gemm = best(|| {
        (0..n).for_each(|s| {
            sgemm(
                k,
                howo,
                g.o,
                &w,
                true,
                &dy[s * g.o * howo..],
                false,
                &mut col,
            )
        })
    });
    let bw_gemm = best(|| {
        (0..n).for_each(|s| {
            sgemm(
                g.o,
                k,
                howo,
                &dy[s * g.o * howo..],
                false,
                &col,
                true,
                &mut dw,
            )
        })
    });
    let gf = |ms: f64| 2.0 * (g.o * howo * k * n) as f64 / ms / 1e6;
    println!("single thread data movement, whole batch: im2col {im:.1} ms, col2im {c2i:.1} ms");
    println!("threaded GEMMs, whole batch: forward {fwd_gemm:.1} ms ({:.0} GFLOP/s), grad x {bi_gemm:.1} ms ({:.0}), grad w {bw_gemm:.1} ms ({:.0})", gf(fwd_gemm), gf(bi_gemm), gf(bw_gemm));
    let f = best(|| drop(forward(&x, &w, None, &g, None)));
    let bi = best(|| drop(backward_input(&dy, &w, &g)));
    let bw = best(|| drop(backward_weight(&dy, &x, &g)));
    println!("kernels: forward {f:.1} ms ({:.0} GFLOP/s), backward input {bi:.1} ms ({:.0}), backward weight {bw:.1} ms ({:.0}); step {:.1} ms", gf(f), gf(bi), gf(bw), f + bi + bw);
}

/// GEMM shapes the backward weight could use, timed in one run, each on one
/// thread (as each block of samples calls them).
fn shapes() {
    use foveate_kernels::cpu::gemm::sgemm_on;
    let (o, k, hw) = (64usize, 1728usize, 784usize);
    let a: Vec<f32> = (0..o * hw * 16).map(|i| (i % 7) as f32).collect();
    let b: Vec<f32> = (0..k * hw * 16).map(|i| (i % 5) as f32).collect();
    let (mut c, mut y, mut cl) = (vec![0f32; o * k], vec![0f32; o * hw], vec![0f32; k * hw]);
    let gf = |ms: f64, n: usize| 2.0 * (o * k * hw * n) as f64 / ms / 1e6;
    let report = |what: &str, t: f64, n: usize| {
        println!("1 thread: {what}: {t:.1} ms/{n} ({:.0} GFLOP/s)", gf(t, n))
    };
    let per_sample = |f: &mut dyn FnMut(usize)| best(|| (0..16).for_each(&mut *f));
    let (sa, sb) = (|s: usize| &a[s * o * hw..], |s: usize| &b[s * k * hw..]);
    let t = per_sample(&mut |s| sgemm_on(1, o, k, hw, sa(s), false, sb(s), true, &mut c));
    report("dy·colᵀ per sample (k=784, Bᵀ)", t, 16);
    let t = best(|| sgemm_on(1, o, k, hw * 16, &a, false, &b, true, &mut c));
    report("dy·colᵀ one product (k=16·784, Bᵀ)", t, 16);
    let t = per_sample(&mut |s| sgemm_on(1, o, k, hw, sa(s), false, sb(s), false, &mut c));
    report("dy·colT per sample (k=784, no transpose)", t, 16);
    let t = per_sample(&mut |s| sgemm_on(1, o, hw, k, &c, false, sb(s), false, &mut y));
    report("W·col forward per sample", t, 16);
    let t = per_sample(&mut |s| sgemm_on(1, k, hw, o, &c, true, sa(s), false, &mut cl));
    report("Wᵀ·dy per sample", t, 16);
}

/// Forward with each half-batch on its own 1-thread pool (single-threaded GEMMs) vs the kernel.
fn pools() {
    let p = Conv2dParams::symmetric((1, 1), (1, 1), (1, 1), 1);
    let g = Conv2dGeom::new("profile", &[32, 192, 28, 28], &[64, 192, 3, 3], p).unwrap();
    let chw = g.c * g.h * g.w;
    let x: Vec<f32> = (0..g.n * chw)
        .map(|i| (i % 17) as f32 * 0.1 - 0.8)
        .collect();
    let w: Vec<f32> = (0..g.o * g.col_rows())
        .map(|i| (i % 13) as f32 * 0.1 - 0.6)
        .collect();
    let half = Conv2dGeom { n: 16, ..g };
    let pools: Vec<_> = (0..2)
        .map(|_| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap()
        })
        .collect();
    for _ in 0..2 {
        let split = best(|| {
            std::thread::scope(|s| {
                for (i, pool) in pools.iter().enumerate() {
                    let xs = &x[i * 16 * chw..];
                    let (w, half) = (&w, &half);
                    s.spawn(move || pool.install(|| drop(forward(xs, w, None, half, None))));
                }
            })
        });
        let nested = best(|| drop(forward(&x, &w, None, &g, None)));
        println!("forward: two 1-thread pools {split:.1} ms vs nested {nested:.1} ms");
    }
}
