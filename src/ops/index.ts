// fv.ops: one file per op family.
export * from './batchnorm.js';
export * from './cast.js';
export * from './conv.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './layout.js';
export * from './losses.js';
export * from './lstm.js';
export * from './matmul.js';
export * from './pool.js';
export * from './reduce.js';
export * from './softmax.js';
export { TENSOR_METHODS } from './methods.js';
export { formatTensor } from './format.js';
