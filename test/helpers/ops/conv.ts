// conv2d family: forward (with and without bias) and the gradient kernels
// (conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardBias) against src/reference/conv.ts on odd
// shapes: primes, non-square, batch 1 and 0, 1×1 kernels (the pointwise GEMM path
// and, with stride 2, the im2col path), stride > kernel, dilation 2, asymmetric
// stride/padding/dilation, groups 2 and 3, depthwise, and depthwise with a depth
// multiplier of 8 (BN-Inception's separable conv1), a kernel exactly as large as
// the padded input, and a case big enough for the threaded paths.
// Tolerance: any summation order is within γ_k·(|x| ⊛ |w|) of the exact sum, k the
// number of terms; we allow 2·(k + 2)·u per element on top of atol/rtol 1e-6.
import * as fv from '../../../src/index.js';
import * as ref from '../../../src/reference/index.js';
import { U32 } from '../compare.js';
import { absOf, uniform, type Family, type Sample } from '../samples.js';

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
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
];

const sizes = (c: Case): ref.Conv2dArgs => {
  const p = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);
  return { stride: p(c.stride, 1), padding: p(c.padding, 0), dilation: p(c.dilation, 1), groups: c.groups ?? 1 };
};

const label = (c: Case): string => {
  const a = sizes(c);
  return `x [${c.x}] w [${c.w}] s [${a.stride}] p [${a.padding}] d [${a.dilation}] g ${a.groups}`;
};

export function outShape(c: Case): number[] {
  const a = sizes(c);
  const ho = ref.convOutSize(c.x[2], c.w[2], a.stride[0], a.padding[0], a.dilation[0]);
  const wo = ref.convOutSize(c.x[3], c.w[3], a.stride[1], a.padding[1], a.dilation[1]);
  return [c.x[0], c.w[0], ho, wo];
}

const gamma = (k: number) => (v: number) => 2 * (k + 2) * U32 * v;

function samples(c: Case): Sample[] {
  const a = sizes(c);
  const opts = { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups };
  const [o, cg, kh, kw] = c.w;
  const y = outShape(c);
  return [
    {
      name: `conv2d ${label(c)}`,
      inputs: [uniform(c.x), uniform(c.w)],
      run: ([x, w]) => fv.ops.conv2d(x!, w!, opts),
      ref: ([x, w]) => ref.conv2d(x!, w!, undefined, a),
      bound: ([x, w]) => ref.conv2d(absOf(x!), absOf(w!), undefined, a).data.map(gamma(cg * kh * kw)),
    },
    {
      name: `conv2d+bias ${label(c)}`,
      inputs: [uniform(c.x), uniform(c.w), uniform([o])],
      run: ([x, w, b]) => fv.ops.conv2d(x!, w!, { ...opts, bias: b! }),
      ref: ([x, w, b]) => ref.conv2d(x!, w!, b!, a),
      bound: ([x, w, b]) => ref.conv2d(absOf(x!), absOf(w!), absOf(b!), a).data.map(gamma(cg * kh * kw + 1)),
    },
    {
      name: `conv2dBackwardInput ${label(c)}`,
      inputs: [uniform(y), uniform(c.w)],
      run: ([g, w]) => fv.ops.conv2dBackwardInput(g!, w!, c.x, opts),
      ref: ([g, w]) => ref.conv2dBackwardInput(g!, w!, c.x, a),
      bound: ([g, w]) => ref.conv2dBackwardInput(absOf(g!), absOf(w!), c.x, a).data.map(gamma((o / a.groups) * kh * kw)),
    },
    {
      name: `conv2dBackwardWeight ${label(c)}`,
      inputs: [uniform(y), uniform(c.x)],
      run: ([g, x]) => fv.ops.conv2dBackwardWeight(g!, x!, c.w, opts),
      ref: ([g, x]) => ref.conv2dBackwardWeight(g!, x!, c.w, a),
      bound: ([g, x]) => ref.conv2dBackwardWeight(absOf(g!), absOf(x!), c.w, a).data.map(gamma(y[0]! * y[2]! * y[3]!)),
    },
    {
      name: `conv2dBackwardBias ${label(c)}`,
      inputs: [uniform(y)],
      run: ([g]) => fv.ops.conv2dBackwardBias(g!),
      ref: ([g]) => ref.reduce('sum', g!, [0, 2, 3]),
      bound: ([g]) => ref.reduce('sum', absOf(g!), [0, 2, 3]).data.map(gamma(y[0]! * y[2]! * y[3]!)),
    },
  ];
}

export const convFamily: Family = {
  name: 'conv2d',
  tol: { atol: 1e-6, rtol: 1e-6 },
  samples: CONV_CASES.flatMap(samples),
};
