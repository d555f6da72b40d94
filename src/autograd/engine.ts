// Reverse-mode autodiff over the recorded graph: an iterative topological sort
// of the graph's nodes (DRAW unrolls 64 steps; a recursive sort would overflow
// the stack), then one reverse sweep that accumulates gradients with `+`, so
// fan-out is right by construction. A node with several outputs (the LSTM
// cell's h' and c') runs its backward once, after every consumer of every output.
import { checkOptions } from '../options.js';
import { fail, fmtShape, sameShape } from '../errors.js';
import { keep, tidy } from '../memory.js';
import { setBackwardImpl, Tensor, type BackwardOptions, type GradNode, noGrad } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { onesLike } from '../creation.js';
import { kernels } from '../backend/index.js';

/** A tensor of its own with t's values (natively a reshape: the same buffer, copy-on-write). */
const ownHandle = (t: Tensor): Tensor => kernels('copy', t).reshape(t, [...t.shape]);

/** The nodes reachable from `root` through inputs that require grad, inputs before outputs. */
function topologicalOrder(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const visited = new Set<GradNode>();
  const stack: [GradNode, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (expanded) {
      order.push(node);
      continue;
    }
    if (visited.has(node)) continue;
    visited.add(node);
    stack.push([node, true]);
    for (const input of node.inputs) {
      if (input.requiresGrad && input.node && !visited.has(input.node)) stack.push([input.node, false]);
    }
  }
  return order;
}

/**
 * Reference counts on the gradients in flight. A backward may pass its output
 * gradient straight through (add) or give one tensor to two inputs (the LSTM
 * cell's gx and gh); counting the holders frees each tensor exactly when its
 * last holder is done, with no defensive copies. `pinned` (the caller's seed
 * gradient) is never freed.
 */
class GradRefs {
  readonly #counts = new Map<Tensor, number>();
  constructor(readonly pinned: Tensor | undefined) {}

  hold(t: Tensor): Tensor {
    this.#counts.set(t, (this.#counts.get(t) ?? 0) + 1);
    return t;
  }

  release(t: Tensor): void {
    const n = (this.#counts.get(t) ?? 1) - 1;
    if (n > 0) return void this.#counts.set(t, n);
    this.#counts.delete(t);
    if (t !== this.pinned) t.dispose();
  }

  /** Hands `t` to a leaf's `.grad`: itself if this was its only holder, else a tensor of its own. */
  giveAway(t: Tensor): Tensor {
    if ((this.#counts.get(t) ?? 0) <= 1 && t !== this.pinned) {
      this.#counts.delete(t);
      return t;
    }
    const own = ownHandle(t);
    this.release(t);
    return own;
  }

  /** a + b, releasing both. */
  sum(a: Tensor, b: Tensor): Tensor {
    const s = add(a, b);
    this.release(a);
    this.release(b);
    return this.hold(s);
  }
}

function checkSeed(root: Tensor, grad: Tensor | undefined): void {
  if (!root.requiresGrad) fail('backward', `tensor ${fmtShape(root.shape)} does not require grad (no input has requiresGrad set)`);
  if (grad === undefined) {
    if (root.size !== 1) fail('backward', `grad must be given for a non-scalar output of shape ${fmtShape(root.shape)}`);
    // A NaN or infinite loss would spread silently through every gradient.
    const value = root.item();
    if (!Number.isFinite(value)) fail('backward', `the loss is ${value}; check the inputs and the learning rate`);
  } else if (!sameShape(grad.shape, root.shape) || grad.dtype !== root.dtype) {
    fail('backward', `grad ${grad.dtype} ${fmtShape(grad.shape)} does not match the output ${root.dtype} ${fmtShape(root.shape)}`);
  }
}

/** Adds `g` (held by `refs`) into a leaf's `.grad`. */
function accumulateLeaf(x: Tensor, g: Tensor, refs: GradRefs): void {
  const prev = x.grad?.isDisposed ? undefined : x.grad;
  if (prev === undefined) {
    x.grad = keep(refs.giveAway(g));
    return;
  }
  const s = add(prev, g);
  prev.dispose();
  refs.release(g);
  x.grad = keep(s);
}

function runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void {
  checkOptions('backward', options, ['retainGraph']);
  checkSeed(root, grad);
  noGrad(() => {
    const refs = new GradRefs(grad);
    const seed = refs.hold(grad ?? onesLike(root));
    if (root.node === undefined) return accumulateLeaf(root, seed, refs);
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    const order = topologicalOrder(root.node);
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      const outGrads = node.outputs.map((o) => {
        const g = grads.get(o);
        grads.delete(o);
        return g;
      });
      if (outGrads.every((g) => g === undefined)) continue;
      if (node.backward === undefined) {
        fail('backward', `the graph through ${node.op} was freed by an earlier backward(); pass { retainGraph: true } to run backward twice`);
      }
      const backwardFn = node.backward;
      const inputGrads = tidy(() => backwardFn(outGrads));
      for (const gx of inputGrads) if (gx !== undefined) refs.hold(gx);
      for (const g of outGrads) if (g !== undefined) refs.release(g);
      if (!options.retainGraph) {
        node.backward = undefined;
        for (const o of node.owned) o.dispose();
      }
      node.inputs.forEach((x, j) => {
        const gx = inputGrads[j];
        if (gx === undefined) return;
        if (!x.requiresGrad) return refs.release(gx);
        if (!sameShape(gx.shape, x.shape)) {
          fail('backward', `internal error: ${node.op} gave a gradient of shape ${fmtShape(gx.shape)} for an input of shape ${fmtShape(x.shape)}`);
        }
        if (x.node === undefined) return accumulateLeaf(x, gx, refs);
        const prev = grads.get(x);
        grads.set(x, prev === undefined ? gx : refs.sum(prev, gx));
      });
    }
    for (const g of grads.values()) refs.release(g);
  });
}

setBackwardImpl(runBackward);
