// Softmax and log-softmax over one axis, shifted by the maximum for stability.
import { normAxis } from '../errors.js';
import { native } from '../native.js';
import { wrap, type Tensor } from '../tensor.js';
import { checkTensor } from './elementwise.js';

export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', 'x', x);
  return wrap(native.softmax(x.handle('softmax'), normAxis('softmax', axis, x.rank), false));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', 'x', x);
  return wrap(native.softmax(x.handle('logSoftmax'), normAxis('logSoftmax', axis, x.rank), true));
}
