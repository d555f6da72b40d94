// Recording ops on the tape: an op's result remembers its inputs and how to
// turn the result's gradient into theirs (micrograd's `_backward`, kept as a
// closure right where the op computes its forward).
import { Tensor, type GradNode } from '../tensor.js';

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
  recordMulti(op, [out], inputs, (grads) => backward(grads[0]!), owned);
  return out;
}

/**
 * `record` for an op with several outputs (the LSTM cell's h' and c'): one node
 * for all of them, so the backward runs once with every output's gradient —
 * undefined for an output the loss does not reach.
 */
export function recordMulti(
  op: string,
  outs: readonly Tensor[],
  inputs: readonly Tensor[],
  backward: (grads: (Tensor | undefined)[]) => (Tensor | undefined)[],
  owned: readonly Tensor[] = [],
): void {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    const node: GradNode = { op, inputs, outputs: outs, backward, owned };
    for (const out of outs) {
      out.requiresGrad = true;
      out.node = node;
    }
  } else {
    for (const t of owned) t.dispose();
  }
}

/** A tensor with the same values, cut from the graph. */
export function detach(x: Tensor): Tensor {
  return x.dtype === 'float64' ? Tensor.fromReference(x.array('detach')) : Tensor.fromNative(x.handle('detach').reshape([...x.shape]));
}
