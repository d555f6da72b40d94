// Reverse-mode autodiff over the recorded graph: an iterative topological sort
// (DRAW unrolls 64 steps; a recursive sort would overflow the stack), then one
// reverse sweep that accumulates gradients with `+`, so fan-out is right by
// construction.
import { fail, fmtShape } from '../errors.js';
import { keep, tidy } from '../memory.js';
import { setBackwardImpl, Tensor, type BackwardOptions } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { onesLike } from '../creation.js';
import { kernels } from '../backend.js';
import { noGrad } from './graph.js';

/** Tensors reachable from `root` through graph nodes, inputs before outputs. */
const copy = (t: Tensor): Tensor => kernels('copy', t).reshape(t, [...t.shape]);

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order;
}

/**
 * Backward functions may pass the output gradient straight through (add) or
 * return one tensor for two inputs; give every input a tensor of its own so
 * accumulation can free them independently.
 */
function ownDistinct(grads: (Tensor | undefined)[], g: Tensor): (Tensor | undefined)[] {
  const seen = new Set<Tensor>([g]);
  return grads.map((t) => {
    if (t === undefined) return t;
    if (!seen.has(t)) {
      seen.add(t);
      return t;
    }
    return copy(t);
  });
}

function accumulate(into: Tensor | undefined, g: Tensor): Tensor {
  if (into === undefined) return g;
  const sum = add(into, g);
  into.dispose();
  g.dispose();
  return sum;
}

function runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void {
  if (!root.requiresGrad) fail('backward', `tensor ${fmtShape(root.shape)} does not require grad (no input has requiresGrad set)`);
  if (grad === undefined) {
    if (root.size !== 1) fail('backward', `grad must be given for a non-scalar output of shape ${fmtShape(root.shape)}`);
    // A NaN or infinite loss would spread silently through every gradient.
    const value = root.item();
    if (!Number.isFinite(value)) fail('backward', `the loss is ${value}; check the inputs and the learning rate`);
  } else if (grad.shape.join() !== root.shape.join() || grad.dtype !== root.dtype) {
    fail('backward', `grad ${grad.dtype} ${fmtShape(grad.shape)} does not match the output ${root.dtype} ${fmtShape(root.shape)}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, grad ?? onesLike(root));
    const order = topologicalOrder(root);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      const node = t.node;
      if (g === undefined || node === undefined) continue;
      grads.delete(t);
      if (node.backward === undefined) {
        fail('backward', `the graph through ${node.op} was freed by an earlier backward(); pass { retainGraph: true } to run backward twice`);
      }
      const backwardFn = node.backward;
      const inputGrads = tidy(() => ownDistinct(backwardFn(g), g));
      if (g !== grad) g.dispose();
      if (!options.retainGraph) {
        node.backward = undefined;
        for (const o of node.owned) o.dispose();
      }
      node.inputs.forEach((x, j) => {
        const gx = inputGrads[j];
        if (gx === undefined) return;
        if (!x.requiresGrad) return gx.dispose();
        if (gx.shape.join() !== x.shape.join()) {
          fail('backward', `internal error: ${node.op} gave a gradient of shape ${fmtShape(gx.shape)} for an input of shape ${fmtShape(x.shape)}`);
        }
        if (x.node) grads.set(x, accumulate(grads.get(x), gx));
        else x.grad = keep(accumulate(x.grad?.isDisposed ? undefined : x.grad, gx));
      });
    }
    for (const g of grads.values()) if (g !== grad) g.dispose();
  });
}

setBackwardImpl(runBackward);
