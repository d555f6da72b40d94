// conv2d: forward (with and without bias) and the gradient kernels
// (conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardBias) against src/reference/conv.ts on odd
// shapes: primes, non-square, batch 1 and 0, 1×1 kernels (the pointwise GEMM path
// and, with stride 2, the im2col path), stride > kernel, dilation 2, asymmetric
// stride/padding/dilation, groups 2 and 3, depthwise, and depthwise with a depth
// multiplier of 8 (BN-Inception's separable conv1), a kernel exactly as large as
// the padded input, a case big enough for the threaded paths, and asymmetric
// padding ([top, bottom, left, right] and TensorFlow's 'same', odd extra at the
// bottom/right: EfficientNet-Lite's stride-2 layers), and the fused activations
// ('relu', 'relu6' in the bias pass; on the depthwise kernel and the GEMM path).
// Tolerance: any summation order is within γ_k·(|x| ⊛ |w|) of the exact sum, k the
// number of terms; we allow 2·(k + 2)·u per element on top of atol/rtol 1e-6.
// Gradcheck (float64): strides, padding, dilation, groups and a depth multiplier,
// and the gradient ops themselves (second derivatives).
// Errors: wrong ranks, channel/group mismatches, kernels larger than the padded
// input, zero/negative strides, bad padding, mismatched bias/grad shapes and dtypes —
// each naming the op, the argument and the shapes; the binding re-checks (and never
// panics) when called directly.
import * as fv from '../../src/index.js';
import * as ref from '../../src/reference/index.js';
import { U32 } from '../helpers/compare.js';
import { expect } from 'vitest';
import { NativeTensor } from '../../src/native.js';
import { absOf, err, f64, family, gradcheck, uniform, type ErrorCase, type GradCase, type Sample } from './opinfo.js';

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride?: number | [number, number];
  padding?: number | [number, number] | [number, number, number, number] | 'same';
  dilation?: number | [number, number];
  groups?: number;
  activation?: 'relu' | 'relu6';
}

