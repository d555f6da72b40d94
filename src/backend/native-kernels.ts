// The native kernel table: float32/int32 tensors on the Rust CPU or CUDA kernels
// of the napi binding. Each entry passes its operands' ids, makes one call, and
// wraps the results ([id, kind, ...shape] each) in Tensors that own them.
import { native, NativeTensor } from '../native.js';
import { Tensor } from '../tensor.js';
import type { Conv2dArgs, Kernels, LstmStepOperands, Pool2dArgs } from './kernels.js';

type Made = ReturnType<typeof native.unary>;
/** A binding result ([id, kind, ...shape]) as a Tensor that owns it. */
const wrap = (made: Made): Tensor => Tensor.fromNative(new NativeTensor(made));
/** An optional operand's id. */
const maybe = (t: Tensor | undefined, op: string): number | undefined => t?.handle(op).id;
// Padding goes down as [h, w], or [top, left, bottom, right] when asymmetric.
const convArgs = (a: Conv2dArgs): [number[], number[], number[], number] => [a.stride, a.paddingEnd ? [...a.padding, ...a.paddingEnd] : a.padding, a.dilation, a.groups];
const poolArgs = (a: Pool2dArgs): [number[], number[], number[], boolean] => [a.kernel, a.stride, a.padding, a.ceilMode];
const lstmHandles = (p: LstmStepOperands, op: string): [number, number, number, number, number] =>
  [p.x.handle(op).id, p.h.handle(op).id, p.c.handle(op).id, p.weightIh.handle(op).id, p.weightHh.handle(op).id];

