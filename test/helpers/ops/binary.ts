// Binary family: every op of reference.binaryOps with NumPy broadcasting — same
// shapes, size-1 broadcast dims, rank mismatch, scalar tensors, numbers as
// either operand, empty dims, and SPECIALS against SPECIALS (NaN, ±0, ±Infinity).
// Tolerance: exact arithmetic in float32 except powf (rtol 2e-6 ≈ 16 ulp).
import * as fv from '../../../src/index.js';
import { binary as refBinary, binaryOps, refArray } from '../../../src/reference/index.js';
import { SPECIALS, given, uniform, type Family, type InputMaker, type Sample } from '../samples.js';

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

function samplesFor(op: string): Sample[] {
  // pow: a positive base keeps most results real; SPECIALS cover the rest.
  const [low, high] = op === 'pow' ? [0.1, 3] : [-3, 3];
  // Comparisons need equal values to mean something: draw from few integers.
  const draw = (s: number[]): InputMaker => (op === 'eq' || op === 'gt' || op === 'lt' ? (rng) => ({ shape: s, dtype: 'float32', data: Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => rng.int(-2, 3)) }) : uniform(s, low, high));
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

export const binaryFamily: Family = {
  name: 'binary',
  tol: { atol: 1e-38, rtol: 2e-6 },
  samples: Object.keys(binaryOps).flatMap(samplesFor),
};
