// The two kernel backends every op runs on: native (float32/int32 on Rust CPU or
// CUDA) and reference (float64, the plain TypeScript kernels of src/reference).
// Ops validate their arguments, then call `kernels(...)` — one place decides.
import { fail, fmtShape } from './errors.js';
import { native } from './native.js';
import * as ref from './reference/index.js';
import { refArray, type RefArray } from './reference/array.js';
import { Tensor, wrap } from './tensor.js';

export interface Kernels {
  unary(op: string, x: Tensor, param: number): Tensor;
  binary(op: string, a: Tensor, b: Tensor): Tensor;
  matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor;
  reduce(op: 'sum' | 'mean' | 'max' | 'min', x: Tensor, axes: number[], keepdims: boolean): Tensor;
  argmax(x: Tensor, axis: number, keepdims: boolean): Tensor;
  softmax(x: Tensor, axis: number, log: boolean): Tensor;
  reshape(x: Tensor, shape: number[]): Tensor;
  permute(x: Tensor, perm: number[]): Tensor;
  slice(x: Tensor, starts: number[], ends: number[], steps: number[]): Tensor;
  expand(x: Tensor, shape: number[]): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  indexSelect(x: Tensor, axis: number, index: Tensor): Tensor;
  gather(x: Tensor, axis: number, index: Tensor): Tensor;
}

const nativeKernels: Kernels = {
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
};

const lift = (a: RefArray): Tensor => Tensor.fromReference(a);
/** Index tensors stay int32 natives; the reference kernels read them as numbers. */
const indexArray = (t: Tensor): RefArray => refArray(t.toInt32Array(), t.shape);

const referenceKernels: Kernels = {
  unary: (op, x, p) => lift(ref.unary(op, x.array(op), p)),
  binary: (op, a, b) => lift(ref.binary(op, a.array(op), b.array(op))),
  matmul: (a, b, ta, tb) => lift(ref.matmul(a.array('matmul'), b.array('matmul'), ta, tb)),
  reduce: (op, x, axes, keepdims) => lift(ref.reduce(op, x.array(op), axes, keepdims)),
  argmax: (x, axis, keepdims) => {
    const r = ref.argmax(x.array('argmax'), axis, keepdims);
    return wrap(native.NativeTensor.fromInt32(Int32Array.from(r.data), r.shape, 'cpu'));
  },
  softmax: (x, axis, log) => lift(ref.softmax(x.array('softmax'), axis, log)),
  // A copy: batch norm's running statistics and optimiser states update reference arrays in place.
  reshape: (x, shape) => lift({ shape: [...shape], data: x.array('reshape').data.slice() }),
  permute: (x, perm) => lift(ref.permute(x.array('permute'), perm)),
  slice: (x, s, e, k) => lift(ref.slice(x.array('slice'), s, e, k)),
  expand: (x, shape) => lift(ref.expand(x.array('expand'), shape)),
  concat: (xs, axis) => lift(ref.concat(xs.map((t) => t.array('concat')), axis)),
  indexSelect: (x, axis, index) => lift(ref.indexSelect(x.array('indexSelect'), axis, indexArray(index))),
  gather: (x, axis, index) => lift(ref.gather(x.array('gather'), axis, indexArray(index))),
};

/**
 * The backend for an op's operands: reference when they are float64, native
 * otherwise. Mixing float64 with float32 is an error naming the op.
 */
export function kernels(op: string, ...operands: Tensor[]): Kernels {
  const f64 = operands.filter((t) => t.dtype === 'float64').length;
  if (f64 === 0) return nativeKernels;
  if (f64 === operands.length) return referenceKernels;
  const desc = operands.map((t) => `${t.dtype} ${fmtShape(t.shape)}`).join(' vs ');
  return fail(op, `cannot mix float64 (reference) and float32 tensors: ${desc}`);
}
