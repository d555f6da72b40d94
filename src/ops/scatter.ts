// The adjoints of the gathering ops: writes and sums into a zero tensor. They
// are the gradients of slice, indexSelect and gather (not differentiated again).
import { native } from '../native.js';
import * as ref from '../reference/index.js';
import { refArray } from '../reference/array.js';
import { Tensor, wrap } from '../tensor.js';

const indexArray = (t: Tensor): ref.RefArray => refArray(t.toInt32Array(), t.shape);

/** Zeros of `shape` with `src` written at the slice starts/steps describe. */
export function sliceScatter(src: Tensor, shape: readonly number[], starts: number[], steps: number[]): Tensor {
  if (src.dtype === 'float64') return Tensor.fromReference(ref.sliceScatter(src.array('sliceScatter'), [...shape], starts, steps));
  return wrap(native.sliceScatter(src.handle('sliceScatter'), [...shape], starts, steps));
}

/** Zeros with size `size` on `axis`, then out[.., index[j], ..] += src[.., j, ..]. */
export function indexAdd(src: Tensor, axis: number, index: Tensor, size: number): Tensor {
  if (src.dtype === 'float64') return Tensor.fromReference(ref.indexAdd(src.array('indexAdd'), axis, indexArray(index), size));
  return wrap(native.indexAdd(src.handle('indexAdd'), axis, index.handle('indexAdd'), size));
}

/** Zeros of `shape`, then out[p with axis coordinate index[p]] += src[p]. */
export function scatterAdd(src: Tensor, axis: number, index: Tensor, shape: readonly number[]): Tensor {
  if (src.dtype === 'float64') return Tensor.fromReference(ref.scatterAdd(src.array('scatterAdd'), axis, indexArray(index), [...shape]));
  return wrap(native.scatterAdd(src.handle('scatterAdd'), axis, index.handle('scatterAdd'), [...shape]));
}
