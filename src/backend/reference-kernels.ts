// The reference kernel table: float64 tensors on the plain TypeScript kernels of
// src/reference — the definitions the native kernels are tested against, and the
// path gradcheck differentiates on. Index tensors stay int32 natives (they are
// labels and argmaxes, made once); the reference kernels read them as numbers.
import { fail } from '../errors.js';
import { NativeTensor } from '../native.js';
import * as ref from '../reference/index.js';
import { Tensor } from '../tensor.js';
import type { Kernels, LstmStepOperands } from './kernels.js';

const lift = (a: ref.RefArray): Tensor => Tensor.fromReference(a);
const maybe = (t: Tensor | undefined, op: string): ref.RefArray | undefined => t?.array(op);
const indexArray = (t: Tensor): ref.RefArray => ref.refArray(t.toInt32Array(), t.shape);
const int32 = (a: ref.RefArray): Tensor => Tensor.fromNative(NativeTensor.fromInt32(Int32Array.from(a.data), a.shape, 'cpu'));
const lstmInputs = (p: LstmStepOperands, op: string): ref.LstmStepInputs => ({
  x: p.x.array(op),
  h: p.h.array(op),
  c: p.c.array(op),
  weightIh: p.weightIh.array(op),
  weightHh: p.weightHh.array(op),
  biasIh: maybe(p.biasIh, op),
  biasHh: maybe(p.biasHh, op),
});

/** Replaces a tensor's values, as the native optimiser steps do in place. */
function put(t: Tensor, values: Float64Array): void {
  const src = Tensor.fromReference(ref.refArray(values, t.shape));
  t.assign(src);
  src.dispose();
}

const DISTRIBUTIONS = {
  uniform: (a: number, b: number): ref.Distribution => ({ kind: 'uniform', low: a, high: b }),
  normal: (a: number, b: number): ref.Distribution => ({ kind: 'normal', mean: a, std: b }),
  bernoulli: (a: number): ref.Distribution => ({ kind: 'bernoulli', p: a }),
};

