// Softmax and log-softmax over one axis, shifted by the maximum for stability.
import { normAxis } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat } from './check.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';

/** e^x / Σ e^x along `axis` (default the last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', 'x', x);
  const a = normAxis('softmax', axis, x.shape);
  const y = kernels('softmax', x).softmax(x, a, false);
  // dx = y ⊙ (g − Σ g⊙y)
  return record('softmax', y, [x], (g) => [mul(y, sub(g, sum(mul(g, y), a, { keepdims: true })))]);
}

/** x − log Σ e^x along `axis` (default the last). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', 'x', x);
  const a = normAxis('logSoftmax', axis, x.shape);
  const y = kernels('logSoftmax', x).softmax(x, a, true);
  // dx = g − softmax(x) Σ g
  return record('logSoftmax', y, [x], (g) => [sub(g, mul(exp(y), sum(g, a, { keepdims: true })))]);
}
