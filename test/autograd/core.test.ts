// The autograd engine: fan-out and repeated backward accumulate, multi-output
// nodes, long chains, retainGraph, seeds, noGrad/detach, disposed saved tensors,
// mixed dtypes. (Each op's gradcheck is declared with the op, in test/ops.)
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';

const { ops } = fv;

describe('autograd engine', () => {
  it('accumulates fan-out and repeated backward into leaf grads', () => {
    const w = fv.tensor([1, -2, 3], [3]);
    w.requiresGrad = true;
    const y = ops.add(ops.mul(w, w), ops.mulScalar(w, 3)); // 2w + 3
    ops.sum(y).backward();
    expect(Array.from(w.grad!.toFloat32Array())).toEqual([5, -1, 9]);
    ops.sum(ops.mulScalar(w, 2)).backward();
    expect(Array.from(w.grad!.toFloat32Array())).toEqual([7, 1, 11]);
  });
  it('one gradient passed to two leaves becomes a tensor of each, freed independently', () => {
    const [a, b] = [fv.tensor([1, 2], [2]), fv.tensor([3, 4], [2])];
    a.requiresGrad = b.requiresGrad = true;
    const before = fv.memory().numTensors;
    fv.tidy(() => ops.sum(ops.add(a, b)).backward()); // add passes its gradient to both
    expect(a.grad).not.toBe(b.grad);
    a.grad!.dispose();
    expect(Array.from(b.grad!.toFloat32Array())).toEqual([1, 1]);
    b.grad!.dispose();
    expect(fv.memory().numTensors).toBe(before); // nothing of the graph is left
  });
  it('a node with two outputs runs its backward once, with the gradients that reached it', () => {
    // The LSTM cell's h' and c' come from one node: loss on both, on one, or on one twice.
    fv.seed(5);
    const p = [fv.randn([3, 2]), fv.randn([3, 2]), fv.randn([3, 2]), fv.randn([8, 2]), fv.randn([8, 2])];
    p.forEach((t) => (t.requiresGrad = true));
    const grads = (loss: (s: fv.ops.LstmState) => Tensor): number[][] => {
      fv.tidy(() => loss(ops.lstmCell(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!)).backward());
      const out = p.map((t) => Array.from(t.grad!.toFloat32Array()));
      p.forEach((t) => (t.grad!.dispose(), (t.grad = undefined)));
      return out;
    };
    const both = grads((s) => ops.add(ops.sum(s.h), ops.sum(s.c)));
    const hOnly = grads((s) => ops.sum(s.h));
    const cOnly = grads((s) => ops.sum(s.c));
    both.forEach((g, k) => g.forEach((v, j) => expect(v).toBeCloseTo(hOnly[k]![j]! + cOnly[k]![j]!, 5)));
    const twice = grads((s) => ops.add(ops.sum(s.h), ops.sum(s.h)));
    twice.forEach((g, k) => g.forEach((v, j) => expect(v).toBeCloseTo(2 * hOnly[k]![j]!, 5)));
  });
  it('runs a 2,000-step chain without overflowing the stack', () => {
    const x = fv.tensor([0.5], [1]);
    x.requiresGrad = true;
    fv.tidy(() => {
      let h = x;
      for (let i = 0; i < 2000; i++) h = ops.mulScalar(ops.addScalar(h, 0.001), 1.0);
      ops.sum(h).backward();
    });
    expect(x.grad!.item()).toBeCloseTo(1, 6);
  });
  it('backward twice without retainGraph is a clear error; with it, gradients add', () => {
    const x = fv.tensor([2], [1]);
    x.requiresGrad = true;
    const y = ops.sum(ops.square(x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.item()).toBe(8);
    expect(() => y.backward()).toThrow(/backward: the graph through .* was freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
  });
  it('a NaN loss is refused, a non-scalar output needs a seed, a tensor without grad says so', () => {
    const x = fv.tensor([-1], [1]);
    x.requiresGrad = true;
    expect(() => ops.sum(ops.log(x)).backward()).toThrow(/backward: the loss is NaN/);
    expect(() => ops.mulScalar(ops.addScalar(x, 1), 2).backward()).not.toThrow();
    expect(() => ops.mul(fv.tensor([1, 2], [2]), ops.expand(x, [2])).backward()).toThrow(/grad must be given for a non-scalar output of shape \[2\]/);
    expect(() => fv.tensor([1], [1]).backward()).toThrow(/does not require grad/);
  });
  it('noGrad records nothing and detach cuts the graph', () => {
    const x = fv.tensor([1, 2], [2]);
    x.requiresGrad = true;
    expect(fv.noGrad(() => ops.mul(x, x)).requiresGrad).toBe(false);
    const d = fv.detach(ops.mul(x, x));
    expect(d.requiresGrad).toBe(false);
    expect(Array.from(d.toFloat32Array())).toEqual([1, 4]);
  });
  it('backward through a disposed saved tensor names the problem', () => {
    const x = fv.tensor([1, 2], [2]);
    x.requiresGrad = true;
    const y = ops.exp(x);
    const loss = ops.sum(ops.mul(y, y));
    y.dispose();
    expect(() => loss.backward()).toThrow(/was disposed and cannot be used again/);
  });
  it('float64 and float32 operands do not mix silently', () => {
    expect(() => ops.add(fv.tensor([1], [1], { dtype: 'float64' }), fv.tensor([1], [1]))).toThrow(/add: cannot mix float64 \(reference\) and float32 tensors/);
  });
});