export const referenceKernels: Kernels = {
  fromValues: (values, shape) => lift(ref.refArray(values, shape)),
  random: (dist, shape, a, b, seed, offset) => lift({ shape: [...shape], data: ref.sample(DISTRIBUTIONS[dist](a, b), seed, offset, ref.size(shape)) }),

  unary: (op, x, p) => lift(ref.unary(op, x.array(op), p)),
  binary: (op, a, b) => lift(ref.binary(op, a.array(op), b.array(op))),
  matmul: (a, b, ta, tb) => lift(ref.matmul(a.array('matmul'), b.array('matmul'), ta, tb)),
  reduce: (op, x, axes, keepdims) => lift(ref.reduce(op, x.array(op), axes, keepdims)),
  argmax: (x, axis, keepdims) => int32(ref.argmax(x.array('argmax'), axis, keepdims)),
  softmax: (x, axis, log) => lift(ref.softmax(x.array('softmax'), axis, log)),

  // A copy: batch norm's running statistics and optimiser states update reference arrays in place.
  reshape: (x, shape) => lift({ shape: [...shape], data: x.array('reshape').data.slice() }),
  permute: (x, perm) => lift(ref.permute(x.array('permute'), perm)),
  slice: (x, s, e, k) => lift(ref.slice(x.array('slice'), s, e, k)),
  expand: (x, shape) => lift(ref.expand(x.array('expand'), shape)),
  concat: (xs, axis) => lift(ref.concat(xs.map((t) => t.array('concat')), axis)),
  indexSelect: (x, axis, index) => lift(ref.indexSelect(x.array('indexSelect'), axis, indexArray(index))),
  gather: (x, axis, index) => lift(ref.gather(x.array('gather'), axis, indexArray(index))),
  sliceScatter: (src, shape, starts, steps) => lift(ref.sliceScatter(src.array('sliceScatter'), [...shape], starts, steps)),
  indexAdd: (src, axis, index, size) => lift(ref.indexAdd(src.array('indexAdd'), axis, indexArray(index), size)),
  scatterAdd: (src, axis, index, shape) => lift(ref.scatterAdd(src.array('scatterAdd'), axis, indexArray(index), [...shape])),

  batchNorm: (x, w, b, stats, eps, relu) => {
    const op = 'batchNorm';
    const r = ref.batchNorm(x.array(op), w.array(op), b.array(op), eps, stats && { mean: stats.mean.array(op), var: stats.var.array(op) }, relu);
    return [lift(r.y), lift(r.mean), lift(r.invstd), lift(r.var)];
  },
  batchNormUpdateRunning: (runningMean, runningVar, mean, variance, momentum, count) => {
    const op = 'batchNorm';
    ref.batchNormUpdateRunning(runningMean.array(op), runningVar.array(op), mean.array(op), variance.array(op), momentum, count);
  },
  batchNormBackward: (g, x, w, mean, invstd, training, reluBias) => {
    const op = 'batchNorm';
    const r = ref.batchNormBackward(g.array(op), x.array(op), w.array(op), mean.array(op), invstd.array(op), training, maybe(reluBias, op));
    return [lift(r.dx), lift(r.dweight), lift(r.dbias)];
  },

  conv2d: (x, w, bias, a, activation) => lift(ref.conv2d(x.array('conv2d'), w.array('conv2d'), maybe(bias, 'conv2d'), a, activation)),
  conv2dBackwardInput: (grad, w, xShape, a) => {
    const op = 'conv2dBackwardInput';
    return lift(ref.conv2dBackwardInput(grad.array(op), w.array(op), xShape, a));
  },
  conv2dBackwardWeight: (grad, x, wShape, a) => {
    const op = 'conv2dBackwardWeight';
    return lift(ref.conv2dBackwardWeight(grad.array(op), x.array(op), wShape, a));
  },
  // The bias gradient is a sum over N, Ho and Wo.
  conv2dBackwardBias: (grad) => lift(ref.reduce('sum', grad.array('conv2dBackwardBias'), [0, 2, 3], false)),
  maxPool2d: (x, a) => {
    const r = ref.maxPool2d(x.array('maxPool2d'), a);
    return [lift(r.values), int32(r.indices)];
  },
  maxPool2dBackward: (grad, indices, xShape) => lift(ref.maxPool2dBackward(grad.array('maxPool2dBackward'), indexArray(indices), xShape)),
  avgPool2d: (x, a, include) => lift(ref.avgPool2d(x.array('avgPool2d'), a, include)),
  avgPool2dBackward: (grad, xShape, a, include) => lift(ref.avgPool2dBackward(grad.array('avgPool2dBackward'), xShape, a, include)),

  lstmCell: (gx, gh, bias, c) => {
    const op = 'lstmCell';
    const r = ref.lstmCell(gx.array(op), maybe(gh, op), maybe(bias, op), c.array(op));
    return { h: lift(r.h), c: lift(r.c), gates: lift(r.gates) };
  },
  lstmCellBackward: (dh, dc, gates, c) => {
    const op = 'lstmCell';
    const r = ref.lstmCellBackward(maybe(dh, op), maybe(dc, op), gates.array(op), c.array(op));
    return [lift(r.dgates), lift(r.dc)];
  },
  lstmStep: (p) => {
    const r = ref.lstmStep(lstmInputs(p, 'lstmCell'));
    return { h: lift(r.h), c: lift(r.c), gates: lift(r.gates) };
  },
  lstmStepBackward: (p, dh, dc, gates, need) => {
    const op = 'lstmCell';
    const r = ref.lstmStepBackward(lstmInputs(p, op), maybe(dh, op), maybe(dc, op), gates.array(op));
    return r.map((a, k) => (need[k] ? lift(a) : undefined));
  },

  bceWithLogits: (logits, targets) => lift(ref.bceWithLogits(logits.array('bceWithLogits'), targets.array('bceWithLogits'))),
  crossEntropy: (logits, targets, ignore) => {
    const op = 'crossEntropy';
    // The native kernel checks the range in Rust; the reference path says the same.
    const [n, k] = [logits.shape[0]!, logits.shape[1]!];
    const t = targets.toInt32Array();
    const bad = t.findIndex((v) => v !== ignore && (v < 0 || v >= k));
    if (bad >= 0) fail(op, `targets[${bad}] = ${t[bad]} is out of range 0..${k}`);
    const r = ref.crossEntropy(logits.array(op), ref.refArray(t, [n]), ignore);
    return [lift(r.loss), lift(r.softmax)];
  },
  crossEntropyBackward: (softmax, targets, g, ignore) => {
    const op = 'crossEntropy';
    return lift(ref.crossEntropyBackward(softmax.array(op), indexArray(targets), g.array(op), ignore));
  },

  attentionFilterbank: (params, N, A, B) => {
    const r = ref.attentionFilterbank(params.array('attention.filterbank'), N, A, B);
    return [lift(r.Fx), lift(r.Fy), lift(r.gamma)];
  },
  attentionFilterbankBackward: (params, dFx, dFy, dGamma, N, A, B) => {
    const op = 'attention.filterbankBackward';
    return lift(ref.attentionFilterbankBackward(params.array(op), maybe(dFx, op), maybe(dFy, op), maybe(dGamma, op), N, A, B));
  },

  attentionFilter: (mode, m, fx, fy, gamma) => {
    const op = `attention.${mode}`;
    return lift(ref.attentionFilter(mode, m.array(op), fx.array(op), fy.array(op), gamma.array(op)));
  },
  attentionFilterBackward: (mode, m, fx, fy, gamma, grad, need) => {
    const op = `attention.${mode}Backward`;
    const r = ref.attentionFilterBackward(mode, m.array(op), fx.array(op), fy.array(op), gamma.array(op), grad.array(op));
    return [r.dm, r.dFx, r.dFy, r.dGamma].map((a, i) => (need[i] ? lift(a) : undefined));
  },

  softAttend: (p, keepHidden) => {
    const op = 'softAttend';
    const r = ref.softAttend(p.proj.array(op), p.hProj.array(op), p.v.array(op), p.annotations.array(op), maybe(p.bias, op), maybe(p.mask, op));
    return [lift(r.context), lift(r.alpha), keepHidden ? lift(r.hidden) : undefined];
  },
  softAttendBackward: (s, dContext, dAlpha, need) => {
    const op = 'softAttendBackward';
    const r = ref.softAttendBackward(maybe(dContext, op), maybe(dAlpha, op), s.v.array(op), s.annotations.array(op), s.alpha.array(op), s.hidden.array(op));
    return [r.proj, r.hProj, r.v, r.annotations, r.bias].map((a, k) => (need[k] ? lift(a) : undefined));
  },

  sgdStep: (p, g, buf, o) => {
    const r = ref.sgdStep(p.toFloat64Array(), g.toFloat64Array(), buf?.toFloat64Array(), o);
    put(p, r.param);
    if (buf && r.buf) put(buf, r.buf);
  },
  rmspropStep: (p, g, sq, ga, buf, o) => {
    const r = ref.rmspropStep(p.toFloat64Array(), g.toFloat64Array(), sq.toFloat64Array(), ga?.toFloat64Array(), buf?.toFloat64Array(), o);
    put(p, r.param);
    put(sq, r.squareAvg);
    if (ga && r.gradAvg) put(ga, r.gradAvg);
    if (buf && r.buf) put(buf, r.buf);
  },
  adamStep: (p, g, m, v, o) => {
    const r = ref.adamStep(p.toFloat64Array(), g.toFloat64Array(), m.toFloat64Array(), v.toFloat64Array(), o);
    put(p, r.param);
    put(m, r.expAvg);
    put(v, r.expAvgSq);
  },
};