export const CONV_CASES: Case[] = [
  { x: [2, 3, 7, 5], w: [4, 3, 3, 3], padding: 1 },
  { x: [1, 5, 11, 13], w: [7, 5, 1, 1] },
  { x: [2, 8, 9, 9], w: [4, 8, 1, 1], stride: 2 },
  { x: [3, 7, 17, 19], w: [11, 7, 5, 3], padding: [2, 1] },
  { x: [2, 3, 11, 11], w: [4, 3, 2, 2], stride: 3 },
  { x: [1, 3, 13, 11], w: [5, 3, 3, 3], dilation: 2, padding: 2 },
  { x: [2, 2, 10, 9], w: [3, 2, 3, 2], stride: [1, 2], padding: [0, 1], dilation: [2, 1] },
  { x: [2, 4, 9, 9], w: [6, 2, 3, 3], stride: 2, groups: 2 },
  { x: [1, 6, 10, 7], w: [9, 2, 2, 3], stride: [2, 1], padding: [1, 0], groups: 3 },
  { x: [1, 5, 8, 8], w: [5, 1, 3, 3], padding: 1, groups: 5 },
  { x: [2, 3, 13, 11], w: [24, 1, 7, 7], stride: 2, padding: 3, groups: 3 },
  { x: [1, 2, 3, 3], w: [3, 2, 5, 5], padding: 1 },
  { x: [0, 3, 5, 5], w: [2, 3, 3, 3] },
  { x: [4, 16, 20, 20], w: [32, 16, 3, 3], padding: 1 },
  // The CPU kernels' sample blocks (see cpu/conv.rs): several blocks of many
  // small-map samples as parallel tasks (plain, grouped, pointwise), and maps
  // large enough for one sample per block.
  { x: [40, 4, 5, 5], w: [6, 4, 3, 3], padding: 1 },
  { x: [45, 6, 4, 4], w: [9, 2, 3, 3], padding: 1, groups: 3 },
  { x: [70, 8, 3, 3], w: [5, 8, 1, 1] },
  { x: [3, 3, 25, 25], w: [4, 3, 3, 3], padding: 1 },
  // Taps that only ever see padding are dropped from the GEMMs (cpu/conv.rs `Taps`):
  // a 3×3 kernel on 1×1 maps (centre only), on a one-row map (centre row), grouped.
  { x: [5, 4, 1, 1], w: [6, 4, 3, 3], padding: 1 },
  { x: [3, 2, 1, 4], w: [3, 2, 3, 3], padding: 1 },
  { x: [4, 6, 1, 1], w: [9, 2, 3, 3], padding: 1, groups: 3 },
  { x: [2, 3, 2, 2], w: [4, 3, 5, 5], padding: 2, stride: 2 },
  // Output rows of 32 or more take the row-segment im2col (narrower: a gather table).
  { x: [2, 3, 9, 40], w: [4, 3, 3, 3], padding: 1 },
  { x: [1, 2, 7, 70], w: [3, 2, 3, 5], stride: 2, padding: [1, 2], dilation: [1, 2] },
  // Asymmetric padding [top, bottom, left, right], and TensorFlow's SAME: at stride 2
  // on even sizes the odd row/column goes at the bottom/right (3×3: 0 above, 1 below;
  // 5×5: 1 and 2), depthwise as in EfficientNet-Lite, on maps wide enough for the
  // row-segment im2col and narrow enough for the gather table.
  { x: [2, 3, 8, 10], w: [4, 3, 3, 3], stride: 2, padding: 'same' },
  { x: [2, 6, 12, 40], w: [6, 1, 5, 5], stride: 2, padding: 'same', groups: 6 },
  { x: [3, 5, 7, 9], w: [5, 1, 3, 3], padding: 'same', groups: 5 },
  { x: [2, 4, 9, 7], w: [8, 4, 5, 5], stride: [2, 3], padding: 'same' },
  { x: [2, 3, 6, 6], w: [4, 3, 3, 2], padding: [0, 2, 3, 1] },
  { x: [33, 4, 4, 4], w: [4, 1, 3, 3], stride: 2, padding: 'same', groups: 4 },
  // Fused activations (inputs scaled so that outputs cross 0 and 6).
  { x: [2, 3, 9, 40], w: [5, 3, 3, 3], padding: 1, activation: 'relu6' },
  { x: [2, 6, 10, 10], w: [6, 1, 5, 5], stride: 2, padding: 'same', groups: 6, activation: 'relu6' },
  { x: [3, 4, 7, 7], w: [8, 4, 1, 1], activation: 'relu' },
  { x: [40, 3, 3, 3], w: [3, 1, 3, 3], padding: 1, groups: 3, activation: 'relu' },
];

const sizes = (c: Case): ref.Conv2dArgs => {
  const p = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);
  const stride = p(c.stride, 1);
  const dilation = p(c.dilation, 1);
  const base = { stride, dilation, groups: c.groups ?? 1 };
  if (c.padding === 'same') {
    // Written out here rather than through fv.ops.samePadding, so the op's own sizes are checked.
    const side = (size: number, k: number, s: number, d: number): [number, number] => {
      const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
      return [Math.floor(total / 2), Math.ceil(total / 2)];
    };
    const [t, b] = side(c.x[2], c.w[2], stride[0], dilation[0]);
    const [l, r] = side(c.x[3], c.w[3], stride[1], dilation[1]);
    return { ...base, padding: [t, l], paddingEnd: [b, r] };
  }
  if (Array.isArray(c.padding) && c.padding.length === 4) {
    const [t, b, l, r] = c.padding;
    return { ...base, padding: [t, l], paddingEnd: [b, r] };
  }
  return { ...base, padding: p(c.padding as number | [number, number] | undefined, 0) };
};

const label = (c: Case): string => {
  const a = sizes(c);
  const pad = a.paddingEnd ? `[${a.padding[0]},${a.paddingEnd[0]},${a.padding[1]},${a.paddingEnd[1]}]` : `[${a.padding}]`;
  return `x [${c.x}] w [${c.w}] s [${a.stride}] p ${pad}${c.padding === 'same' ? ' (same)' : ''} d [${a.dilation}] g ${a.groups}${c.activation ? ` ${c.activation}` : ''}`;
};

