#!/usr/bin/env python3
"""numpy float32 matmul GFLOP/s, the baseline for foveate's CPU SGEMM.

Usage: python3 bench/numpy_gemm.py '[{"m":1024,"n":1024,"k":1024,"ta":false,"tb":false}, ...]'
       (or the same JSON on stdin; no argument and no stdin: the default shapes).
       "ta"/"tb" (default false) transpose an operand, "batch" (default 1) makes it a
       batched product of [batch,m,k]·[batch,k,n].
Prints JSON [{m, n, k, ta, tb, batch, gflops, median_gflops}] on stdout. For the bench's
alternated rounds, bench/worker.py calls setup(config) instead: {"shapes": [...]} gives one
round function per shape, named by its index, timing ms per product. `gflops` is the
best of the repeats after a warm-up (the same statistic as crates/kernels/examples/gemm_bench.rs),
`median_gflops` the median. Run it with OpenBLAS's core detection left alone:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/numpy_gemm.py
"""
import json
import statistics
import sys
import time

import numpy as np

DEFAULT_SHAPES = [
    {"m": s, "n": s, "k": s} for s in (256, 512, 1024, 2048)
] + [{"m": 64, "n": 1024, "k": 512}, {"m": 64, "n": 1024, "k": 256}]


def read_shapes():
    if len(sys.argv) > 1:
        return json.loads(sys.argv[1])
    if not sys.stdin.isatty():
        text = sys.stdin.read().strip()
        if text:
            return json.loads(text)
    return DEFAULT_SHAPES


def operand(batch, rows, cols, trans, rng):
    # A transposed operand is a transposed *view* of a contiguous array, as in
    # autograd's backward (a.T @ g): numpy hands BLAS the transpose flag, no copy.
    lead = (batch,) if batch > 1 else ()
    if trans:
        return np.swapaxes(rng.standard_normal(lead + (cols, rows), dtype=np.float32), -1, -2)
    return rng.standard_normal(lead + (rows, cols), dtype=np.float32)


def bench(m, n, k, ta, tb, batch=1, min_time=0.25, min_reps=5):
    best, med, _ = bench_ms(m, n, k, ta, tb, batch, min_time, min_reps)
    flops = 2.0 * m * n * k * batch
    return flops / best / 1e6, flops / med / 1e6


def bench_ms(m, n, k, ta, tb, batch=1, min_time=0.25, min_reps=5):
    """Best and median milliseconds of one product, and the number of samples."""
    rng = np.random.default_rng(0)
    a = operand(batch, m, k, ta, rng)
    b = operand(batch, k, n, tb, rng)
    c = np.empty(((batch,) if batch > 1 else ()) + (m, n), dtype=np.float32)
    # Warm-up: thread pool start, page faults of c, caches.
    t_end = time.perf_counter() + 0.2
    while time.perf_counter() < t_end:
        np.matmul(a, b, out=c)
    # Batch enough calls per sample that the timer is not the measurement.
    t0 = time.perf_counter()
    np.matmul(a, b, out=c)
    one = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, int(0.02 / one))
    samples = []
    t_end = time.perf_counter() + min_time
    while len(samples) < min_reps or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=c)
        samples.append((time.perf_counter() - t0) * 1e3 / inner)
    return min(samples), statistics.median(samples), len(samples)


def blas_name():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f'{blas["name"]} {blas.get("version", "")}'.strip()
    except Exception:  # older numpy: no dict form
        return "BLAS"


def setup(config):
    def case(s):
        m, n, k = int(s["m"]), int(s["n"]), int(s["k"])
        ta, tb, batch = bool(s.get("ta", False)), bool(s.get("tb", False)), int(s.get("batch", 1))

        def round_():
            best, med, runs = bench_ms(m, n, k, ta, tb, batch)
            return {"ms": best, "median_ms": med, "runs": runs}
        return round_
    return {str(i): case(s) for i, s in enumerate(config["shapes"])}, f"numpy {np.__version__} ({blas_name()})"


def main():
    out = []
    for s in read_shapes():
        m, n, k = int(s["m"]), int(s["n"]), int(s["k"])
        ta, tb = bool(s.get("ta", False)), bool(s.get("tb", False))
        batch = int(s.get("batch", 1))
        best, med = bench(m, n, k, ta, tb, batch)
        out.append({"m": m, "n": n, "k": k, "ta": ta, "tb": tb, "batch": batch,
                    "gflops": round(best, 2), "median_gflops": round(med, 2)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
