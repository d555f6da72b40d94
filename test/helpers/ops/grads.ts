// Running an op's backward inside a family sample: the gradient of one input
// after backward(g), as a fresh tensor owned by the caller's tidy scope.
import * as fv from '../../../src/index.js';

type Tensor = fv.Tensor;

/**
 * Marks `wrt` as requiring grad, runs `f`, back-propagates `seed` (or 1 for a
 * scalar) and returns a copy of `wrt[which]`'s gradient; the leaves' kept grads
 * are disposed so samples leak nothing.
 */
export function gradOf(wrt: Tensor[], which: number, f: () => Tensor, seed?: Tensor): Tensor {
  for (const t of wrt) t.requiresGrad = true;
  const out = f();
  out.backward(seed);
  const g = wrt[which]!.grad;
  if (!g) throw new Error(`no gradient reached input ${which}`);
  const copy = fv.ops.reshape(g, [...g.shape]);
  for (const t of wrt) {
    t.grad?.dispose();
    t.grad = undefined;
    t.requiresGrad = false;
  }
  return copy;
}
