// Layout ops by index arithmetic: every output element names its source.
import { ravel, size, unravel, type RefArray } from './array.js';
import { broadcastRead } from './elementwise.js';

function build(shape: number[], source: (idx: number[]) => number): RefArray {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = source(unravel(i, shape));
  return { shape, data };
}

export function permute(x: RefArray, perm: readonly number[]): RefArray {
  const shape = perm.map((p) => x.shape[p]!);
  return build(shape, (idx) => {
    const src = new Array<number>(x.shape.length);
    perm.forEach((p, d) => (src[p] = idx[d]!));
    return x.data[ravel(src, x.shape)]!;
  });
}

/** Bounds already resolved: 0 ≤ start ≤ end ≤ size, step ≥ 1. */
export function slice(x: RefArray, starts: readonly number[], ends: readonly number[], steps: readonly number[]): RefArray {
  const shape = x.shape.map((_, d) => Math.ceil((ends[d]! - starts[d]!) / steps[d]!));
  return build(shape, (idx) => x.data[ravel(idx.map((c, d) => starts[d]! + c * steps[d]!), x.shape)]!);
}

export function expand(x: RefArray, shape: readonly number[]): RefArray {
  return build([...shape], (idx) => broadcastRead(x, idx));
}

export function concat(parts: readonly RefArray[], axis: number): RefArray {
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  return build(shape, (idx) => {
    let c = idx[axis]!;
    for (const p of parts) {
      if (c < p.shape[axis]!) return p.data[ravel(idx.map((v, d) => (d === axis ? c : v)), p.shape)]!;
      c -= p.shape[axis]!;
    }
    throw new Error('reference.concat: index past the end');
  });
}

export function indexSelect(x: RefArray, axis: number, index: RefArray): RefArray {
  const shape = [...x.shape.slice(0, axis), ...index.shape, ...x.shape.slice(axis + 1)];
  const k = index.shape.length;
  return build(shape, (idx) => {
    const j = index.data[ravel(idx.slice(axis, axis + k), index.shape)]!;
    return x.data[ravel([...idx.slice(0, axis), j, ...idx.slice(axis + k)], x.shape)]!;
  });
}

export function gather(x: RefArray, axis: number, index: RefArray): RefArray {
  return build([...index.shape], (idx) => {
    const j = index.data[ravel(idx, index.shape)]!;
    return x.data[ravel(idx.map((c, d) => (d === axis ? j : c)), x.shape)]!;
  });
}

/** Zeros of `shape` with src written at the positions slice(starts, steps) reads. */
export function sliceScatter(src: RefArray, shape: number[], starts: readonly number[], steps: readonly number[]): RefArray {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < src.data.length; i++) {
    const idx = unravel(i, src.shape).map((c, d) => starts[d]! + c * steps[d]!);
    data[ravel(idx, shape)] = src.data[i]!;
  }
  return { shape, data };
}

/** out[.., index[j], ..] += src[.., j, ..] (index flattened), size `dim` on `axis`. */
export function indexAdd(src: RefArray, axis: number, index: RefArray, dim: number): RefArray {
  const k = index.shape.length;
  const shape = [...src.shape.slice(0, axis), dim, ...src.shape.slice(axis + k)];
  const data = new Float64Array(size(shape));
  for (let i = 0; i < src.data.length; i++) {
    const idx = unravel(i, src.shape);
    const j = index.data[ravel(idx.slice(axis, axis + k), index.shape)]!;
    data[ravel([...idx.slice(0, axis), j, ...idx.slice(axis + k)], shape)]! += src.data[i]!;
  }
  return { shape, data };
}

/** Zeros of `shape`, then out[p with axis coordinate index[p]] += src[p]. */
export function scatterAdd(src: RefArray, axis: number, index: RefArray, shape: number[]): RefArray {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < src.data.length; i++) {
    const idx = unravel(i, src.shape);
    idx[axis] = index.data[i]!;
    data[ravel(idx, shape)]! += src.data[i]!;
  }
  return { shape, data };
}
