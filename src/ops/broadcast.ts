// Undoing a broadcast: the gradient of an expanded operand is the sum over the
// axes it was expanded along.
import { fail, fmtShape, sameShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { Tensor } from '../tensor.js';

/** Sums `g` down to `shape` (which `g.shape` must broadcast from). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) fail('sumTo', `cannot sum ${fmtShape(g.shape)} to the larger rank of ${fmtShape(shape)}`);
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const k = kernels('sumTo', g);
  const summed = k.reduce('sum', g, axes, true);
  const out = k.reshape(summed, [...shape]);
  summed.dispose();
  return out;
}
