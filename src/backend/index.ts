// The one kernel table every op runs on: native (float32/int32 on Rust CPU or
// CUDA) or reference (float64, the plain TypeScript kernels of src/reference).
// Ops validate their arguments, then call `kernels(op, ...operands).<kernel>(...)`:
// this file alone decides which backend runs it.
import { allocating, fail, fmtShape } from '../errors.js';
import { native } from '../native.js';
import { convOutSize, poolOutSize } from '../reference/index.js';
import type { DType, Tensor } from '../tensor.js';
import type { Kernels } from './kernels.js';
import { nativeKernels } from './native-kernels.js';
import { referenceKernels } from './reference-kernels.js';

export type { Conv2dArgs, ConvActivation, Distribution, Kernels, LstmStepOperands, Pool2dArgs } from './kernels.js';

/**
 * The backend for an op's operands: reference when they are float64, native
 * otherwise. Mixing float64 with float32 is an error naming the op.
 */
export function kernels(op: string, ...operands: Tensor[]): Kernels {
  let f64 = 0;
  for (const t of operands) if (t.dtype === 'float64') f64++;
  if (f64 === 0) return nativeKernels;
  if (f64 === operands.length) return referenceKernels;
  const desc = operands.map((t) => `${t.dtype} ${fmtShape(t.shape)}`).join(' vs ');
  return fail(op, `cannot mix float64 (reference) and float32 tensors: ${desc}`);
}

/** The backend that makes new tensors of `dtype` (creation has no operands to look at). */
export function kernelsFor(dtype: DType): Kernels {
  return dtype === 'float64' ? referenceKernels : nativeKernels;
}

/**
 * Output sizes of a convolution and a pooling window, from the reference kernels
 * so that the ops' shape checks and the kernels agree on one formula.
 */
export { convOutSize, poolOutSize };

/** What the binding reports about the process (its devices, the native memory in use), and the allocators' trim. */
export const binding = {
  devices: () => native.devices(),
  memoryUsage: () => native.memoryUsage(),
  releaseFreeMemory: () => native.releaseFreeMemory(),
};

/**
 * Refuses, before any work, a result of `shape` (float32/int32) that would go
 * over the allocation ceiling: `op: what [shape] needs N bytes, over …`. For ops
 * whose size is driven by their arguments and whose first allocation is an
 * inner op's (attention.write's canvas comes from a matmul).
 */
export function checkAllocation(op: string, what: string, shape: readonly number[], elemBytes = 4): void {
  allocating(op, what, () => native.checkAlloc(op, [...shape], elemBytes));
}
