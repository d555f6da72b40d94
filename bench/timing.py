"""The timing loop every Python baseline under bench/ uses, the same as
bench/timer.ts: warm up, then repeat until both a minimum number of runs and a
minimum time have passed. `timed_runs` returns (best, median, runs) in
milliseconds; `measure` turns a step into a round measurement for bench/worker.py."""
import statistics
import time


def timed_runs(fn, min_ms, min_runs=3, warmup=1):
    for _ in range(warmup):
        fn()
    runs = []
    start = time.perf_counter()
    while len(runs) < min_runs or (time.perf_counter() - start) * 1e3 < min_ms:
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1e3)
    return min(runs), statistics.median(runs), len(runs)


def measure(fn, min_ms, min_runs=3, warmup=1):
    """A zero-argument callable timing one round: {"ms": best, "median_ms", "runs"}."""
    def round_():
        best, median, runs = timed_runs(fn, min_ms, min_runs, warmup)
        return {"ms": best, "median_ms": median, "runs": runs}
    return round_


def torch_label(torch):
    """How the baseline names itself in the bench's tables."""
    return f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads"