export function outShape(c: Case): number[] {
  const a = sizes(c);
  const end = a.paddingEnd ?? a.padding;
  const ho = ref.convOutSize(c.x[2], c.w[2], a.stride[0], a.padding[0], a.dilation[0], end[0]);
  const wo = ref.convOutSize(c.x[3], c.w[3], a.stride[1], a.padding[1], a.dilation[1], end[1]);
  return [c.x[0], c.w[0], ho, wo];
}

const gamma = (k: number) => (v: number) => 2 * (k + 2) * U32 * v;

type ConvOp = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight' | 'conv2dBackwardBias';

function samples(c: Case): Record<ConvOp, Sample[]> {
  const a = sizes(c);
  const opts = { stride: a.stride, padding: c.padding ?? 0, dilation: a.dilation, groups: a.groups };
  const [o, cg, kh, kw] = c.w;
  const y = outShape(c);
  const act = c.activation;
  // With an activation, x is scaled by 8 so that outputs cross its bounds; the bound
  // of the clamped value is the bound of the sum (a clamp only moves it closer).
  const xs = act ? 8 : 1;
  const conv: Sample[] = [
    {
      name: `conv2d+bias ${label(c)}`,
      inputs: [uniform(c.x, -xs, xs), uniform(c.w), uniform([o])],
      run: ([x, w, b]) => fv.ops.conv2d(x!, w!, { ...opts, bias: b!, activation: act }),
      ref: ([x, w, b]) => ref.conv2d(x!, w!, b!, a, act),
      bound: ([x, w, b]) => ref.conv2d(absOf(x!), absOf(w!), absOf(b!), a).data.map(gamma(cg * kh * kw + 1)),
    },
  ];
  conv.unshift({
    name: `conv2d ${label(c)}`,
    inputs: [uniform(c.x, -xs, xs), uniform(c.w)],
    run: ([x, w]) => fv.ops.conv2d(x!, w!, { ...opts, activation: act }),
    ref: ([x, w]) => ref.conv2d(x!, w!, undefined, a, act),
    bound: ([x, w]) => ref.conv2d(absOf(x!), absOf(w!), undefined, a).data.map(gamma(cg * kh * kw)),
  });
  return {
    conv2d: conv,
    conv2dBackwardInput: [
      {
        name: `conv2dBackwardInput ${label(c)}`,
        inputs: [uniform(y), uniform(c.w)],
        run: ([g, w]) => fv.ops.conv2dBackwardInput(g!, w!, c.x, opts),
        ref: ([g, w]) => ref.conv2dBackwardInput(g!, w!, c.x, a),
        bound: ([g, w]) => ref.conv2dBackwardInput(absOf(g!), absOf(w!), c.x, a).data.map(gamma((o / a.groups) * kh * kw)),
      },
    ],
    conv2dBackwardWeight: [
      {
        name: `conv2dBackwardWeight ${label(c)}`,
        inputs: [uniform(y), uniform(c.x)],
        run: ([g, x]) => fv.ops.conv2dBackwardWeight(g!, x!, c.w, opts),
        ref: ([g, x]) => ref.conv2dBackwardWeight(g!, x!, c.w, a),
        bound: ([g, x]) => ref.conv2dBackwardWeight(absOf(g!), absOf(x!), c.w, a).data.map(gamma(y[0]! * y[2]! * y[3]!)),
      },
    ],
    conv2dBackwardBias: [
      {
        name: `conv2dBackwardBias ${label(c)}`,
        inputs: [uniform(y)],
        run: ([g]) => fv.ops.conv2dBackwardBias(g!),
        ref: ([g]) => ref.reduce('sum', g!, [0, 2, 3]),
        bound: ([g]) => ref.reduce('sum', absOf(g!), [0, 2, 3]).data.map(gamma(y[0]! * y[2]! * y[3]!)),
      },
    ],
  };
}

const samplesOf = (op: ConvOp): Sample[] => CONV_CASES.flatMap((c) => samples(c)[op]);

// ---- gradcheck ----

