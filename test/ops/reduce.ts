// Reductions: sum, mean, max, min over single, multiple, negative and all axes,
// with and without keepdims, on ranks 0–4 (empty dims where the op allows);
// argmax over each axis with ties (→ first index) and NaN (→ its index).
// Tolerance: max/min/argmax exact; sum within 8u·Σ|x| over each reduced group
// (float64 accumulation, one float32 rounding per reduced axis), mean the same
// divided by the count, plus rtol 4u for the final roundings (u = 2^-24).
import { expect } from 'vitest';
import * as fv from '../../src/index.js';
import { argmax as refArgmax, reduce as refReduce } from '../../src/reference/index.js';
import { EXACT, U32 } from '../helpers/compare.js';
import { native } from '../../src/native.js';
import { absOf, err, f64, family, gc, given, gradcheck, i32, integers, uniform, type OpSpec, type Sample } from './opinfo.js';

type Op = 'sum' | 'mean' | 'max' | 'min';
type Tensor = fv.Tensor;

const SHAPES: number[][] = [[], [1], [7], [13, 17], [4, 0, 3], [2, 31, 3], [3, 5, 7, 2], [3, 211, 211]];

/** Axis lists to try on a shape (undefined = all axes). */
function axisChoices(rank: number): (number[] | undefined)[] {
  const out: (number[] | undefined)[] = [undefined];
  for (let a = 0; a < rank; a++) out.push([a]);
  if (rank >= 1) out.push([-1]);
  if (rank >= 2) out.push([0, rank - 1], [-1, -2]);
  if (rank >= 3) out.push([2, 0]);
  if (rank >= 4) out.push([1, -1, 0]);
  return out;
}

function reduced(shape: number[], axes: number[] | undefined): number {
  const list = axes ?? shape.map((_, i) => i);
  return list.reduce((p, a) => p * shape[a < 0 ? a + shape.length : a]!, 1);
}

function reduceSample(op: Op, shape: number[], axes: number[] | undefined, keepdims: boolean, withNaN = false): Sample {
  const count = reduced(shape, axes);
  const isSum = op === 'sum' || op === 'mean';
  return {
    name: `${op} [${shape}] axes ${axes === undefined ? 'all' : `[${axes}]`}${keepdims ? ' keepdims' : ''}${withNaN ? ' with NaN' : ''}`,
    inputs: [withNaN ? (rng) => { const x = uniform(shape)(rng); x.data[rng.int(0, x.data.length)] = NaN; return x; } : uniform(shape)],
    run: ([x]) => fv.ops[op](x!, axes, { keepdims }),
    ref: ([x]) => refReduce(op, x!, axes, keepdims),
    tol: isSum ? { atol: 0, rtol: 4 * U32 } : EXACT,
    bound: isSum ? ([x]) => refReduce('sum', absOf(x!), axes, keepdims).data.map((v) => (8 * U32 * v) / (op === 'mean' ? count : 1)) : undefined,
  };
}

/** Every shape × axis choice (keepdims on every other one), and two with a NaN. */
function samplesOf(op: Op): Sample[] {
  const out: Sample[] = [];
  for (const shape of SHAPES) {
    axisChoices(shape.length).forEach((axes, i) => {
      // max/min of an empty group is an error (tested in test/errors.test.ts).
      if ((op === 'max' || op === 'min') && reduced(shape, axes) === 0) return;
      out.push(reduceSample(op, shape, axes, i % 2 === 1));
    });
  }
  out.push(reduceSample(op, [13, 17], [1], false, true), reduceSample(op, [5, 9], undefined, true, true));
  return out;
}

function argmaxSample(label: string, shape: number[], axis: number, keepdims: boolean, make = integers(shape, 0, 4)): Sample {
  return {
    name: `argmax ${label} [${shape}] axis ${axis}${keepdims ? ' keepdims' : ''}`,
    inputs: [make],
    run: ([x]) => fv.ops.argmax(x!, axis, { keepdims }),
    ref: ([x]) => refArgmax(x!, axis, keepdims),
    dtype: 'int32',
    tol: EXACT,
  };
}

function argmaxSamples(): Sample[] {
  const out: Sample[] = [];
  for (const shape of [[1], [7], [13, 17], [2, 31, 3], [3, 5, 7, 2], [4, 0, 3]]) {
    for (let a = -1; a < shape.length; a++) {
      if (shape[a < 0 ? a + shape.length : a] === 0) continue;
      out.push(argmaxSample('ties', shape, a, a === 0));
    }
  }
  const n = Number.NaN;
  const inf = Infinity;
  out.push(
    argmaxSample('random', [97, 65], 1, false, uniform([97, 65])),
    argmaxSample('NaN', [4, 5], 1, false, given([4, 5], [1, n, 3, 3, n, /**/ 2, 2, 1, 0, 2, /**/ -inf, -inf, -inf, -inf, -inf, /**/ n, 1, 9, 9, 0])),
    argmaxSample('NaN', [4, 5], 0, true, given([4, 5], [1, n, 3, 3, n, /**/ 2, 2, 1, 0, 2, /**/ -inf, -inf, -inf, -inf, -inf, /**/ n, 1, 9, 9, 0])),
    argmaxSample('±Infinity', [2, 4], 1, false, given([2, 4], [inf, 1, inf, 2, -inf, -inf, 0, -inf])),
  );
  return out;
}

