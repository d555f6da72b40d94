/**
 * foveate: attention models for Node.js — TypeScript on Rust CPU and CUDA kernels.
 * @example
 * import * as fv from 'foveate';
 * fv.seed(0);
 * const y = fv.tidy(() => fv.ops.softmax(fv.ops.matmul(fv.randn([2, 3]), fv.randn([3, 4]))));
 */
export * as attention from './attention/index.js';
export * as autograd from './autograd/index.js';
export { detach, noGrad } from './autograd/index.js';
export { Tensor, type DType, type BackwardOptions } from './tensor.js';
export { tensor, zeros, ones, full, zerosLike, onesLike, randn, rand, bernoulli, type TensorOptions } from './creation.js';
export { tidy, keep } from './memory.js';
export { devices, hasCuda, memory, releaseFreeMemory, type DeviceInfo, type MemoryInfo } from './runtime.js';
export { type DeviceName } from './device.js';
export { seed, getRngState, setRngState, type RngState } from './random.js';
export * as ops from './ops/index.js';
export * as nn from './nn/index.js';
export * as models from './models/index.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
export * as viz from './viz/index.js';
export * as metrics from './metrics/index.js';
export * as reference from './reference/index.js';
export { native } from './native.js';