const GRAD_CASES: [string, number[], number[], fv.ops.Conv2dOptions][] = [
  ['3×3 padding 1', [2, 3, 5, 4], [2, 3, 3, 3], { padding: 1 }],
  ['stride [2,1] padding [1,0] dilation 2', [1, 2, 7, 6], [3, 2, 2, 3], { stride: [2, 1], padding: [1, 0], dilation: 2 }],
  ['groups 2, stride 3 > kernel 2', [1, 4, 7, 7], [4, 2, 2, 2], { stride: 3, groups: 2 }],
  ['depthwise ×2 multiplier', [1, 3, 5, 5], [6, 1, 3, 3], { groups: 3, padding: 1, stride: 2 }],
  ['1×1', [2, 3, 3, 2], [4, 3, 1, 1], {}],
  ['stride 2, same (asymmetric)', [1, 2, 6, 5], [3, 2, 3, 3], { stride: 2, padding: 'same' }],
  ['depthwise 5×5 stride 2, same', [1, 3, 6, 6], [3, 1, 5, 5], { stride: 2, padding: 'same', groups: 3 }],
  ['padding [top, bottom, left, right]', [1, 2, 4, 5], [2, 2, 2, 3], { padding: [2, 0, 1, 3] }],
];

/** Fused activations: x scaled by `scale` so that outputs fall below 0 and (relu6) above 6. */
const ACT_GRAD_CASES: [string, number[], number[], fv.ops.Conv2dOptions, number][] = [
  ['relu6, 3×3 padding 1', [2, 3, 5, 4], [2, 3, 3, 3], { padding: 1, activation: 'relu6' }, 4],
  ['relu6, depthwise 3×3 stride 2 same', [1, 3, 6, 6], [3, 1, 3, 3], { stride: 2, padding: 'same', groups: 3, activation: 'relu6' }, 4],
  ['relu, 1×1', [2, 3, 3, 2], [4, 3, 1, 1], { activation: 'relu' }, 1],
];

const { ops } = fv;

const conv2dGrads: GradCase[] = [
  ...GRAD_CASES.map(([name, xs, ws, o]) => ({
    name: `${name}: x, weight, bias`,
    run: () => gradcheck((x, w, b) => ops.conv2d(x, w, { ...o, bias: b }), [f64(xs, 1), f64(ws, 2), f64([ws[0]!], 3)]),
  })),
  ...ACT_GRAD_CASES.map(([name, xs, ws, o, scale]) => ({
    name: `${name}: x, weight, bias`,
    run: () => gradcheck((x, w, b) => ops.conv2d(x, w, { ...o, bias: b }), [f64(xs, 11, scale), f64(ws, 12), f64([ws[0]!], 13)]),
  })),
  {
    name: 'relu6 passes the gradient only strictly inside (0, 6)',
    run: () =>
      fv.tidy(() => {
        const x = fv.tensor([-1, 0.5, 3, 6, 9], [1, 1, 1, 5]);
        x.requiresGrad = true;
        const y = ops.conv2d(x, fv.ones([1, 1, 1, 1]), { activation: 'relu6' });
        expect(Array.from(y.toFloat32Array())).toEqual([0, 0.5, 3, 6, 6]);
        ops.sum(y).backward();
        expect(Array.from(x.grad!.toFloat32Array())).toEqual([0, 1, 1, 0, 0]);
      }),
  },
  {
    name: 'bias gradient is the sum of the output gradient over N, H, W',
    run: () =>
      fv.tidy(() => {
        const b = fv.tensor([0.5, -1], [2]);
        b.requiresGrad = true;
        const y = ops.conv2d(fv.ones([3, 1, 4, 5]), fv.ones([2, 1, 2, 2]), { bias: b });
        ops.sum(y).backward();
        expect(Array.from(b.grad!.toFloat32Array())).toEqual([3 * 3 * 4, 3 * 3 * 4]);
      }),
  },
];

