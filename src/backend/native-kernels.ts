// The native kernel table: float32/int32 tensors on the Rust CPU or CUDA kernels
// of the napi binding. Each entry unwraps handles, makes one call, wraps results.
import { native, type NativeTensor } from '../native.js';
import { Tensor } from '../tensor.js';
import type { Conv2dArgs, Kernels, LstmStepOperands, Pool2dArgs } from './kernels.js';

const wrap = (h: NativeTensor): Tensor => Tensor.fromNative(h);
const maybe = (t: Tensor | undefined, op: string): NativeTensor | undefined => t?.handle(op);
// Padding goes down as [h, w], or [top, left, bottom, right] when asymmetric.
const convArgs = (a: Conv2dArgs): [number[], number[], number[], number] => [a.stride, a.paddingEnd ? [...a.padding, ...a.paddingEnd] : a.padding, a.dilation, a.groups];
const poolArgs = (a: Pool2dArgs): [number[], number[], number[], boolean] => [a.kernel, a.stride, a.padding, a.ceilMode];
const lstmHandles = (p: LstmStepOperands, op: string): [NativeTensor, NativeTensor, NativeTensor, NativeTensor, NativeTensor] =>
  [p.x.handle(op), p.h.handle(op), p.c.handle(op), p.weightIh.handle(op), p.weightHh.handle(op)];

