// fv.nn: modules with PyTorch's names, so weights and habits carry over.
export { Module } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { Flatten, ReLU, Sequential, Sigmoid, Tanh, type Layer } from './containers.js';
export * as init from './init.js';
