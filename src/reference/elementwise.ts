// Elementwise ops straight from their definitions, and NumPy broadcasting.
import { ravel, size, unravel, type RefArray } from './array.js';

/**
 * C's pow (IEEE 754), which the kernels use: JS `**` differs only in giving NaN
 * for 1 ** NaN and (-1) ** ±Infinity, where C gives 1.
 */
function cPow(a: number, b: number): number {
  return a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : a ** b;
}

export const unaryOps: Record<string, (x: number, p: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)),
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x * 0),
  step: (x) => (Number.isNaN(x) ? x : x > 0 ? 1 : 0),
  addScalar: (x, p) => x + p,
  mulScalar: (x, p) => x * p,
  powScalar: (x, p) => cPow(x, p),
  maxScalar: (x, p) => (Number.isNaN(x) ? x : Math.max(x, p)),
  minScalar: (x, p) => (Number.isNaN(x) ? x : Math.min(x, p)),
};

export const binaryOps: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: cPow,
  maximum: (a, b) => (Number.isNaN(a) ? a : a > b ? a : b),
  minimum: (a, b) => (Number.isNaN(a) ? a : a < b ? a : b),
  gt: (a, b) => (a > b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};

export function unary(op: string, x: RefArray, p = 0): RefArray {
  const f = unaryOps[op];
  if (!f) throw new Error(`reference.unary: unknown op ${op}`);
  return { shape: [...x.shape], data: x.data.map((v) => f(v, p)) };
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[i - rank + a.length] ?? 1;
    const db = b[i - rank + b.length] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`reference.broadcast: [${a}] vs [${b}]`);
    return da === 1 ? db : da;
  });
}

/** The element of `x` that output position `idx` reads under broadcasting. */
export function broadcastRead(x: RefArray, idx: readonly number[]): number {
  const off = idx.length - x.shape.length;
  const own = x.shape.map((d, i) => (d === 1 ? 0 : idx[i + off]!));
  return x.data[ravel(own, x.shape)]!;
}

export function binary(op: string, a: RefArray, b: RefArray): RefArray {
  const f = binaryOps[op];
  if (!f) throw new Error(`reference.binary: unknown op ${op}`);
  const shape = broadcastShape(a.shape, b.shape);
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    data[i] = f(broadcastRead(a, idx), broadcastRead(b, idx));
  }
  return { shape, data };
}
