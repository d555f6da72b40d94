// fv.nn: modules with PyTorch's names, so weights and habits carry over.
export { Buffer, Module, Parameter } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { Flatten, ReLU, Sequential, Sigmoid, Tanh, type Layer } from './containers.js';
export { AvgPool2d, Conv2d, MaxPool2d, type Conv2dLayerOptions } from './conv.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './batchnorm.js';
export { computePopulationStatistics, foldBatchNorm, type PopulationStatistics } from './bn-inference.js';
export { LSTMCell } from './recurrent.js';
export { Dropout, Embedding } from './embedding.js';
export * as init from './init.js';
