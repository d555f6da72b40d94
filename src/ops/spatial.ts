// Argument helpers shared by the spatial ops (conv2d, pooling); not part of fv.ops.
import { fail, fmtShape } from '../errors.js';
import { type Tensor } from '../tensor.js';

/** A size for both spatial axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/** A non-negative (or, with `min` 1, positive) integer pair from a number or [h, w]. */
export function pair(op: string, arg: string, v: Pair | undefined, fallback: number, min: number): [number, number] {
  if (v !== undefined && typeof v !== 'number' && !Array.isArray(v)) fail(op, `${arg} must be a number or an [h, w] pair, got ${typeof v}`);
  const p: readonly number[] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2) fail(op, `${arg} must be a number or an [h, w] pair, got ${p.length} values`);
  for (const d of p) {
    if (!Number.isInteger(d) || d < min) fail(op, `${arg} must be ${min > 0 ? 'positive' : 'non-negative'} integers, got [${p.join(',')}]`);
  }
  return [p[0]!, p[1]!];
}

/** Checks the operands share a path (all float64 or none) and a device, naming them in errors. */
export function checkSamePath(op: string, named: Record<string, Tensor>): void {
  const entries = Object.entries(named);
  const f64 = entries.filter(([, t]) => t.dtype === 'float64').length;
  if (f64 > 0 && f64 < entries.length) {
    fail(op, `cannot mix float64 (reference) and float32 tensors: ${entries.map(([n, t]) => `${n} ${t.dtype} ${fmtShape(t.shape)}`).join(' vs ')}`);
  }
  const [first, ...rest] = entries;
  for (const [n, t] of rest) {
    if (t.device !== first![1].device) fail(op, `${n} on ${t.device} but ${first![0]} on ${first![1].device}`);
  }
}

