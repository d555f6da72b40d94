// Every op family's declaration, for the CPU-vs-reference and CUDA-vs-CPU suites.
export { attentionFamily } from './attention.js';
export { batchnormFamily } from './batchnorm.js';
export { binaryFamily } from './binary.js';
export { convFamily } from './conv.js';
export { gemmFamily } from './gemm.js';
export { layoutFamily } from './layout.js';
export { lossesFamily } from './losses.js';
export { lstmFamily } from './lstm.js';
export { poolFamily } from './pool.js';
export { reduceFamily } from './reduce.js';
export { softmaxFamily } from './softmax.js';
export { unaryFamily } from './unary.js';
export { optimFamily } from './optim.js';
