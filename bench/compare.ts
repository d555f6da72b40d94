// A foveate-vs-baseline row: one alternation (bench/alternate.ts) turned into what
// the report prints and what --json keeps (the raw per-round timings of both sides).
import { alternate, type Alternation, type RoundTiming, type Spread } from './alternate.js';
import { type Baseline, type PythonWorker } from './python.js';

export interface ComparedRow {
  name: string;
  /** Median over rounds of each side's round time (ms). */
  foveateMs: number;
  baselineMs?: number;
  /** Median [min, max] of the per-round ratios baseline ms / foveate ms (above 1: foveate faster). */
  ratio?: Spread;
  /** Work of one timed call, for the throughput columns: floating-point operations, or items (images, sentences). */
  flop?: number;
  items?: number;
  /** Why there is no baseline (no torch, no twin). */
  note?: string;
  /** The alternation itself: order, per-round timings of both sides, per-round ratios. */
  runs: Alternation;
}

/** A table of rows against one baseline. */
export interface ComparedSection {
  /** The --only name. */
  key: string;
  title: string;
  /** How the table prints a time: ms, GFLOP/s (from `flop`) or items/s (from `items`). */
  unit: 'ms' | 'GFLOP/s' | 'images/s' | 'sentences/s';
  /** The baseline's short name for the column ('PyTorch', 'numpy', 'composite'). */
  baselineName: string;
  /** What the baseline was, as it reported itself (version, threads), when it ran. */
  baseline?: string;
  rows: ComparedRow[];
}

export interface CompareOptions {
  name: string;
  rounds: number;
  foveate: () => RoundTiming;
  baseline?: () => RoundTiming | Promise<RoundTiming>;
  /** Why there is no baseline, when `baseline` is absent. */
  why?: string;
  flop?: number;
  items?: number;
}

/** Alternates the two sides; a baseline that fails mid-way leaves a foveate-only row naming the failure. */
export async function compare(o: CompareOptions): Promise<ComparedRow> {
  const work = { ...(o.flop !== undefined ? { flop: o.flop } : {}), ...(o.items !== undefined ? { items: o.items } : {}) };
  let runs: Alternation;
  let note = o.baseline ? undefined : o.why;
  try {
    runs = await alternate(o.rounds, o.foveate, o.baseline);
  } catch (e) {
    note = `baseline failed: ${e instanceof Error ? e.message : String(e)}`;
    runs = await alternate(o.rounds, o.foveate);
  }
  const row: ComparedRow = { name: o.name, foveateMs: runs.foveateMs, ...work, runs };
  if (runs.ratio) Object.assign(row, { baselineMs: runs.baselineMs, ratio: runs.ratio });
  if (note !== undefined) row.note = note;
  return row;
}

/** The round function of a case set up in the Python worker, or undefined when it is not there. */
export function pythonCase(worker: PythonWorker, b: Baseline | undefined, name: string): (() => Promise<RoundTiming>) | undefined {
  if (!b) return undefined;
  const key = `${b.module}:${name}`;
  if (!b.cases.includes(key)) throw new Error(`bench: ${b.module}.py has no case '${name}' (it has ${b.cases.join(', ')})`);
  return () => worker.measure(key);
}

function cell(unit: ComparedSection['unit'], row: ComparedRow, ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  if (unit === 'GFLOP/s') return ((row.flop ?? NaN) / (ms * 1e6)).toFixed(1);
  if (unit === 'images/s' || unit === 'sentences/s') return `${(((row.items ?? NaN) / ms) * 1e3).toFixed(1)} (${ms.toFixed(1)} ms)`;
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

/** The section as a markdown table, the baseline named, every ratio with its range. */
export function formatSection(s: ComparedSection, cpuPath: string, rounds: number): string[] {
  const lines = [
    `${s.title} — CPU path ${cpuPath}; median of ${rounds} alternated rounds [min–max]; ratio = ${s.baselineName} time / foveate time (above 1: foveate faster)`,
    `baseline: ${s.baseline ?? 'none in this run'}`,
    `| case | foveate ${s.unit} | ${s.baselineName} ${s.unit} | ratio [range] |`,
    '| --- | ---: | ---: | ---: |',
  ];
  for (const r of s.rows) {
    const ratio = r.ratio ? `${r.ratio.median.toFixed(2)} [${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)}]` : 'n/a';
    lines.push(`| ${r.name} | ${cell(s.unit, r, r.foveateMs)} | ${cell(s.unit, r, r.baselineMs)} | ${ratio} |`);
  }
  const notes = [...new Set(s.rows.map((r) => r.note).filter((n): n is string => n !== undefined))];
  for (const n of notes) lines.push(`${s.baselineName} baseline unavailable: ${n}`);
  return lines;
}