export const nativeKernels: Kernels = {
  fromValues: (values, shape, dtype, device) =>
    dtype === 'int32'
      ? wrap(native.NativeTensor.fromInt32(values instanceof Int32Array ? values : Int32Array.from(values), [...shape], device))
      : wrap(native.NativeTensor.fromFloat32(values instanceof Float32Array ? values : Float32Array.from(values), [...shape], device)),
  random: (dist, shape, a, b, seed, offset, device) => wrap(native.random(dist, [...shape], a, b, seed, offset, device)),

  unary: (op, x, p) => wrap(native.unary(op, x.handle(op), p)),
  binary: (op, a, b) => wrap(native.binary(op, a.handle(op), b.handle(op))),
  matmul: (a, b, ta, tb) => wrap(native.matmul(a.handle('matmul'), b.handle('matmul'), ta, tb)),
  reduce: (op, x, axes, keepdims) => wrap(native.reduce(op, x.handle(op), axes, keepdims)),
  argmax: (x, axis, keepdims) => wrap(native.argmax(x.handle('argmax'), axis, keepdims)),
  softmax: (x, axis, log) => wrap(native.softmax(x.handle('softmax'), axis, log)),

  reshape: (x, shape) => wrap(x.handle('reshape').reshape(shape)),
  permute: (x, perm) => wrap(native.permute(x.handle('permute'), perm)),
  slice: (x, s, e, k) => wrap(native.slice(x.handle('slice'), s, e, k)),
  expand: (x, shape) => wrap(native.expand(x.handle('expand'), shape)),
  concat: (xs, axis) => wrap(native.concat(xs.map((t) => t.handle('concat')), axis)),
  indexSelect: (x, axis, index) => wrap(native.indexSelect(x.handle('indexSelect'), axis, index.handle('indexSelect'))),
  gather: (x, axis, index) => wrap(native.gather(x.handle('gather'), axis, index.handle('gather'))),
  sliceScatter: (src, shape, starts, steps) => wrap(native.sliceScatter(src.handle('sliceScatter'), [...shape], starts, steps)),
  indexAdd: (src, axis, index, size) => wrap(native.indexAdd(src.handle('indexAdd'), axis, index.handle('indexAdd'), size)),
  scatterAdd: (src, axis, index, shape) => wrap(native.scatterAdd(src.handle('scatterAdd'), axis, index.handle('scatterAdd'), [...shape])),

  batchNorm: (x, w, b, stats, eps, relu) => {
    const op = 'batchNorm';
    const r = native.batchNorm(x.handle(op), w.handle(op), b.handle(op), maybe(stats?.mean, op), maybe(stats?.var, op), eps, relu);
    return r.map(wrap) as [Tensor, Tensor, Tensor, Tensor];
  },
  batchNormUpdateRunning: (runningMean, runningVar, mean, variance, momentum, count) => {
    const op = 'batchNorm';
    native.batchNormUpdateRunning(runningMean.handle(op), runningVar.handle(op), mean.handle(op), variance.handle(op), momentum, count);
  },
  batchNormBackward: (g, x, w, mean, invstd, training, reluBias) => {
    const op = 'batchNorm';
    return native.batchNormBackward(g.handle(op), x.handle(op), w.handle(op), mean.handle(op), invstd.handle(op), training, maybe(reluBias, op)).map(wrap);
  },

  conv2d: (x, w, bias, a, activation) => wrap(native.conv2d(x.handle('conv2d'), w.handle('conv2d'), maybe(bias, 'conv2d'), ...convArgs(a), activation)),
  conv2dBackwardInput: (grad, w, xShape, a) => {
    const op = 'conv2dBackwardInput';
    return wrap(native.conv2dBackwardInput(grad.handle(op), w.handle(op), [...xShape], ...convArgs(a)));
  },
  conv2dBackwardWeight: (grad, x, wShape, a) => {
    const op = 'conv2dBackwardWeight';
    return wrap(native.conv2dBackwardWeight(grad.handle(op), x.handle(op), [...wShape], ...convArgs(a)));
  },
  conv2dBackwardBias: (grad) => wrap(native.conv2dBackwardBias(grad.handle('conv2dBackwardBias'))),
  maxPool2d: (x, a) => native.maxPool2d(x.handle('maxPool2d'), ...poolArgs(a)).map(wrap) as [Tensor, Tensor],
  maxPool2dBackward: (grad, indices, xShape, a) => {
    const op = 'maxPool2dBackward';
    return wrap(native.maxPool2dBackward(grad.handle(op), indices.handle(op), [...xShape], ...poolArgs(a)));
  },
  avgPool2d: (x, a, include) => wrap(native.avgPool2d(x.handle('avgPool2d'), ...poolArgs(a), include)),
  avgPool2dBackward: (grad, xShape, a, include) => wrap(native.avgPool2dBackward(grad.handle('avgPool2dBackward'), [...xShape], ...poolArgs(a), include)),

  lstmCell: (gx, gh, bias, c) => {
    const op = 'lstmCell';
    const [h, cNext, gates] = native.lstmCell(gx.handle(op), maybe(gh, op), maybe(bias, op), c.handle(op)).map(wrap) as [Tensor, Tensor, Tensor];
    return { h, c: cNext, gates };
  },
  lstmCellBackward: (dh, dc, gates, c) => {
    const op = 'lstmCell';
    return native.lstmCellBackward(maybe(dh, op), maybe(dc, op), gates.handle(op), c.handle(op)).map(wrap) as [Tensor, Tensor];
  },
  lstmStep: (p) => {
    const op = 'lstmCell';
    const [h, c, gates] = native.lstmStep(...lstmHandles(p, op), maybe(p.biasIh, op), maybe(p.biasHh, op)).map(wrap) as [Tensor, Tensor, Tensor];
    return { h, c, gates };
  },
  lstmStepBackward: (p, dh, dc, gates, need) => {
    const op = 'lstmCell';
    const r = native.lstmStepBackward(...lstmHandles(p, op), maybe(dh, op), maybe(dc, op), gates.handle(op), need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  bceWithLogits: (logits, targets) => wrap(native.bceWithLogits(logits.handle('bceWithLogits'), targets.handle('bceWithLogits'))),
  crossEntropy: (logits, targets, ignore) => {
    const op = 'crossEntropy';
    return native.crossEntropy(logits.handle(op), targets.handle(op), ignore).map(wrap) as [Tensor, Tensor];
  },
  crossEntropyBackward: (softmax, targets, g, ignore) => {
    const op = 'crossEntropy';
    return wrap(native.crossEntropyBackward(softmax.handle(op), targets.handle(op), g.handle(op), ignore));
  },

  attentionFilterbank: (params, N, A, B) => {
    const [fx, fy, gamma] = native.attentionFilterbank(params.handle('attention.filterbank'), N, A, B);
    return [wrap(fx!), wrap(fy!), wrap(gamma!)];
  },
  attentionFilterbankBackward: (params, dFx, dFy, dGamma, N, A, B) => {
    const op = 'attention.filterbankBackward';
    return wrap(native.attentionFilterbankBackward(params.handle(op), maybe(dFx, op), maybe(dFy, op), maybe(dGamma, op), N, A, B));
  },

  attentionFilter: (mode, m, fx, fy, gamma) => {
    const op = `attention.${mode}`;
    return wrap(native.attentionFilter(mode, m.handle(op), fx.handle(op), fy.handle(op), gamma.handle(op)));
  },
  attentionFilterBackward: (mode, m, fx, fy, gamma, grad, need) => {
    const op = `attention.${mode}Backward`;
    const r = native.attentionFilterBackward(mode, m.handle(op), fx.handle(op), fy.handle(op), gamma.handle(op), grad.handle(op), need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  softAttend: (p, keepHidden) => {
    const op = 'softAttend';
    const r = native.softAttend(p.proj.handle(op), p.hProj.handle(op), p.v.handle(op), p.annotations.handle(op), maybe(p.bias, op), maybe(p.mask, op), keepHidden);
    return [wrap(r[0]!), wrap(r[1]!), r[2] ? wrap(r[2]) : undefined];
  },
  softAttendBackward: (s, dContext, dAlpha, need) => {
    const op = 'softAttendBackward';
    const r = native.softAttendBackward(s.v.handle(op), s.annotations.handle(op), s.alpha.handle(op), s.hidden.handle(op), maybe(dContext, op), maybe(dAlpha, op), need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  sgdStep: (p, g, buf, o) => native.sgdStep(p.handle('SGD.step'), g.handle('SGD.step'), maybe(buf, 'SGD.step'), o),
  rmspropStep: (p, g, sq, ga, buf, o) => {
    const op = 'RMSProp.step';
    native.rmspropStep(p.handle(op), g.handle(op), sq.handle(op), maybe(ga, op), maybe(buf, op), o);
  },
  adamStep: (p, g, m, v, o) => native.adamStep(p.handle('Adam.step'), g.handle('Adam.step'), m.handle('Adam.step'), v.handle('Adam.step'), o),
};