/** Gradcheck input: [3,4,5] float64 normals (distinct values, so max/min have no ties). */
const x = (): Tensor[] => [f64([3, 4, 5], 14)];
/** Bad input: a [2,3] float32 tensor (axes out of range) and a [2,2] int32 one. */
const x23 = (): Tensor => fv.zeros([2, 3]);
const ints = (): Tensor => i32([1, 2, 3, 4], [2, 2]);
const { ops } = fv;

const specs: OpSpec[] = [
  {
    name: 'sum',
    samples: samplesOf('sum'),
    grad: [
      {
        name: 'sum over all, one, several and negative axes, keepdims',
        run: () => {
          gradcheck((t) => ops.sum(t), x());
          gradcheck((t) => ops.sum(t, 1), x());
          gradcheck((t) => ops.sum(t, [0, 2], { keepdims: true }), x());
          gradcheck((t) => ops.sum(t, -1), x());
        },
      },
    ],
    errors: [
      err('int32 x', () => ops.sum(ints()), /^sum: x .*float32.*int32.*\[2,2\]/),
      err('axis out of range', () => ops.sum(x23(), 2), /^sum: axis 2 .*\[2,3\]/),
      err('non-integer axis', () => ops.sum(x23(), 0.5), /^sum: axis 0.5 /),
      err('binding: int32 x', () => native.reduce('sum', ints().handle('test').id, [], false), /^sum: x .*float32.*int32/),
      err('binding: axis out of range', () => native.reduce('sum', x23().handle('test').id, [5], false), /^sum: axis 5 out of range .*rank 2/),
    ],
  },
  {
    name: 'mean',
    samples: samplesOf('mean'),
    grad: [
      {
        name: 'mean',
        run: () => {
          gradcheck((t) => ops.mean(t), x());
          gradcheck((t) => ops.mean(t, [0, 1]), x());
        },
      },
    ],
    errors: [err('axis out of range', () => ops.mean(x23(), [0, -3]), /^mean: axis -3 .*\[2,3\]/)],
  },
  {
    name: 'max',
    samples: samplesOf('max'),
    grad: [
      gc('max (distinct values)', (t) => ops.max(t, 2), x),
      {
        name: 'max shares the gradient among ties',
        run: () => {
          const t = fv.tensor([1, 3, 3, 2], [4], { dtype: 'float64' });
          t.requiresGrad = true;
          ops.max(t).backward();
          expect(Array.from(t.grad!.toFloat64Array())).toEqual([0, 0.5, 0.5, 0]);
        },
      },
    ],
    errors: [
      err('axis given twice', () => ops.max(x23(), [1, 1]), /^max: axis 1 given twice/),
      err('empty axis (no identity)', () => ops.max(fv.zeros([0, 3]), 0), /^max: .*empty axis.*\[0,3\]/),
      err('binding: empty axis', () => native.reduce('max', fv.zeros([0, 3]).handle('test').id, [0], false), /^max: .*empty axis.*\[0,3\]/),
    ],
  },
  {
    name: 'min',
    samples: samplesOf('min'),
    grad: [gc('min (distinct values)', (t) => ops.min(t, [0, 1], { keepdims: true }), x)],
    errors: [err('empty axis (no identity)', () => ops.min(fv.zeros([2, 0])), /^min: .*empty axis.*\[2,0\]/)],
  },
  // An int32 index: no gradient.
  {
    name: 'argmax',
    samples: argmaxSamples(),
    grad: false,
    errors: [
      err('int32 x', () => ops.argmax(ints(), 0), /^argmax: x .*float32.*int32.*\[2,2\]/),
      err('axis out of range', () => ops.argmax(x23(), 5), /^argmax: axis 5 .*\[2,3\]/),
      err('empty axis', () => ops.argmax(fv.zeros([2, 0]), 1), /^argmax: .*empty axis.*\[2,0\]/),
      err('binding: int32 x', () => native.argmax(ints().handle('test').id, 0, false), /^argmax: x .*float32.*int32/),
      err('binding: axis out of range', () => native.argmax(x23().handle('test').id, 2, false), /^argmax: axis 2 out of range/),
    ],
  },
];

export const reduce = family('reduce', EXACT, specs);
