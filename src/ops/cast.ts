// cast: a copy of a tensor in another dtype (PyTorch's x.to(dtype), TF.js's
// tf.cast). Float to int truncates toward zero, as both do. The values cross
// the host once (the binding has no conversion kernel); a float-to-float cast
// passes the gradient back, cast to the input's dtype; an int32 side has none.
import { fail, fmtShape } from '../errors.js';
import { kernelsFor } from '../backend/index.js';
import { type DType, record, Tensor } from '../tensor.js';
import { checkAny } from './check.js';

const DTYPES: readonly DType[] = ['float32', 'int32', 'float64'];

/**
 * A copy of `x` as `dtype` ('float32', 'int32' or 'float64'), on x's device;
 * always a new tensor, even when the dtype is already `dtype`.
 * @example const labels = fv.ops.cast(fv.tensor([1.7, -2.5], [2]), 'int32'); // [1, -2]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkAny('cast', 'x', x);
  if (!DTYPES.includes(dtype)) fail('cast', `dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  if (dtype === 'float64' && x.device !== 'cpu') fail('cast', `float64 tensors live on the cpu reference path, x ${fmtShape(x.shape)} is on ${x.device}`);
  const values = x.dtype === 'int32' ? x.toInt32Array() : x.dtype === 'float64' ? x.toFloat64Array() : x.toFloat32Array();
  const out = kernelsFor(dtype).fromValues(dtype === 'int32' ? Int32Array.from(values, Math.trunc) : values, x.shape, dtype, x.device);
  if (x.dtype === 'int32' || dtype === 'int32') return out;
  return record('cast', out, [x], (g) => [cast(g, x.dtype)]);
}
