// Reductions over axes. `axes` omitted reduces everything to a scalar.
import { fail, normAxis } from '../errors.js';
import { native } from '../native.js';
import { wrap, type Tensor } from '../tensor.js';
import { checkTensor } from './elementwise.js';

export interface ReduceOptions {
  keepdims?: boolean;
}

type Axes = number | readonly number[] | undefined;

function resolveAxes(op: string, x: Tensor, axes: Axes): number[] {
  if (axes === undefined) return [];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const seen = new Set<number>();
  for (const a of list) {
    const n = normAxis(op, a, x.rank);
    if (seen.has(n)) fail(op, `axis ${a} given twice`);
    seen.add(n);
  }
  return [...seen];
}

function reduce(op: string, x: Tensor, axes: Axes, options: ReduceOptions): Tensor {
  checkTensor(op, 'x', x);
  const list = resolveAxes(op, x, axes);
  if ((op === 'max' || op === 'min') && (list.length === 0 ? x.size === 0 : list.some((a) => x.shape[a] === 0))) {
    fail(op, `cannot reduce over an empty axis of shape [${x.shape.join(',')}]`);
  }
  return wrap(native.reduce(op, x.handle(op), list, options.keepdims ?? false));
}

/** Σ over `axes` (all when omitted); sums accumulate in float64. */
export const sum = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('sum', x, axes, options);
export const mean = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('mean', x, axes, options);
export const max = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('max', x, axes, options);
export const min = (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => reduce('min', x, axes, options);

/** Index of the first maximum along `axis`, as int32 (a NaN counts as the maximum). */
export function argmax(x: Tensor, axis: number, options: ReduceOptions = {}): Tensor {
  checkTensor('argmax', 'x', x);
  const a = normAxis('argmax', axis, x.rank);
  if (x.shape[a] === 0) fail('argmax', `cannot reduce over an empty axis of shape [${x.shape.join(',')}]`);
  return wrap(native.argmax(x.handle('argmax'), a, options.keepdims ?? false));
}