export const nativeKernels: Kernels = {
  fromValues: (values, shape, dtype, device) =>
    dtype === 'int32'
      ? Tensor.fromNative(NativeTensor.fromInt32(values instanceof Int32Array ? values : Int32Array.from(values), shape, device))
      : Tensor.fromNative(NativeTensor.fromFloat32(values instanceof Float32Array ? values : Float32Array.from(values), shape, device)),
  random: (dist, shape, a, b, seed, offset, device) => wrap(native.random(dist, [...shape], a, b, seed, offset, device)),

  unary: (op, x, p) => wrap(native.unary(op, x.handle(op).id, p)),
  binary: (op, a, b) => wrap(native.binary(op, a.handle(op).id, b.handle(op).id)),
  matmul: (a, b, ta, tb) => wrap(native.matmul(a.handle('matmul').id, b.handle('matmul').id, ta, tb)),
  reduce: (op, x, axes, keepdims) => wrap(native.reduce(op, x.handle(op).id, axes, keepdims)),
  argmax: (x, axis, keepdims) => wrap(native.argmax(x.handle('argmax').id, axis, keepdims)),
  softmax: (x, axis, log) => wrap(native.softmax(x.handle('softmax').id, axis, log)),

  reshape: (x, shape) => Tensor.fromNative(x.handle('reshape').reshape(shape)),
  permute: (x, perm) => wrap(native.permute(x.handle('permute').id, perm)),
  slice: (x, s, e, k) => wrap(native.slice(x.handle('slice').id, s, e, k)),
  expand: (x, shape) => wrap(native.expand(x.handle('expand').id, shape)),
  concat: (xs, axis) => wrap(native.concat(xs.map((t) => t.handle('concat').id), axis)),
  indexSelect: (x, axis, index) => wrap(native.indexSelect(x.handle('indexSelect').id, axis, index.handle('indexSelect').id)),
  gather: (x, axis, index) => wrap(native.gather(x.handle('gather').id, axis, index.handle('gather').id)),
  sliceScatter: (src, shape, starts, steps) => wrap(native.sliceScatter(src.handle('sliceScatter').id, [...shape], starts, steps)),
  indexAdd: (src, axis, index, size) => wrap(native.indexAdd(src.handle('indexAdd').id, axis, index.handle('indexAdd').id, size)),
  scatterAdd: (src, axis, index, shape) => wrap(native.scatterAdd(src.handle('scatterAdd').id, axis, index.handle('scatterAdd').id, [...shape])),

  batchNorm: (x, w, b, stats, eps, relu) => {
    const op = 'batchNorm';
    const r = native.batchNorm(x.handle(op).id, w.handle(op).id, b.handle(op).id, maybe(stats?.mean, op), maybe(stats?.var, op), eps, relu);
    return r.map(wrap) as [Tensor, Tensor, Tensor, Tensor];
  },
  batchNormUpdateRunning: (runningMean, runningVar, mean, variance, momentum, count) => {
    const op = 'batchNorm';
    native.batchNormUpdateRunning(runningMean.handle(op).id, runningVar.handle(op).id, mean.handle(op).id, variance.handle(op).id, momentum, count);
  },
  batchNormBackward: (g, x, w, mean, invstd, training, reluBias) => {
    const op = 'batchNorm';
    return native.batchNormBackward(g.handle(op).id, x.handle(op).id, w.handle(op).id, mean.handle(op).id, invstd.handle(op).id, training, maybe(reluBias, op)).map(wrap);
  },

  conv2d: (x, w, bias, a, activation) => wrap(native.conv2d(x.handle('conv2d').id, w.handle('conv2d').id, maybe(bias, 'conv2d'), ...convArgs(a), activation)),
  conv2dBackwardInput: (grad, w, xShape, a) => {
    const op = 'conv2dBackwardInput';
    return wrap(native.conv2dBackwardInput(grad.handle(op).id, w.handle(op).id, [...xShape], ...convArgs(a)));
  },
  conv2dBackwardWeight: (grad, x, wShape, a) => {
    const op = 'conv2dBackwardWeight';
    return wrap(native.conv2dBackwardWeight(grad.handle(op).id, x.handle(op).id, [...wShape], ...convArgs(a)));
  },
  conv2dBackwardBias: (grad) => wrap(native.conv2dBackwardBias(grad.handle('conv2dBackwardBias').id)),
  maxPool2d: (x, a) => native.maxPool2d(x.handle('maxPool2d').id, ...poolArgs(a)).map(wrap) as [Tensor, Tensor],
  maxPool2dBackward: (grad, indices, xShape, a) => {
    const op = 'maxPool2dBackward';
    return wrap(native.maxPool2dBackward(grad.handle(op).id, indices.handle(op).id, [...xShape], ...poolArgs(a)));
  },
  avgPool2d: (x, a, include) => wrap(native.avgPool2d(x.handle('avgPool2d').id, ...poolArgs(a), include)),
  avgPool2dBackward: (grad, xShape, a, include) => wrap(native.avgPool2dBackward(grad.handle('avgPool2dBackward').id, [...xShape], ...poolArgs(a), include)),

  lstmCell: (gx, gh, bias, c) => {
    const op = 'lstmCell';
    const [h, cNext, gates] = native.lstmCell(gx.handle(op).id, maybe(gh, op), maybe(bias, op), c.handle(op).id).map(wrap) as [Tensor, Tensor, Tensor];
    return { h, c: cNext, gates };
  },
  lstmCellBackward: (dh, dc, gates, c) => {
    const op = 'lstmCell';
    return native.lstmCellBackward(maybe(dh, op), maybe(dc, op), gates.handle(op).id, c.handle(op).id).map(wrap) as [Tensor, Tensor];
  },
  lstmStep: (p) => {
    const op = 'lstmCell';
    const [h, c, gates] = native.lstmStep(...lstmHandles(p, op), maybe(p.biasIh, op), maybe(p.biasHh, op)).map(wrap) as [Tensor, Tensor, Tensor];
    return { h, c, gates };
  },
  lstmStepBackward: (p, dh, dc, gates, need) => {
    const op = 'lstmCell';
    const r = native.lstmStepBackward(...lstmHandles(p, op), maybe(dh, op), maybe(dc, op), gates.handle(op).id, need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  bceWithLogits: (logits, targets) => wrap(native.bceWithLogits(logits.handle('bceWithLogits').id, targets.handle('bceWithLogits').id)),
  crossEntropy: (logits, targets, ignore) => {
    const op = 'crossEntropy';
    return native.crossEntropy(logits.handle(op).id, targets.handle(op).id, ignore).map(wrap) as [Tensor, Tensor];
  },
  crossEntropyBackward: (softmax, targets, g, ignore) => {
    const op = 'crossEntropy';
    return wrap(native.crossEntropyBackward(softmax.handle(op).id, targets.handle(op).id, g.handle(op).id, ignore));
  },

  attentionFilterbank: (params, N, A, B) => {
    const [fx, fy, gamma] = native.attentionFilterbank(params.handle('attention.filterbank').id, N, A, B);
    return [wrap(fx!), wrap(fy!), wrap(gamma!)];
  },
  attentionFilterbankBackward: (params, dFx, dFy, dGamma, N, A, B) => {
    const op = 'attention.filterbankBackward';
    return wrap(native.attentionFilterbankBackward(params.handle(op).id, maybe(dFx, op), maybe(dFy, op), maybe(dGamma, op), N, A, B));
  },

  attentionFilter: (mode, m, fx, fy, gamma) => {
    const op = `attention.${mode}`;
    return wrap(native.attentionFilter(mode, m.handle(op).id, fx.handle(op).id, fy.handle(op).id, gamma.handle(op).id));
  },
  attentionFilterBackward: (mode, m, fx, fy, gamma, grad, need) => {
    const op = `attention.${mode}Backward`;
    const r = native.attentionFilterBackward(mode, m.handle(op).id, fx.handle(op).id, fy.handle(op).id, gamma.handle(op).id, grad.handle(op).id, need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  softAttend: (p, keepHidden) => {
    const op = 'softAttend';
    const r = native.softAttend(p.proj.handle(op).id, p.hProj.handle(op).id, p.v.handle(op).id, p.annotations.handle(op).id, maybe(p.bias, op), maybe(p.mask, op), keepHidden);
    return [wrap(r[0]!), wrap(r[1]!), r[2] ? wrap(r[2]) : undefined];
  },
  softAttendBackward: (s, dContext, dAlpha, need) => {
    const op = 'softAttendBackward';
    const r = native.softAttendBackward(s.v.handle(op).id, s.annotations.handle(op).id, s.alpha.handle(op).id, s.hidden.handle(op).id, maybe(dContext, op), maybe(dAlpha, op), need);
    return r.map((t) => (t ? wrap(t) : undefined));
  },

  sgdStep: (p, g, buf, o) => native.sgdStep(p.handle('SGD.step').id, g.handle('SGD.step').id, maybe(buf, 'SGD.step'), o),
  rmspropStep: (p, g, sq, ga, buf, o) => {
    const op = 'RMSProp.step';
    native.rmspropStep(p.handle(op).id, g.handle(op).id, sq.handle(op).id, maybe(ga, op), maybe(buf, op), o);
  },
  adamStep: (p, g, m, v, o) => native.adamStep(p.handle('Adam.step').id, g.handle('Adam.step').id, m.handle('Adam.step').id, v.handle('Adam.step').id, o),
};
