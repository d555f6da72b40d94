// Layout ops: reshape, transpose/permute, slice, expand, concat, gather and
// indexSelect, each with its backward. Each makes a new contiguous tensor.
import { checkShape, fail, fmtShape, normAxis, numel } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkAny } from './check.js';
import { sumTo } from './broadcast.js';
import { indexAdd, scatterAdd, sliceScatter } from './scatter.js';

/** Same values, new shape; one entry may be -1 and is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkAny('reshape', 'x', x);
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) fail('reshape', `only one dimension may be -1, got ${fmtShape(shape)}`);
  const known = shape.filter((d) => d !== -1);
  checkShape('reshape', 'shape', known);
  let dims = [...shape];
  if (free === 1) {
    const rest = numel(known);
    if (rest === 0 || x.size % rest !== 0) fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`);
    dims = shape.map((d) => (d === -1 ? x.size / rest : d));
  }
  if (numel(dims) !== x.size) fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(dims)} (${numel(dims)} elements)`);
  const out = kernels('reshape', x).reshape(x, dims);
  return record('reshape', out, [x], (g) => [reshape(g, x.shape)]);
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkAny('permute', 'x', x);
  const axes = perm.map((p) => normAxis('permute', p, x.shape));
  if (axes.length !== x.rank || new Set(axes).size !== x.rank) {
    fail('permute', `perm ${fmtShape(perm)} is not a permutation of the ${x.rank} axes of ${fmtShape(x.shape)}`);
  }
  const inverse = axes.map((_, i) => axes.indexOf(i));
  const out = kernels('permute', x).permute(x, axes);
  return record('permute', out, [x], (g) => [permute(g, inverse)]);
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkAny('transpose', 'x', x);
  const a = normAxis('transpose', axis0, x.shape);
  const b = normAxis('transpose', axis1, x.shape);
  return permute(x, x.shape.map((_, i) => (i === a ? b : i === b ? a : i)));
}

/**
 * x[begin:end:step] per axis, with Python's negative indices and clamping;
 * axes past the given lists are kept whole.
 * @example fv.ops.slice(x, [0, 1], [2, -1]) // x[0:2, 1:-1]
 */
export function slice(x: Tensor, begin: readonly number[], end?: readonly number[], step?: readonly number[]): Tensor {
  checkAny('slice', 'x', x);
  if (begin.length > x.rank || (end?.length ?? 0) > x.rank || (step?.length ?? 0) > x.rank) {
    fail('slice', `more bounds than the ${x.rank} axes of ${fmtShape(x.shape)}`);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  x.shape.forEach((size, d) => {
    const k = step?.[d] ?? 1;
    if (!Number.isInteger(k) || k < 1) fail('slice', `step[${d}] = ${k} must be a positive integer`);
    const clampIndex = (v: number | undefined, fallback: number): number => {
      if (v === undefined) return fallback;
      if (!Number.isInteger(v)) fail('slice', `axis ${d}: bound ${v} is not an integer`);
      return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    };
    const s = clampIndex(begin[d], 0);
    starts.push(s);
    ends.push(Math.max(s, clampIndex(end?.[d], size)));
    steps.push(k);
  });
  const out = kernels('slice', x).slice(x, starts, ends, steps);
  return record('slice', out, [x], (g) => [sliceScatter(g, x.shape, starts, steps)]);
}

/** Broadcasts x to `shape` (NumPy rules) and materialises it. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkAny('expand', 'x', x);
  const dims = checkShape('expand', 'shape', shape);
  const out = kernels('expand', x).expand(x, dims);
  return record('expand', out, [x], (g) => [sumTo(g, x.shape)]);
}

/** Joins tensors along `axis`; all other sizes, the dtype and the device must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!(tensors instanceof Array) || tensors.length === 0) fail('concat', 'tensors must be a non-empty array');
  tensors.forEach((t, i) => checkAny('concat', `tensors[${i}]`, t));
  const first = tensors[0]!;
  const a = normAxis('concat', axis, first.shape);
  tensors.forEach((t, i) => {
    const ok = t.rank === first.rank && t.shape.every((d, j) => j === a || d === first.shape[j]);
    if (!ok || t.dtype !== first.dtype || t.device !== first.device) {
      fail('concat', `tensors[${i}] is ${t.dtype} ${fmtShape(t.shape)} on ${t.device}, expected ${first.dtype} on ${first.device} matching ${fmtShape(first.shape)} except on axis ${a}`);
    }
  });
  const out = kernels('concat', ...tensors).concat(tensors, a);
  return record('concat', out, tensors, (g) => {
    let at = 0;
    return tensors.map((t) => {
      const part = slice(g, g.shape.map((_, d) => (d === a ? at : 0)), g.shape.map((s, d) => (d === a ? at + t.shape[a]! : s)));
      at += t.shape[a]!;
      return part;
    });
  });
}

function checkIndex(op: string, index: Tensor): void {
  checkAny(op, 'index', index);
  if (index.dtype !== 'int32') fail(op, `index must be int32, got ${index.dtype} ${fmtShape(index.shape)}`);
}

/** out = x.shape[..axis] + index.shape + x.shape[axis+1..] (NumPy's take). */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkAny('indexSelect', 'x', x);
  checkIndex('indexSelect', index);
  const a = normAxis('indexSelect', axis, x.shape);
  const out = kernels('indexSelect', x).indexSelect(x, a, index);
  return record('indexSelect', out, [x], (g) => [indexAdd(g, a, index, x.shape[a]!)]);
}

/** PyTorch's gather: out[i][j] = x[i][index[i][j]] along `axis`. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkAny('gather', 'x', x);
  checkIndex('gather', index);
  const a = normAxis('gather', axis, x.shape);
  const out = kernels('gather', x).gather(x, a, index);
  return record('gather', out, [x], (g) => [scatterAdd(g, a, index, x.shape)]);
}
