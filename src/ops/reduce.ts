// Reductions over axes. `axes` omitted reduces everything to a scalar.
import { checkOptions } from '../options.js';
import { fail, fmtShape, normAxis } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat } from './check.js';
import { div, eq, mul, mulScalar } from './elementwise.js';
import { expand, reshape } from './layout.js';

export interface ReduceOptions {
  keepdims?: boolean;
}

type Axes = number | readonly number[] | undefined;

function resolveAxes(op: string, x: Tensor, axes: Axes): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const seen = new Set<number>();
  for (const a of list) {
    const n = normAxis(op, a, x.shape);
    if (seen.has(n)) fail(op, `axis ${a} given twice`);
    seen.add(n);
  }
  return [...seen].sort((p, q) => p - q);
}

/** The reduced result broadcast back over x's shape (for backward passes). */
function spread(y: Tensor, x: Tensor, axes: number[]): Tensor {
  return expand(reshape(y, x.shape.map((d, i) => (axes.includes(i) ? 1 : d))), x.shape);
}

function reduce(op: 'sum' | 'mean' | 'max' | 'min', x: Tensor, axes: Axes, options: ReduceOptions): Tensor {
  checkOptions(op, options, ['keepdims']);
  checkFloat(op, 'x', x);
  const list = resolveAxes(op, x, axes);
  if ((op === 'max' || op === 'min') && list.some((a) => x.shape[a] === 0)) {
    fail(op, `cannot reduce over an empty axis of shape ${fmtShape(x.shape)}`);
  }
  const out = kernels(op, x).reduce(op, x, list, options.keepdims ?? false);
  const count = list.reduce((n, a) => n * x.shape[a]!, 1);
  return record(op, out, [x], (g) => {
    const gx = spread(g, x, list);
    if (op === 'sum') return [gx];
    if (op === 'mean') return [mulScalar(gx, 1 / count)];
    // max/min: shared equally among the elements that attain the extreme.
    const hits = eq(x, spread(out, x, list));
    const ties = spread(sum(hits, list, { keepdims: true }), x, list);
    return [div(mul(gx, hits), ties)];
  });
}

/** Σ over `axes` (all when omitted); sums accumulate in float64. */
export const sum = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('sum', x, axes, options);
export const mean = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('mean', x, axes, options);
export const max = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('max', x, axes, options);
export const min = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('min', x, axes, options);

/** Index of the first maximum along `axis`, as int32 (a NaN counts as the maximum). */
export function argmax(x: Tensor, axis: number, options: ReduceOptions = {}): Tensor {
  checkOptions('argmax', options, ['keepdims']);
  checkFloat('argmax', 'x', x);
  const a = normAxis('argmax', axis, x.shape);
  if (x.shape[a] === 0) fail('argmax', `cannot reduce over an empty axis of shape ${fmtShape(x.shape)}`);
  return kernels('argmax', x).argmax(x, a, options.keepdims ?? false);
}
