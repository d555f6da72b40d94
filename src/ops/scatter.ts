// The adjoints of the gathering ops: writes and sums into a zero tensor. They
// are the gradients of slice, indexSelect and gather (not differentiated again).
import { kernels } from '../backend/index.js';
import { type Tensor } from '../tensor.js';

/** Zeros of `shape` with `src` written at the slice starts/steps describe. */
export function sliceScatter(src: Tensor, shape: readonly number[], starts: number[], steps: number[]): Tensor {
  return kernels('sliceScatter', src).sliceScatter(src, shape, starts, steps);
}

/** Zeros with size `size` on `axis`, then out[.., index[j], ..] += src[.., j, ..]. */
export function indexAdd(src: Tensor, axis: number, index: Tensor, size: number): Tensor {
  return kernels('indexAdd', src).indexAdd(src, axis, index, size);
}

/** Zeros of `shape`, then out[p with axis coordinate index[p]] += src[p]. */
export function scatterAdd(src: Tensor, axis: number, index: Tensor, shape: readonly number[]): Tensor {
  return kernels('scatterAdd', src).scatterAdd(src, axis, index, shape);
}
