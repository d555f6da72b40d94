// Tensor methods (x.add(y), x.matmul(w), x.sum(), x.reshape([...]) as in PyTorch
// and TF.js), from this one table: each method is the fv.ops function of the same
// name called with the tensor as its first argument, so a method and its op
// cannot drift apart, and the method types are derived from the same functions.
// tensor.ts sits below the ops, so the ops layer installs the methods on
// Tensor.prototype here (fv.ops loads this file) and declares them by
// declaration merging.
import { detach, Tensor } from '../tensor.js';
import { cast } from './cast.js';
import * as elementwise from './elementwise.js';
import * as layout from './layout.js';
import * as losses from './losses.js';
import { matmul } from './matmul.js';
import * as reduce from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';

const e = elementwise;

/** The methods of every Tensor: name → the function it calls with `this` first. */
export const TENSOR_METHODS = {
  add: e.add, sub: e.sub, mul: e.mul, div: e.div, pow: e.pow, maximum: e.maximum, minimum: e.minimum,
  gt: e.gt, lt: e.lt, eq: e.eq,
  neg: e.neg, exp: e.exp, log: e.log, sqrt: e.sqrt, rsqrt: e.rsqrt, abs: e.abs, square: e.square, reciprocal: e.reciprocal,
  sigmoid: e.sigmoid, tanh: e.tanh, relu: e.relu, sign: e.sign, clamp: e.clamp,
  matmul,
  sum: reduce.sum, mean: reduce.mean, max: reduce.max, min: reduce.min, argmax: reduce.argmax,
  softmax, logSoftmax,
  reshape: layout.reshape, permute: layout.permute, transpose: layout.transpose, slice: layout.slice, expand: layout.expand,
  indexSelect: layout.indexSelect, gather: layout.gather,
  crossEntropy: losses.crossEntropy, bceWithLogits: losses.bceWithLogits,
  cast,
  /** x.float(): a float32 copy (PyTorch's .float()). */
  float: (x: Tensor): Tensor => cast(x, 'float32'),
  /** x.int(): an int32 copy, truncating toward zero (PyTorch's .int()). */
  int: (x: Tensor): Tensor => cast(x, 'int32'),
  /** x.double(): a float64 copy on the reference path (PyTorch's .double()). */
  double: (x: Tensor): Tensor => cast(x, 'float64'),
  detach,
} as const;

/** `f` without its first (tensor) argument: the method's signature. */
type Method<F> = F extends (x: Tensor, ...rest: infer A) => infer R ? (...args: A) => R : never;
type TensorMethods = { [K in keyof typeof TENSOR_METHODS]: Method<(typeof TENSOR_METHODS)[K]> };

declare module '../tensor.js' {
  // Merged into the class: every Tensor has the table's methods, typed from the functions themselves.
  interface Tensor extends TensorMethods {}
}

const installed = Symbol.for('foveate.tensorMethod');
for (const [name, f] of Object.entries(TENSOR_METHODS) as [string, (x: Tensor, ...rest: unknown[]) => unknown][]) {
  const own = Object.getOwnPropertyDescriptor(Tensor.prototype, name);
  // A table entry must not shadow a member the class defines itself.
  if (own && !(installed in Object(own.value))) throw new Error(`ops/methods: Tensor already has a member named ${name}`);
  const method = function (this: Tensor, ...args: unknown[]): unknown {
    return f(this, ...args);
  };
  Object.defineProperty(method, 'name', { value: name });
  Object.defineProperty(method, installed, { value: f });
  Object.defineProperty(Tensor.prototype, name, {
    value: method,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