/** Second order: conv2d's gradient ops are differentiable themselves (grad w.r.t. g and the other operand). */
function secondOrder(which: 'conv2dBackwardInput' | 'conv2dBackwardWeight' | 'conv2dBackwardBias'): GradCase[] {
  return GRAD_CASES.slice(0, 3).map(([name, xs, ws, o]) => ({
    name: `${name}: second order through ${which}`,
    run: () => {
      const y = ops.conv2d(f64(xs, 4), f64(ws, 5), o);
      const yShape = [...y.shape];
      y.dispose();
      if (which === 'conv2dBackwardInput') gradcheck((g, w) => ops.conv2dBackwardInput(g, w, xs, o), [f64(yShape, 6), f64(ws, 7)]);
      if (which === 'conv2dBackwardWeight') gradcheck((g, x) => ops.conv2dBackwardWeight(g, x, ws, o), [f64(yShape, 8), f64(xs, 9)]);
      if (which === 'conv2dBackwardBias') gradcheck((g) => ops.conv2dBackwardBias(g), [f64(yShape, 10)]);
    },
  }));
}

// ---- errors ----

const z = (shape: number[]): fv.Tensor => fv.zeros(shape);
/** A handle straight from the binding, to check that it re-checks what TypeScript would catch. */
const h = (shape: number[]): number => NativeTensor.fromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'cpu').id;

