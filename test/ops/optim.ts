// Fused optimiser steps (in place; no gradient): each sample copies its inputs, runs one step
// through the binding and returns [param, state…] concatenated, so the shared
// harness compares native CPU with the float64 reference (src/reference/optim.ts)
// and CUDA with CPU. Inputs: param, grad, then the state buffers (positive for
// squared averages). Sizes 1, 7, 1000 and 40009 (> the CPU kernels' parallel
// threshold, and not a multiple of any SIMD width or CUDA block).
// Tolerance: a few float32 roundings per element, amplified by the division by
// sqrt(v) + eps in RMSProp/Adam: atol 1e-6, rtol 2e-5.
import * as fv from '../../src/index.js';
import { native } from '../../src/native.js';
import { adamStep, rmspropStep, sgdStep, type RefArray } from '../../src/reference/index.js';
import { family, uniform, type Sample } from './opinfo.js';

type T = fv.Tensor;
const SIZES = [1, 7, 1000, 40009];

/** Fresh copies, so the caller's inputs stay as they were (the GPU run reuses them). */
const copies = (xs: T[]): T[] => xs.map((x) => x.to(x.device));
const h = (t: T | undefined) => t?.handle('optim test').id;
const out = (arrays: ArrayLike<number>[], n: number): RefArray => ({
  shape: [arrays.length, n],
  data: Float64Array.from(arrays.flatMap((a) => Array.from(a))),
});
const stack = (ts: T[]): T => fv.ops.concat(ts.map((t) => fv.ops.reshape(t, [1, ...t.shape])), 0);

function sgd(n: number, o: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; first: boolean }): Sample {
  const withBuf = o.momentum !== 0;
  return {
    name: `sgdStep [${n}] ${JSON.stringify(o)}`,
    inputs: [uniform([n], -1, 1), uniform([n], -2, 2), ...(withBuf ? [uniform([n], -1, 1)] : [])],
    run: (xs) => {
      const [p, g, b] = copies(xs);
      native.sgdStep(h(p)!, h(g)!, h(b), o);
      return stack(b ? [p!, b] : [p!]);
    },
    ref: ([p, g, b]) => {
      const r = sgdStep(p!.data, g!.data, b?.data, o);
      return out(r.buf ? [r.param, r.buf] : [r.param], n);
    },
  };
}

function rmsprop(n: number, o: { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean }): Sample {
  const inputs = [uniform([n], -1, 1), uniform([n], -2, 2), uniform([n], 0.5, 2)];
  if (o.centered) inputs.push(uniform([n], -0.5, 0.5));
  if (o.momentum > 0) inputs.push(uniform([n], -1, 1));
  return {
    name: `rmspropStep [${n}] ${JSON.stringify(o)}`,
    inputs,
    run: (xs) => {
      const [p, g, sq, ...rest] = copies(xs);
      const ga = o.centered ? rest.shift() : undefined;
      const buf = rest.shift();
      native.rmspropStep(h(p)!, h(g)!, h(sq)!, h(ga), h(buf), o);
      return stack([p!, sq!, ...(ga ? [ga] : []), ...(buf ? [buf] : [])]);
    },
    ref: ([p, g, sq, ...rest]) => {
      const ga = o.centered ? rest.shift() : undefined;
      const buf = rest.shift();
      const r = rmspropStep(p!.data, g!.data, sq!.data, ga?.data, buf?.data, o);
      return out([r.param, r.squareAvg, ...(r.gradAvg ? [r.gradAvg] : []), ...(r.buf ? [r.buf] : [])], n);
    },
  };
}

function adam(n: number, o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number }): Sample {
  return {
    name: `adamStep [${n}] ${JSON.stringify(o)}`,
    inputs: [uniform([n], -1, 1), uniform([n], -2, 2), uniform([n], -0.5, 0.5), uniform([n], 0.01, 1)],
    run: (xs) => {
      const [p, g, m, v] = copies(xs);
      native.adamStep(h(p)!, h(g)!, h(m)!, h(v)!, o);
      return stack([p!, m!, v!]);
    },
    ref: ([p, g, m, v]) => {
      const r = adamStep(p!.data, g!.data, m!.data, v!.data, o);
      return out([r.param, r.expAvg, r.expAvgSq], n);
    },
  };
}

const sgdSamples = SIZES.flatMap((n) => [
  sgd(n, { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, first: false }),
  sgd(n, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, nesterov: false, first: false }),
  sgd(n, { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, first: true }),
]);

const rmspropSamples = [
  ...SIZES.flatMap((n) => [
    rmsprop(n, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }),
    rmsprop(n, { lr: 0.003, alpha: 0.9, eps: 1e-6, weightDecay: 1e-2, momentum: 0.9, centered: true }),
  ]),
  rmsprop(33, { lr: 0.01, alpha: 0.95, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: false }),
  rmsprop(33, { lr: 0.01, alpha: 0.95, eps: 1e-8, weightDecay: 0, momentum: 0, centered: true }),
];

const adamSamples = SIZES.flatMap((n) => [
  adam(n, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 }),
  adam(n, { lr: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05, step: 17 }),
]);

// Binding kernels on float32 tensors: no reference (float64) path, no gradient.
const NATIVE = ['cpu', 'cuda'] as const;

export const optim = family('optim', { atol: 1e-6, rtol: 2e-5 }, [
  { name: 'sgdStep', samples: sgdSamples, grad: false, devices: NATIVE },
  { name: 'rmspropStep', samples: rmspropSamples, grad: false, devices: NATIVE },
  { name: 'adamStep', samples: adamSamples, grad: false, devices: NATIVE },
]);
