// Dropout and embedding: the two layers that are one op on top of others.
import { checkOptions } from '../options.js';
import { allocating, fail, fmtShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { takeOffsets } from '../random.js';
import { type Tensor, record } from '../tensor.js';
import { checkAny, checkFloat } from './check.js';
import { mul } from './elementwise.js';
import { indexSelect } from './layout.js';

export interface DropoutOptions {
  /** Drop in training; the identity in evaluation (default true, as PyTorch's functional form). */
  training?: boolean;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p), with
 * a mask drawn from the seeded Philox stream (so `fv.seed` reproduces it on CPU
 * and GPU alike); the backward multiplies by the same mask.
 * @example const y = fv.ops.dropout(h, 0.5, { training: model.training });
 */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  checkOptions(op, options, ['training']);
  checkFloat(op, 'x', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail(op, `p must lie in [0, 1], got ${String(p)}`);
  const { training = true } = options;
  if (typeof training !== 'boolean') fail(op, `options.training must be true or false, got ${String(training)}`);
  if (!training || p === 0) return x;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const { seed, offset } = takeOffsets(x.size);
  // The kept positions scaled by 1/(1−p): the mask both passes multiply by.
  const k = kernels(op, x);
  const keep = k.random('bernoulli', x.shape, 1 - p, 0, seed, offset, x.device);
  const mask = k.unary('mulScalar', keep, scale);
  keep.dispose();
  const y = k.binary('mul', x, mask);
  return record(op, y, [x], (g) => [mul(g, mask)], [mask]);
}

/**
 * Rows of `weight` [V,D] picked by int32 `ids` (any shape): out = ids.shape + [D].
 * The gradient sums into the picked rows (indexSelect's backward, indexAdd).
 * @example const e = fv.ops.embedding(fv.tensor(Int32Array.from([3, 1]), [2]), table); // [2,D]
 */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  const op = 'embedding';
  checkAny(op, 'ids', ids);
  if (ids.dtype !== 'int32') fail(op, `ids must be int32, got ${ids.dtype} ${fmtShape(ids.shape)}`);
  checkFloat(op, 'weight', weight);
  if (weight.rank !== 2) fail(op, `weight must be [numEmbeddings, dim], got ${fmtShape(weight.shape)}`);
  if (ids.device !== weight.device) fail(op, `ids on ${ids.device} but weight on ${weight.device}`);
  const v = weight.shape[0]!;
  const values = ids.toInt32Array();
  const bad = values.findIndex((i) => i < 0 || i >= v);
  if (bad >= 0) fail(op, `ids[${bad}] = ${values[bad]} is out of range 0..${v} for weight ${fmtShape(weight.shape)}`);
  return allocating(op, 'result', () => indexSelect(weight, 0, ids));
}
