// Recording ops on the tape: an op's result remembers its inputs and how to
// turn the result's gradient into theirs (micrograd's `_backward`, kept as a
// closure right where the op computes its forward).
import { Tensor } from '../tensor.js';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording a graph (evaluation, optimiser updates).
 * @example const y = fv.noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/**
 * Attaches `backward` to `out` when grad mode is on and an input requires a
 * gradient. `backward(g)` returns one gradient (or undefined) per input.
 * `owned` tensors (made by the op for itself) live as long as the graph needs them.
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => (Tensor | undefined)[],
  owned: readonly Tensor[] = [],
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward, owned };
  } else {
    for (const t of owned) t.dispose();
  }
  return out;
}

/** A tensor with the same values, cut from the graph. */
export function detach(x: Tensor): Tensor {
  return x.dtype === 'float64' ? Tensor.fromReference(x.array('detach')) : Tensor.fromNative(x.handle('detach').reshape([...x.shape]));
}
