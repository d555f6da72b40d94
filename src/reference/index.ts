// fv.reference: plain float64 TypeScript twins of the native kernels.
export * from './array.js';
export * from './attention.js';
export * from './attention-filter.js';
export * from './batchnorm.js';
export * from './conv.js';
export * from './elementwise.js';
export * from './gemm.js';
export * from './layout.js';
export * from './losses.js';
export * from './lstm.js';
export * from './pool.js';
export * from './random.js';
export * from './reduce.js';
export * from './optim.js';
export * from './soft-attend.js';
