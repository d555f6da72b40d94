// Reductions and softmax over axes, from their definitions.
import { ravel, size, unravel, type RefArray } from './array.js';

export function reduce(op: 'sum' | 'mean' | 'max' | 'min', x: RefArray, axes: readonly number[] = [], keepdims = false): RefArray {
  const rank = x.shape.length;
  const red = new Set((axes.length ? axes : x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a)));
  const keptShape = x.shape.map((d, i) => (red.has(i) ? 1 : d));
  const acc = new Float64Array(size(keptShape)).fill(op === 'max' ? -Infinity : op === 'min' ? Infinity : 0);
  const seenNaN = new Uint8Array(acc.length);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((c, d) => (red.has(d) ? 0 : c));
    const o = ravel(idx, keptShape);
    const v = x.data[i]!;
    if (Number.isNaN(v)) seenNaN[o] = 1;
    if (op === 'max') acc[o] = Math.max(acc[o]!, v);
    else if (op === 'min') acc[o] = Math.min(acc[o]!, v);
    else acc[o]! += v;
  }
  const count = x.shape.reduce((p, d, i) => (red.has(i) ? p * d : p), 1);
  const data = acc.map((v, o) => (seenNaN[o] ? NaN : op === 'mean' ? v / count : v));
  const shape = keepdims ? keptShape : x.shape.filter((_, i) => !red.has(i));
  return { shape, data };
}

export function argmax(x: RefArray, axis: number, keepdims = false): RefArray {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const keptShape = x.shape.map((d, i) => (i === a ? 1 : d));
  const out = new Float64Array(size(keptShape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, keptShape);
    let best = -Infinity;
    let at = -1;
    for (let j = 0; j < x.shape[a]!; j++) {
      idx[a] = j;
      const v = x.data[ravel(idx, x.shape)]!;
      if (Number.isNaN(v)) {
        at = j;
        break;
      }
      if (at < 0 || v > best) [best, at] = [v, j];
    }
    out[o] = at;
  }
  return { shape: keepdims ? keptShape : x.shape.filter((_, i) => i !== a), data: out };
}

export function softmax(x: RefArray, axis: number, log = false): RefArray {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const out = new Float64Array(x.data.length);
  const keptShape = x.shape.map((d, i) => (i === a ? 1 : d));
  for (let o = 0; o < size(keptShape); o++) {
    const idx = unravel(o, keptShape);
    const at = (j: number): number => ravel(idx.map((c, d) => (d === a ? j : c)), x.shape);
    let m = -Infinity;
    for (let j = 0; j < x.shape[a]!; j++) m = Math.max(m, x.data[at(j)]!);
    if (!Number.isFinite(m)) m = 0;
    let s = 0;
    for (let j = 0; j < x.shape[a]!; j++) s += Math.exp(x.data[at(j)]! - m);
    for (let j = 0; j < x.shape[a]!; j++) {
      const v = x.data[at(j)]! - m;
      out[at(j)] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return { shape: [...x.shape], data: out };
}
