// Binary ops: every op of reference.binaryOps with NumPy broadcasting — same
// shapes, size-1 broadcast dims, rank mismatch, scalar tensors, numbers as
// either operand, empty dims, and SPECIALS against SPECIALS (NaN, ±0, ±Infinity).
// Tolerance: exact arithmetic in float32 except powf (rtol 2e-6 ≈ 16 ulp).
// Gradcheck: same shape, and [2,1,3] with [4,1] (broadcast both ways).
import * as fv from '../../src/index.js';
import { binary as refBinary, refArray } from '../../src/reference/index.js';
import { SPECIALS, err, f64, family, gc, given, gradcheck, i32, uniform, type GradCase, type InputMaker, type OpSpec, type Sample } from './opinfo.js';

type Tensor = fv.Tensor;
type Operand = Tensor | number;

function apply(op: string, a: Operand, b: Operand): Tensor {
  const f = (fv.ops as unknown as Record<string, (a: Operand, b: Operand) => Tensor>)[op];
  if (typeof f !== 'function') throw new Error(`fv.ops.${op} is missing`);
  return f(a, b);
}

export const BINARY_SHAPES: [number[], number[]][] = [
  [[], []],
  [[7], [7]],
  [[13, 17], [13, 17]],
  [[1], [17]],
  [[33, 1], [1, 65]],
  [[2, 3, 1, 5], [4, 1]],
  [[31], [3, 1, 31]],
  [[], [3, 4]],
  [[5, 7], []],
  [[0, 3], [1, 3]],
  [[2, 0], [2, 1]],
  [[400, 340], [400, 340]],
  [[400, 340], [340]],
  [[400, 1], [1, 340]],
];

/** Inputs: uniform in [low, high), or (comparisons) few integers, so equal values occur. */
function samplesOf(op: string, draws: 'uniform' | 'ties', [low, high]: [number, number] = [-3, 3]): Sample[] {
  const draw = (s: number[]): InputMaker => (draws === 'ties' ? (rng) => ({ shape: s, dtype: 'float32', data: Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => rng.int(-2, 3)) }) : uniform(s, low, high));
  const samples: Sample[] = BINARY_SHAPES.map(([sa, sb]) => ({
    name: `${op} [${sa}] vs [${sb}]`,
    inputs: [draw(sa), draw(sb)],
    run: ([a, b]) => apply(op, a!, b!),
    ref: ([a, b]) => refBinary(op, a!, b!),
  }));
  const n = SPECIALS.length;
  samples.push({
    name: `${op} specials [${n},1] vs [1,${n}]`,
    inputs: [given([n, 1], SPECIALS), given([1, n], SPECIALS)],
    run: ([a, b]) => apply(op, a!, b!),
    ref: ([a, b]) => refBinary(op, a!, b!),
  });
  for (const c of [2.5, -1.25]) {
    samples.push(
      {
        name: `${op} [3,13] vs number ${c}`,
        inputs: [draw([3, 13])],
        run: ([a]) => apply(op, a!, c),
        ref: ([a]) => refBinary(op, a!, refArray([c], [])),
      },
      {
        name: `${op} number ${c} vs [13]`,
        inputs: [draw([13])],
        run: ([b]) => apply(op, c, b!),
        ref: ([b]) => refBinary(op, refArray([c], []), b!),
      },
    );
  }
  return samples;
}

/** Gradcheck on same shapes and broadcast shapes, inputs shifted by `shift`. */
function grad(op: string, f: (a: Tensor, b: Tensor) => Tensor, shift = 0): GradCase[] {
  return [
    gc(`${op} same shape`, f, () => [f64([2, 3], 2, 1, shift), f64([2, 3], 3, 1, shift)]),
    gc(`${op} broadcast [2,1,3] with [4,1]`, f, () => [f64([2, 1, 3], 4, 1, shift), f64([4, 1], 5, 1, shift)]),
  ];
}

const { ops } = fv;

const specs: OpSpec[] = [
  {
    name: 'add',
    samples: samplesOf('add', 'uniform'),
    grad: grad('add', ops.add),
    errors: [
      err('shapes that do not broadcast', () => ops.add(fv.zeros([2, 3]), fv.zeros([4, 3])), /^add: .*broadcast.*\[2,3\].*\[4,3\]/),
      err('int32 b', () => ops.add(fv.zeros([2, 2]), i32([1, 2, 3, 4], [2, 2])), /^add: b .*float32.*int32.*\[2,2\]/),
    ],
  },
  {
    name: 'sub',
    samples: samplesOf('sub', 'uniform'),
    grad: [
      ...grad('sub', ops.sub),
      // A number on either side (sub and div: the operand order matters).
      {
        name: 'scalar operands (number on either side)',
        run: () => {
          gradcheck((x) => ops.sub(2, ops.mul(x, 3)), [f64([4], 6)]);
          gradcheck((x) => ops.div(1, ops.addScalar(ops.square(x), 1)), [f64([4], 7)]);
        },
      },
    ],
  },
  {
    name: 'mul',
    samples: samplesOf('mul', 'uniform'),
    grad: grad('mul', ops.mul),
    errors: [err('shapes that do not broadcast', () => ops.mul(fv.zeros([5, 1, 7]), fv.zeros([2, 6])), /^mul: .*\[5,1,7\].*\[2,6\]/)],
  },
  { name: 'div', samples: samplesOf('div', 'uniform'), grad: grad('div', ops.div, 4) },
  // A positive base keeps most results real; SPECIALS cover the rest.
  { name: 'pow', samples: samplesOf('pow', 'uniform', [0.1, 3]), grad: grad('pow', ops.pow, 4) },
  { name: 'maximum', samples: samplesOf('maximum', 'uniform'), grad: grad('maximum', ops.maximum) },
  { name: 'minimum', samples: samplesOf('minimum', 'uniform'), grad: grad('minimum', ops.minimum) },
  // Comparisons: 0/1 results, no gradient.
  { name: 'gt', samples: samplesOf('gt', 'ties'), grad: false },
  { name: 'lt', samples: samplesOf('lt', 'ties'), grad: false },
  { name: 'eq', samples: samplesOf('eq', 'ties'), grad: false },
];

export const binary = family('binary', { atol: 1e-38, rtol: 2e-6 }, specs);
