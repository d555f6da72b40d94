// Alternation: foveate and its baseline take turns, R rounds in one run, so both
// see the same machine load (a shared machine drifts by ±15% between runs). The
// order flips every round (F B, B F, F B, …) so neither side always runs second,
// on caches and a pool the other warmed. Each round's time of a side is the best of
// a few timed runs inside that round (bench/timer.ts, or bench/timing.py in the
// Python process: process start-up is never timed). A row reports, over rounds:
// the median of the per-round ratios baseline / foveate with their [min–max], and
// each side's median time.

/** One side's timing in one round: the best run (ms), the median run and how many runs. */
export interface RoundTiming {
  ms: number;
  medianMs: number;
  runs: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export type Side = 'foveate' | 'baseline';

export interface Alternation {
  rounds: number;
  /** The order the sides ran in, round after round. */
  order: Side[];
  /** Per-round timings of each side (raw, in round order). */
  foveate: RoundTiming[];
  baseline?: RoundTiming[];
  /** Per round: baseline ms / foveate ms (above 1: foveate faster). */
  ratios?: number[];
  /** Median over rounds of each side's round time (ms). */
  foveateMs: number;
  baselineMs?: number;
  /** Median and range of the per-round ratios. */
  ratio?: Spread;
}

/** The median (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: no values');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * Runs `foveate` and `baseline` alternately for `rounds` rounds (round r: foveate
 * first when r is even, baseline first when odd). Without a baseline (none installed),
 * foveate alone runs the rounds. A baseline that throws aborts the alternation.
 */
export async function alternate(rounds: number, foveate: () => RoundTiming, baseline?: () => RoundTiming | Promise<RoundTiming>): Promise<Alternation> {
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`alternate: rounds must be an integer ≥ 1, got ${rounds}`);
  const order: Side[] = [];
  const f: RoundTiming[] = [];
  const b: RoundTiming[] = [];
  for (let r = 0; r < rounds; r++) {
    const sides: Side[] = !baseline ? ['foveate'] : r % 2 === 0 ? ['foveate', 'baseline'] : ['baseline', 'foveate'];
    for (const side of sides) {
      order.push(side);
      if (side === 'foveate') f.push(foveate());
      else b.push(await baseline!());
    }
  }
  const out: Alternation = { rounds, order, foveate: f, foveateMs: median(f.map((t) => t.ms)) };
  if (baseline) {
    const ratios = b.map((t, i) => t.ms / f[i]!.ms);
    Object.assign(out, { baseline: b, ratios, baselineMs: median(b.map((t) => t.ms)), ratio: spread(ratios) });
  }
  return out;
}
