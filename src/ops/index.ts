// fv.ops: one file per op family.
export * from './elementwise.js';
export * from './layout.js';
export * from './matmul.js';
export * from './reduce.js';
export * from './softmax.js';
