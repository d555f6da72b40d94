// The bench's alternation (bench/alternate.ts): the order flips every round, the
// per-round ratio pairs each round's two timings, and the median and range are
// those of the per-round ratios; rows without a baseline, a baseline that fails,
// the table's wording, the bench's options, and the Python worker's protocol.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { alternate, median, spread, type RoundTiming } from '../../bench/alternate.js';
import { compare, formatSection } from '../../bench/compare.js';
import { PythonWorker, trySetup } from '../../bench/python.js';
import { parseBenchOptions } from '../../src/cli/common/bench-options.js';
import { messageOf } from '../helpers/errors.js';

const timing = (ms: number): RoundTiming => ({ ms, medianMs: ms + 1, runs: 3 });

/** A side that logs its turn and returns the next of `times`. */
function side(name: string, log: string[], times: number[]): () => RoundTiming {
  let i = 0;
  return () => {
    log.push(name);
    return timing(times[i++]!);
  };
}

describe('median and spread', () => {
  it('take the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([7])).toBe(7);
    expect(spread([2, 9, 4, 1, 5])).toEqual({ median: 4, min: 1, max: 9 });
    expect(messageOf(() => median([]))).toBe('median: no values');
  });
});

describe('alternate', () => {
  it('flips the order every round and pairs each round\'s timings', async () => {
    const log: string[] = [];
    const fov = [10, 20, 10, 10, 40];
    const base = [15, 20, 30, 12, 20];
    const a = await alternate(5, side('foveate', log, fov), side('baseline', log, base));
    expect(log).toEqual(['foveate', 'baseline', 'baseline', 'foveate', 'foveate', 'baseline', 'baseline', 'foveate', 'foveate', 'baseline']);
    expect(a.order).toEqual(log);
    expect(a.foveate.map((t) => t.ms)).toEqual(fov);
    expect(a.baseline!.map((t) => t.ms)).toEqual(base);
    expect(a.ratios).toEqual([1.5, 1, 3, 1.2, 0.5]);
    // Median of per-round ratios (1.2), not the ratio of medians (20 / 10 = 2).
    expect(a.ratio).toEqual({ median: 1.2, min: 0.5, max: 3 });
    expect(a.foveateMs).toBe(10);
    expect(a.baselineMs).toBe(20);
  });

  it('awaits an asynchronous baseline in its turn', async () => {
    const log: string[] = [];
    const a = await alternate(2, side('foveate', log, [4, 4]), async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.push('baseline');
      return timing(8);
    });
    expect(log).toEqual(['foveate', 'baseline', 'baseline', 'foveate']);
    expect(a.ratio).toEqual({ median: 2, min: 2, max: 2 });
  });

  it('runs foveate alone without a baseline, and refuses a bad round count', async () => {
    const log: string[] = [];
    const a = await alternate(3, side('foveate', log, [3, 1, 2]));
    expect(log).toEqual(['foveate', 'foveate', 'foveate']);
    expect(a.foveateMs).toBe(2);
    expect(a.ratio).toBeUndefined();
    expect(a.baseline).toBeUndefined();
    await expect(alternate(0, side('foveate', [], [1]))).rejects.toThrow('alternate: rounds must be an integer ≥ 1, got 0');
  });
});

describe('compare and its table', () => {
  it('a failing baseline leaves a foveate-only row that says why', async () => {
    const row = await compare({ name: 'x', rounds: 2, foveate: () => timing(5), baseline: () => Promise.reject(new Error('torch exploded')) });
    expect(row.note).toBe('baseline failed: torch exploded');
    expect(row.ratio).toBeUndefined();
    expect(row.runs.foveate).toHaveLength(2);
  });

  it('prints the rounds, the CPU path, the range, throughput and n/a with the reason', async () => {
    const ok = await compare({ name: 'step', rounds: 3, foveate: side('f', [], [10, 10, 10]), baseline: side('b', [], [20, 15, 30]), items: 64 });
    const missing = await compare({ name: 'other', rounds: 3, foveate: () => timing(10), why: "No module named 'torch'", items: 64 });
    const text = formatSection({ key: 'k', title: 'T', unit: 'images/s', baselineName: 'PyTorch', rows: [ok, missing] }, 'avx2', 3).join('\n');
    expect(text).toContain('CPU path avx2; median of 3 alternated rounds [min–max]');
    expect(text).toContain('| step | 6400.0 (10.0 ms) | 3200.0 (20.0 ms) | 2.00 [1.50–3.00] |');
    expect(text).toContain('| other | 6400.0 (10.0 ms) | n/a | n/a |');
    expect(text).toContain("PyTorch baseline unavailable: No module named 'torch'");
  });
});

describe('bench options', () => {
  it('--rounds (default 5) and --only are checked', () => {
    expect(parseBenchOptions([])).toEqual({ json: false, only: undefined, rounds: 5 });
    expect(parseBenchOptions(['--only', 'captioner,dram', '--rounds', '3'])).toEqual({ json: false, only: ['captioner', 'dram'], rounds: 3 });
    expect(messageOf(() => parseBenchOptions(['--rounds', '0']))).toBe('bench: --rounds must be an integer ≥ 1, got 0');
    expect(messageOf(() => parseBenchOptions(['--only', 'dram,captoiner']))).toMatch(/^bench: --only: unknown section 'captoiner' \(did you mean 'captioner'\?\)/);
    expect(messageOf(() => parseBenchOptions(['--round', '3']))).toMatch(/did you mean '--rounds'/);
  });
});

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe.runIf(hasPython)('the Python worker', () => {
  it('answers a missing module and an unknown case with reasons, and stays up', async () => {
    const worker = new PythonWorker();
    try {
      const none = await trySetup(worker, 'no_such_baseline', {});
      expect(none.baseline).toBeUndefined();
      expect(none.why).toBe("no_such_baseline.py: ModuleNotFoundError: No module named 'no_such_baseline'");
      await expect(worker.measure('x:y')).rejects.toThrow("x:y: KeyError: 'x:y'");
      await worker.drop('no_such_baseline');
    } finally {
      worker.close();
    }
  });
});
