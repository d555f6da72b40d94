// Timing for benchmarks: warm up, then repeat until a minimum time has passed;
// report the best and the median run (best is what the ratios use, as for numpy).
import { type RoundTiming } from './alternate.js';

export interface Timing {
  bestMs: number;
  medianMs: number;
  runs: number;
}

export function time(fn: () => void, options: { minMs?: number; minRuns?: number; warmup?: number } = {}): Timing {
  const { minMs = 300, minRuns = 5, warmup = 2 } = options;
  for (let i = 0; i < warmup; i++) fn();
  const runs: number[] = [];
  const start = performance.now();
  while (runs.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  return { bestMs: runs[0]!, medianMs: runs[Math.floor(runs.length / 2)]!, runs: runs.length };
}

/** One round of an alternation (bench/alternate.ts): the best run as the round's time. */
export function timeRound(fn: () => void, options: { minMs?: number; minRuns?: number; warmup?: number } = {}): RoundTiming {
  const t = time(fn, options);
  return { ms: t.bestMs, medianMs: t.medianMs, runs: t.runs };
}
