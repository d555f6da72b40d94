//! SGEMM GFLOP/s of `foveate_kernels::cpu::gemm`, optionally side by side with numpy.
//!
//! ```text
//! cargo run --release -p foveate-kernels --example gemm_bench -- [--numpy] [--rounds R] [--json] [SHAPES]
//! ```
//! SHAPES is JSON, `[{"m":1024,"n":1024,"k":1024,"ta":false,"tb":true,"batch":1}, ...]`
//! (ta, tb, batch optional), the same format `bench/numpy_gemm.py` reads; without it,
//! the issue's shapes (square 256–2048, the LSTM shapes) in all four transpose cases.
//! Each measurement warms up for 0.2 s (thread pool, page faults, caches), then times
//! batches of ≥ 20 ms for ≥ 0.25 s; `gflops` is the best batch, `median_gflops` the
//! median. With `--numpy`, each of R rounds (default 3) measures every shape with
//! numpy (`OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE` unset) and then with foveate, so both
//! see the same machine state; the best and the median of round medians are reported. The script's
//! path can be overridden with `NUMPY_GEMM_PY`.
//! Prints a table, or with `--json` one JSON array `[{m,n,k,ta,tb,batch,gflops,median_gflops,numpy_gflops?,...}]`.

use foveate_kernels::cpu::gemm::{sgemm, sgemm_batched};
use std::io::Read;
use std::process::Command;
use std::time::Instant;

#[derive(Clone, Copy)]
struct Shape {
    m: usize,
    n: usize,
    k: usize,
    ta: bool,
    tb: bool,
    batch: usize,
}

/// Best and median GFLOP/s of one shape.
fn measure(s: Shape) -> (f64, f64) {
    let fill = |len: usize, seed: usize| -> Vec<f32> {
        (0..len)
            .map(|i| ((i * 7 + seed) % 13) as f32 / 6.5 - 1.0)
            .collect()
    };
    let (a, b) = (fill(s.batch * s.m * s.k, 1), fill(s.batch * s.k * s.n, 2));
    let mut c = vec![0f32; s.batch * s.m * s.n];
    let mut run = || {
        if s.batch == 1 {
            sgemm(s.m, s.n, s.k, &a, s.ta, &b, s.tb, &mut c);
        } else {
            let (m, n, k) = (s.m, s.n, s.k);
            sgemm_batched(
                foveate_kernels::cpu::threads(),
                s.batch,
                m,
                n,
                k,
                &a,
                m * k,
                s.ta,
                &b,
                k * n,
                s.tb,
                &mut c,
                m * n,
            );
        }
    };
    let flops = 2.0 * (s.batch * s.m * s.n * s.k) as f64;
    let warm = Instant::now();
    while warm.elapsed().as_secs_f64() < 0.2 {
        run();
    }
    let t = Instant::now();
    run();
    let inner = ((0.02 / t.elapsed().as_secs_f64().max(1e-7)) as usize).max(1);
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 5 || start.elapsed().as_secs_f64() < 0.25 {
        let t = Instant::now();
        for _ in 0..inner {
            run();
        }
        samples.push(flops * inner as f64 / t.elapsed().as_secs_f64() / 1e9);
    }
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() - 1], samples[samples.len() / 2])
}

fn default_shapes() -> Vec<Shape> {
    let mut out = Vec::new();
    for (m, n, k) in [
        (256, 256, 256),
        (512, 512, 512),
        (1024, 1024, 1024),
        (2048, 2048, 2048),
        (64, 1024, 512),
        (64, 1024, 256),
    ] {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            out.push(Shape {
                m,
                n,
                k,
                ta,
                tb,
                batch: 1,
            });
        }
    }
    out
}

/// The flat objects of a JSON array: `[{"m":1,"ta":true}, ...]` → key/value strings.
fn json_objects(text: &str) -> Vec<Vec<(String, String)>> {
    text.split('{')
        .skip(1)
        .map(|obj| {
            let body = obj.split('}').next().unwrap_or("");
            body.split(',')
                .filter_map(|kv| {
                    let (k, v) = kv.split_once(':')?;
                    Some((k.trim().trim_matches('"').to_string(), v.trim().to_string()))
                })
                .collect()
        })
        .collect()
}

