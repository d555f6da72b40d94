"""The timing loop every Python baseline under bench/ uses, the same as
bench/timer.ts: warm up, then repeat until both a minimum number of runs and a
minimum time have passed. Returns (best, median) in milliseconds."""
import statistics
import time


def timed(fn, min_ms, min_runs=3, warmup=1):
    for _ in range(warmup):
        fn()
    runs = []
    start = time.perf_counter()
    while len(runs) < min_runs or (time.perf_counter() - start) * 1e3 < min_ms:
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1e3)
    return min(runs), statistics.median(runs)