const conv2dErrors: ErrorCase[] = [
  err('x rank 3', () => ops.conv2d(z([3, 5, 5]), z([2, 3, 3, 3])), /^conv2d: x must have rank 4 \[N,C,H,W\], got \[3,5,5\]$/),
  err('weight rank 2', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 27])), /^conv2d: weight must have rank 4 \[O,C\/groups,kh,kw\], got \[2,27\]$/),
  err('channel mismatch', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 4, 3, 3])), /^conv2d: channel mismatch, x \[1,3,5,5\] has 3 channels, so weight \[2,4,3,3\] needs 3 .*at axis 1$/),
  err('groups mismatch', () => ops.conv2d(z([1, 4, 5, 5]), z([3, 2, 3, 3]), { groups: 2 }), /^conv2d: groups = 2 must divide .*x \[1,4,5,5\].*weight \[3,2,3,3\]$/),
  err('groups 0', () => ops.conv2d(z([1, 4, 5, 5]), z([4, 4, 3, 3]), { groups: 0 }), /^conv2d: groups must be a positive integer, got 0$/),
  err('channels per group', () => ops.conv2d(z([1, 4, 5, 5]), z([4, 4, 3, 3]), { groups: 2 }), /^conv2d: channel mismatch, .*needs 2 \(C\/groups, groups = 2\)/),
  err('kernel larger than padded input', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 5, 5])), /^conv2d: kernel larger than the padded input, kernel 5x5 .* vs x \[1,1,4,4\] padded to 4x4$/),
  err('dilated kernel too large', () => ops.conv2d(z([1, 1, 6, 6]), z([1, 1, 3, 3]), { dilation: 3 }), /kernel 7x7 \(dilation \[3,3\]\) vs x \[1,1,6,6\] padded to 6x6/),
  err('stride 0', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: 0 }), /^conv2d: stride must be positive integers, got \[0,0\]$/),
  err('stride negative', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: [1, -2] }), /^conv2d: stride must be positive integers, got \[1,-2\]$/),
  err('padding negative', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { padding: -1 }), /^conv2d: padding must be non-negative integers, got \[-1,-1\]$/),
  err('padding of 3 values', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { padding: [1, 1, 1] as unknown as [number, number] }), /^conv2d: padding must be a number, \[h, w\] or \[top, bottom, left, right\], got 3 values$/),
  err('padding side negative', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { padding: [1, 0, -1, 1] }), /^conv2d: padding \[top, bottom, left, right\] must be non-negative integers, got \[1,0,-1,1\]$/),
  err('padding unknown word', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { padding: 'valid' as 'same' }), /^conv2d: padding must be a number, \[h, w\], \[top, bottom, left, right\] or 'same', got 'valid'$/),
  err('asymmetric padding still too small', () => ops.conv2d(z([1, 1, 2, 2]), z([1, 1, 5, 5]), { padding: [0, 2, 1, 1] }), /^conv2d: kernel larger than the padded input, kernel 5x5 .* vs x \[1,1,2,2\] padded to 4x4$/),
  err('binding: padding of 3 values', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0, 1], [1, 1], 1), /^conv2d: padding must be \[h, w\] or \[top, left, bottom, right\], got 3 values$/),
  err('unknown activation', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { activation: 'gelu' as 'relu' }), /^conv2d: activation must be 'relu', 'relu6' or undefined, got "gelu"$/),
  err('activation on a gradient op', () => ops.conv2dBackwardInput(z([1, 1, 2, 2]), z([1, 1, 3, 3]), [1, 1, 4, 4], { activation: 'relu' } as fv.ops.Conv2dOptions), /^conv2dBackwardInput: unknown option 'activation'/),
  err('binding: unknown activation', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 1, 'tanh'), /^conv2d: activation must be 'relu' or 'relu6', got 'tanh'$/),
  err('stride of 3 values', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: [1, 1, 1] as unknown as [number, number] }), /^conv2d: stride must be a number or an \[h, w\] pair, got 3 values$/),
  err('bias shape', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 3, 3, 3]), { bias: z([3]) }), /^conv2d: bias must have shape \[2\] .*got \[3\]$/),
  err('int32 x', () => ops.conv2d(fv.zeros([1, 1, 3, 3], { dtype: 'int32' }), z([1, 1, 3, 3])), /^conv2d: x must be float32 or float64, got int32 \[1,1,3,3\]$/),
  err('mixed float64', () => ops.conv2d(fv.zeros([1, 1, 3, 3], { dtype: 'float64' }), z([1, 1, 3, 3])), /^conv2d: cannot mix float64 \(reference\) and float32 tensors: x float64 \[1,1,3,3\] vs weight float32/),
  err('binding: rank', () => fv.native.conv2d(h([3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 1), /^conv2d: x must have rank 4/),
  err('binding: stride 0', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [0, 1], [0, 0], [1, 1], 1), /^conv2d: stride must be positive, got \[0,1\]$/),
  err('binding: groups', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 2), /^conv2d: groups = 2 must divide/),
  err('binding: negative padding', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [-1, 0], [1, 1], 1), /^conv2d: padding = \[-1,0\] must hold non-negative integers$/),
  err('binding: too large', () => fv.native.conv2d(h([1, 1, 2, 2]), h([1, 1, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 1), /^conv2d: kernel larger than the padded input/),
];

export const conv = family('conv2d', { atol: 1e-6, rtol: 1e-6 }, [
  { name: 'conv2d', samples: samplesOf('conv2d'), grad: conv2dGrads, errors: conv2dErrors },
  {
    name: 'conv2dBackwardInput',
    samples: samplesOf('conv2dBackwardInput'),
    grad: secondOrder('conv2dBackwardInput'),
    errors: [err('grad shape', () => ops.conv2dBackwardInput(z([1, 2, 4, 4]), z([2, 3, 3, 3]), [1, 3, 5, 5]), /^conv2dBackwardInput: grad has shape \[1,2,4,4\], expected \[1,2,3,3\]$/)],
  },
  {
    name: 'conv2dBackwardWeight',
    samples: samplesOf('conv2dBackwardWeight'),
    grad: secondOrder('conv2dBackwardWeight'),
    errors: [
      err('grad shape', () => ops.conv2dBackwardWeight(z([1, 2, 4, 4]), z([1, 3, 5, 5]), [2, 3, 3, 3]), /^conv2dBackwardWeight: grad has shape \[1,2,4,4\], expected \[1,2,3,3\]$/),
      err('binding: grad shape', () => fv.native.conv2dBackwardWeight(h([1, 2, 2, 2]), h([1, 3, 5, 5]), [2, 3, 3, 3], [1, 1], [0, 0], [1, 1], 1), /^conv2dBackwardWeight: grad has shape \[1,2,2,2\], expected \[1,2,3,3\]$/),
    ],
  },
  { name: 'conv2dBackwardBias', samples: samplesOf('conv2dBackwardBias'), grad: secondOrder('conv2dBackwardBias') },
]);