fn parse_shapes(text: &str) -> Vec<Shape> {
    json_objects(text)
        .into_iter()
        .map(|kv| {
            let get = |key: &str| kv.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
            let num = |key: &str, default: usize| {
                get(key).map_or(default, |v| v.parse().expect("shape: bad number"))
            };
            Shape {
                m: num("m", 1),
                n: num("n", 1),
                k: num("k", 1),
                ta: get("ta") == Some("true"),
                tb: get("tb") == Some("true"),
                batch: num("batch", 1),
            }
        })
        .collect()
}

fn to_json(shapes: &[Shape]) -> String {
    let items: Vec<String> = shapes
        .iter()
        .map(|s| {
            format!(
                r#"{{"m":{},"n":{},"k":{},"ta":{},"tb":{},"batch":{}}}"#,
                s.m, s.n, s.k, s.ta, s.tb, s.batch
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// numpy over the shapes: (best, median) per shape, in order.
fn numpy_run(shapes: &[Shape]) -> Vec<(f64, f64)> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/numpy_gemm.py");
    let script = std::env::var("NUMPY_GEMM_PY").unwrap_or_else(|_| default.to_string());
    let out = Command::new("python3")
        .arg(script)
        .arg(to_json(shapes))
        .env_remove("OPENBLAS_CORETYPE")
        .env_remove("OPENBLAS_L2_SIZE")
        .output()
        .expect("gemm_bench: cannot run python3");
    assert!(
        out.status.success(),
        "gemm_bench: numpy_gemm.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_objects(&String::from_utf8_lossy(&out.stdout))
        .into_iter()
        .map(|kv| {
            let get = |key: &str| {
                kv.iter()
                    .find(|(k, _)| k == key)
                    .map_or(0.0, |(_, v)| v.parse().unwrap_or(0.0))
            };
            (get("gflops"), get("median_gflops"))
        })
        .collect()
}

/// Best of the bests and median of the medians over rounds.
fn summarise(rounds: &[Vec<(f64, f64)>], i: usize) -> (f64, f64) {
    let best = rounds.iter().map(|r| r[i].0).fold(0.0, f64::max);
    let mut meds: Vec<f64> = rounds.iter().map(|r| r[i].1).collect();
    meds.sort_by(f64::total_cmp);
    (best, meds[meds.len() / 2])
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut numpy, mut json, mut rounds, mut shapes) = (false, false, 3, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--numpy" => numpy = true,
            "--json" => json = true,
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|r| r.parse().ok())
                    .expect("--rounds N")
            }
            "-" => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).expect("stdin");
                shapes = Some(parse_shapes(&text));
            }
            text => shapes = Some(parse_shapes(text)),
        }
    }
    let shapes = shapes.unwrap_or_else(default_shapes);
    let rounds = if numpy { rounds.max(1) } else { 1 };
    // Shape by shape, numpy then foveate, so both see the same moment of a shared machine.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (mut o, mut t) = (Vec::new(), Vec::new());
        for &s in &shapes {
            if numpy {
                t.push(numpy_run(&[s])[0]);
            }
            o.push(measure(s));
        }
        ours.push(o);
        theirs.push(t);
    }
    let mut rows = Vec::new();
    if !json {
        let np = if numpy { "     numpy  ratio" } else { "" };
        println!(
            "{:>22} {:>5} {:>5}  {:>9} {:>9}{np}",
            "m x n x k", "op(A)", "op(B)", "best", "median"
        );
    }
    for (i, s) in shapes.iter().enumerate() {
        let (best, median) = summarise(&ours, i);
        let mut row = format!(
            r#"{{"m":{},"n":{},"k":{},"ta":{},"tb":{},"batch":{},"gflops":{best:.2},"median_gflops":{median:.2}"#,
            s.m, s.n, s.k, s.ta, s.tb, s.batch
        );
        let dims = if s.batch > 1 {
            format!("{}x {}x{}x{}", s.batch, s.m, s.n, s.k)
        } else {
            format!("{}x{}x{}", s.m, s.n, s.k)
        };
        let mut line = format!(
            "{dims:>22} {:>5} {:>5}  {best:>9.1} {median:>9.1}",
            if s.ta { "Aᵀ" } else { "A" },
            if s.tb { "Bᵀ" } else { "B" }
        );
        if numpy {
            let (nb, nm) = summarise(&theirs, i);
            row += &format!(
                r#","numpy_gflops":{nb:.2},"numpy_median_gflops":{nm:.2},"ratio":{:.3}"#,
                best / nb
            );
            line += &format!(" {nb:>9.1} {:>6.2}", best / nb);
        }
        rows.push(row + "}");
        if !json {
            println!("{line}");
        }
    }
    if json {
        println!("[{}]", rows.join(","));
    }
}
