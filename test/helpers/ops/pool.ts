// Pooling family: maxPool2d and avgPool2d forward, and their gradients (max: through
// autograd, so the saved int32 argmax is what routes the gradient; avg: the
// avgPool2dBackward kernel), against src/reference/pool.ts. Shapes: odd and
// non-square, kernel 1, stride > kernel, asymmetric kernel/stride/padding, padding =
// kernel/2, ceil mode where the last window hangs over the edge (and where the rule
// drops it), BN-Inception's 112→56 3×3/2 ceil-mode pool, integer inputs full of ties
// (first maximum wins) and NaN (a NaN wins over numbers).
// Tolerance: max pooling and its gradient are exact (copies and sums of at most
// ⌈k/s⌉² values routed identically); averages atol 1e-6, rtol 1e-6.
import * as fv from '../../../src/index.js';
import * as ref from '../../../src/reference/index.js';
import { EXACT } from '../compare.js';
import { given, integers, uniform, type Family, type InputMaker, type Sample } from '../samples.js';

interface Case {
  x: [number, number, number, number];
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  ceilMode?: boolean;
}

export const POOL_CASES: Case[] = [
  { x: [2, 3, 7, 9], kernel: 3, stride: 2 },
  { x: [2, 3, 7, 9], kernel: 3, stride: 2, padding: 1, ceilMode: true },
  { x: [1, 2, 6, 6], kernel: 3, stride: 2, padding: 1, ceilMode: true },
  { x: [1, 2, 5, 5], kernel: 3, stride: 3, padding: 1, ceilMode: true },
  { x: [3, 2, 11, 13], kernel: [2, 3], stride: [1, 2], padding: [1, 0] },
  { x: [2, 3, 11, 11], kernel: 2, stride: 3 },
  { x: [1, 4, 5, 7], kernel: 1 },
  { x: [2, 5, 13, 17], kernel: 5, stride: 2, padding: 2, ceilMode: true },
  { x: [1, 2, 112, 112], kernel: 3, stride: 2, ceilMode: true },
  { x: [1, 1, 3, 3], kernel: 3 },
  // Above the CPU kernels' parallel threshold.
  { x: [4, 8, 70, 70], kernel: 3, stride: 2, padding: 1 },
];

const args = (c: Case): ref.Pool2dArgs => {
  const p = (v: number | [number, number] | undefined, d: [number, number]): [number, number] => (v === undefined ? d : typeof v === 'number' ? [v, v] : v);
  const kernel = p(c.kernel, [1, 1]);
  return { kernel, stride: p(c.stride, kernel), padding: p(c.padding, [0, 0]), ceilMode: c.ceilMode ?? false };
};

const label = (c: Case): string => {
  const a = args(c);
  return `x [${c.x}] k [${a.kernel}] s [${a.stride}] p [${a.padding}]${a.ceilMode ? ' ceil' : ''}`;
};

function outShape(c: Case): number[] {
  const a = args(c);
  const o = (i: 0 | 1): number => ref.poolOutSize(c.x[2 + i]!, a.kernel[i], a.stride[i], a.padding[i], a.ceilMode);
  return [c.x[0], c.x[1], o(0), o(1)];
}

/** Max pool samples for one input maker: forward, and x.grad through autograd. */
function maxSamples(c: Case, what: string, make: InputMaker): Sample[] {
  const a = args(c);
  return [
    {
      name: `maxPool2d ${what} ${label(c)}`,
      inputs: [make],
      run: ([x]) => fv.ops.maxPool2d(x!, a),
      ref: ([x]) => ref.maxPool2d(x!, a).values,
      tol: EXACT,
    },
    {
      name: `maxPool2d backward ${what} ${label(c)}`,
      inputs: [make, uniform(outShape(c))],
      run: ([x, g]) => {
        x!.requiresGrad = true;
        fv.ops.maxPool2d(x!, a).backward(g);
        return x!.grad!;
      },
      ref: ([x, g]) => ref.maxPool2dBackward(g!, ref.maxPool2d(x!, a).indices, c.x),
      tol: { atol: 1e-6, rtol: 1e-6 },
    },
  ];
}

function avgSamples(c: Case, include: boolean): Sample[] {
  const a = args(c);
  const tag = include ? 'countIncludePad' : 'excludePad';
  return [
    {
      name: `avgPool2d ${tag} ${label(c)}`,
      inputs: [uniform(c.x)],
      run: ([x]) => fv.ops.avgPool2d(x!, { ...a, countIncludePad: include }),
      ref: ([x]) => ref.avgPool2d(x!, a, include),
    },
    {
      name: `avgPool2dBackward ${tag} ${label(c)}`,
      inputs: [uniform(outShape(c))],
      run: ([g]) => fv.ops.avgPool2dBackward(g!, c.x, { ...a, countIncludePad: include }),
      ref: ([g]) => ref.avgPool2dBackward(g!, c.x, a, include),
    },
  ];
}

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

export const poolFamily: Family = {
  name: 'pool2d',
  tol: { atol: 1e-6, rtol: 1e-6 },
  samples: [
    ...POOL_CASES.flatMap((c) => [
      ...maxSamples(c, 'random', uniform(c.x)),
      ...maxSamples(c, 'ties', integers(c.x, -2, 3)),
      ...avgSamples(c, true),
      ...avgSamples(c, false),
    ]),
    ...maxSamples(POOL_CASES[1]!, 'NaN', given(POOL_CASES[1]!.x, Array.from({ length: size(POOL_CASES[1]!.x) }, (_, i) => (i % 7 === 3 ? NaN : (i * 13) % 5)))),
  ],
};
