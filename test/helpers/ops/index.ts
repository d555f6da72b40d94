// Every op family's declaration, for the CPU-vs-reference and CUDA-vs-CPU suites.
export { attentionFamily } from './attention.js';
export { binaryFamily } from './binary.js';
export { gemmFamily } from './gemm.js';
export { layoutFamily } from './layout.js';
export { reduceFamily } from './reduce.js';
export { softmaxFamily } from './softmax.js';
export { unaryFamily } from './unary.js';
