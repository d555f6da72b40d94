// Pooling: maxPool2d and avgPool2d forward, and their gradients (max: through
// autograd, so the saved int32 argmax is what routes the gradient; avg: the
// avgPool2dBackward kernel), against src/reference/pool.ts. Shapes: odd and
// non-square, kernel 1, stride > kernel, asymmetric kernel/stride/padding, padding =
// kernel/2, ceil mode where the last window hangs over the edge (and where the rule
// drops it), BN-Inception's 112→56 3×3/2 ceil-mode pool, integer inputs full of ties
// (first maximum wins) and NaN (a NaN wins over numbers).
// Tolerance: max pooling and its gradient are exact (copies and sums of at most
// ⌈k/s⌉² values routed identically); averages atol 1e-6, rtol 1e-6.
// Gradcheck (float64): distinct normals, so no window has a tie within the
// finite-difference step; the gradient ops are linear in grad (second order).
// Errors: wrong rank, kernel/stride/padding values, grad and indices shapes; the
// binding re-checks when called directly.
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { EXACT } from '../helpers/compare.js';
import { expect } from 'vitest';
import { NativeTensor } from '../../src/native.js';
import { err, f64, family, given, gradcheck, integers, uniform, type GradCase, type InputMaker, type Sample } from './opinfo.js';

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

/** Max pool forward on one input maker. */
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
  ];
}

/** x.grad through autograd: the saved int32 argmax routes the gradient (maxPool2dBackward). */
function maxBackwardSamples(c: Case, what: string, make: InputMaker): Sample[] {
  const a = args(c);
  return [
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
  ];
}

function avgBackwardSamples(c: Case, include: boolean): Sample[] {
  const a = args(c);
  const tag = include ? 'countIncludePad' : 'excludePad';
  return [
    {
      name: `avgPool2dBackward ${tag} ${label(c)}`,
      inputs: [uniform(outShape(c))],
      run: ([g]) => fv.ops.avgPool2dBackward(g!, c.x, { ...a, countIncludePad: include }),
      ref: ([g]) => ref.avgPool2dBackward(g!, c.x, a, include),
    },
  ];
}

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

const NAN_INPUT = given(POOL_CASES[1]!.x, Array.from({ length: size(POOL_CASES[1]!.x) }, (_, i) => (i % 7 === 3 ? NaN : (i * 13) % 5)));

/** Max pool samples on random inputs, on ties, and (one case) with NaN. */
const maxOf = (f: typeof maxSamples): Sample[] => [
  ...POOL_CASES.flatMap((c) => [...f(c, 'random', uniform(c.x)), ...f(c, 'ties', integers(c.x, -2, 3))]),
  ...f(POOL_CASES[1]!, 'NaN', NAN_INPUT),
];
const avgOf = (f: typeof avgSamples): Sample[] => POOL_CASES.flatMap((c) => [...f(c, true), ...f(c, false)]);

// ---- gradcheck ----

const GRAD_CASES: [string, fv.ops.Pool2dOptions][] = [
  ['3×3 stride 2', { kernel: 3, stride: 2 }],
  ['3×3 stride 2 padding 1 ceil', { kernel: 3, stride: 2, padding: 1, ceilMode: true }],
  ['[2,3] stride [1,2] padding [1,0]', { kernel: [2, 3], stride: [1, 2], padding: [1, 0] }],
  ['2×2 stride 3', { kernel: 2, stride: 3 }],
];
const SECOND_ORDER: fv.ops.Pool2dOptions = { kernel: 3, stride: 2, padding: 1, ceilMode: true };

const { ops } = fv;

const maxGrads: GradCase[] = [
  ...GRAD_CASES.map(([name, o]) => ({ name: `maxPool2d ${name}`, run: () => gradcheck((x) => ops.maxPool2d(x, o), [f64([2, 2, 7, 6], 1)]) })),
  {
    name: 'max pool routes the gradient to the first maximum of a tied window',
    run: () =>
      fv.tidy(() => {
        const x = fv.tensor([1, 3, 3, 0, 3, 2, 1, 1, 1], [1, 1, 3, 3]);
        x.requiresGrad = true;
        ops.sum(ops.maxPool2d(x, { kernel: 2, stride: 1 })).backward();
        // Windows: (0,0) max 3 at index 1; (0,1) 3 at 1; (1,0) 3 at 4; (1,1) 3 at 4.
        expect(Array.from(x.grad!.toFloat32Array())).toEqual([0, 2, 0, 0, 2, 0, 0, 0, 0]);
      }),
  },
];

const avgGrads: GradCase[] = [
  ...GRAD_CASES.map(([name, o]) => ({ name: `avgPool2d ${name} (countIncludePad)`, run: () => gradcheck((x) => ops.avgPool2d(x, o), [f64([2, 2, 7, 6], 2)]) })),
  ...GRAD_CASES.map(([name, o]) => ({ name: `avgPool2d ${name} (excluding padding)`, run: () => gradcheck((x) => ops.avgPool2d(x, { ...o, countIncludePad: false }), [f64([1, 2, 7, 6], 3)]) })),
];

// ---- errors ----

const z = (shape: number[]): fv.Tensor => fv.zeros(shape);
/** A handle straight from the binding, to check that it re-checks what TypeScript would catch. */
const h = (shape: number[]): number => NativeTensor.fromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'cpu').id;

export const pool = family('pool2d', { atol: 1e-6, rtol: 1e-6 }, [
  {
    name: 'maxPool2d',
    samples: maxOf(maxSamples),
    grad: maxGrads,
    errors: [
      err('x rank 2', () => ops.maxPool2d(z([5, 5]), { kernel: 2 }), /^maxPool2d: x must have rank 4 \[N,C,H,W\], got \[5,5\]$/),
      err('kernel 0', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 0 }), /^maxPool2d: kernel must be positive integers, got \[0,0\]$/),
      err('stride negative', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 2, stride: [-1, 1] }), /^maxPool2d: stride must be positive integers, got \[-1,1\]$/),
      err('padding over half the kernel', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 3, padding: 2 }), /^maxPool2d: padding must be at most half the kernel, got padding \[2,2\] for kernel \[3,3\]$/),
      err('binding: padding', () => fv.native.maxPool2d(h([1, 1, 5, 5]), [2, 2], [2, 2], [2, 0], false), /^maxPool2d: padding must be at most half the kernel/),
    ],
  },
  {
    name: 'maxPool2dBackward',
    samples: maxOf(maxBackwardSamples),
    grad: [
      {
        name: 'second order: maxPool2dBackward is linear in grad',
        run: () =>
          fv.tidy(() => {
            const { values, indices } = ops.maxPool2dWithIndices(f64([1, 2, 7, 6], 5), SECOND_ORDER);
            gradcheck((g) => ops.maxPool2dBackward(g, indices, [1, 2, 7, 6], SECOND_ORDER), [f64([...values.shape], 6)]);
          }),
      },
    ],
    errors: [
      err('indices dtype', () => ops.maxPool2dBackward(z([1, 1, 2, 2]), z([1, 1, 2, 2]), [1, 1, 5, 5], { kernel: 2 }), /^maxPool2dBackward: indices must be int32 with grad's shape \[1,1,2,2\], got float32 \[1,1,2,2\]$/),
      err(
        'binding: index out of range',
        () => fv.native.maxPool2dBackward(h([1, 1, 1, 1]), NativeTensor.fromInt32(Int32Array.from([99]), [1, 1, 1, 1], 'cpu').id, [1, 1, 2, 2], [2, 2], [2, 2], [0, 0], false),
        /^maxPool2dBackward: indices\[0\] = 99 is out of range 0..4$/,
      ),
    ],
  },
  {
    name: 'avgPool2d',
    samples: avgOf(avgSamples),
    grad: avgGrads,
    errors: [
      err('no kernel', () => ops.avgPool2d(z([1, 1, 5, 5]), {} as fv.ops.Pool2dOptions), /^avgPool2d: options.kernel is required$/),
      err('stride 0', () => ops.avgPool2d(z([1, 1, 5, 5]), { kernel: 2, stride: 0 }), /^avgPool2d: stride must be positive integers, got \[0,0\]$/),
      err('kernel larger than padded input', () => ops.avgPool2d(z([1, 1, 3, 4]), { kernel: [6, 2], padding: [1, 0] }), /^avgPool2d: kernel larger than the padded input, kernel \[6,2\] vs x \[1,1,3,4\] padded to 5x4$/),
      err('binding: kernel pair', () => fv.native.avgPool2d(h([1, 1, 5, 5]), [2], [2, 2], [0, 0], false, true), /^avgPool2d: kernel must be an \[h, w\] pair, got 1 values$/),
    ],
  },
  {
    name: 'avgPool2dBackward',
    samples: avgOf(avgBackwardSamples),
    grad: [{ name: 'second order: avgPool2dBackward is linear in grad', run: () => gradcheck((g) => ops.avgPool2dBackward(g, [1, 2, 7, 6], SECOND_ORDER), [f64([1, 2, 4, 4], 4)]) }],
    errors: [err('grad shape', () => ops.avgPool2dBackward(z([1, 1, 3, 3]), [1, 1, 5, 5], { kernel: 2 }), /^avgPool2dBackward: grad has shape \[1,1,3,3\], expected \[1,1,2,2\]$/)],
  },
]);
