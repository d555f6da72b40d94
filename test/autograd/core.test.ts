// Gradcheck for every differentiable op of the foundation: analytic gradients
// from backward() against central differences, in float64 on the reference path.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';
import { check, f64 } from '../helpers/gradcheck.js';

const { ops } = fv;



const unary: [string, (x: Tensor) => Tensor, number][] = [
  ['neg', ops.neg, 0],
  ['exp', ops.exp, 0],
  ['log', ops.log, 3],
  ['sigmoid', ops.sigmoid, 0],
  ['tanh', ops.tanh, 0],
  ['relu', ops.relu, 0],
  ['sqrt', ops.sqrt, 4],
  ['rsqrt', ops.rsqrt, 4],
  ['abs', ops.abs, 0],
  ['square', ops.square, 0],
  ['reciprocal', ops.reciprocal, 4],
  ['addScalar', (x) => ops.addScalar(x, 1.5), 0],
  ['mulScalar', (x) => ops.mulScalar(x, -2.5), 0],
  ['powScalar', (x) => ops.powScalar(x, 2.5), 4],
  ['clamp', (x) => ops.clamp(x, -0.5, 0.7), 0],
];

describe('gradcheck: unary', () => {
  it.each(unary)('%s', (_, f, shift) => check(f, [f64([3, 5], 1, 1, shift)]));
});

const binary: [string, (a: Tensor, b: Tensor) => Tensor, number][] = [
  ['add', ops.add, 0],
  ['sub', ops.sub, 0],
  ['mul', ops.mul, 0],
  ['div', ops.div, 4],
  ['pow', ops.pow, 4],
  ['maximum', ops.maximum, 0],
  ['minimum', ops.minimum, 0],
];

describe('gradcheck: binary with broadcasting', () => {
  it.each(binary)('%s same shape', (_, f, shift) => check(f, [f64([2, 3], 2, 1, shift), f64([2, 3], 3, 1, shift)]));
  it.each(binary)('%s broadcast [2,1,3] with [4,1]', (_, f, shift) => check(f, [f64([2, 1, 3], 4, 1, shift), f64([4, 1], 5, 1, shift)]));
  it('scalar operands (number on either side)', () => {
    check((x) => ops.sub(2, ops.mul(x, 3)), [f64([4], 6)]);
    check((x) => ops.div(1, ops.addScalar(ops.square(x), 1)), [f64([4], 7)]);
  });
});

describe('gradcheck: matmul', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`2-D transA=${transA} transB=${transB}`, () => {
        const a = f64(transA ? [4, 3] : [3, 4], 8);
        const b = f64(transB ? [5, 4] : [4, 5], 9);
        check((x, y) => ops.matmul(x, y, { transA, transB }), [a, b]);
      });
      it(`batched 3-D times a shared 2-D operand and back, transA=${transA} transB=${transB}`, () => {
        check((x, y) => ops.matmul(x, y, { transA, transB }), [f64(transA ? [2, 4, 3] : [2, 3, 4], 10), f64(transB ? [5, 4] : [4, 5], 11)]);
        check((x, y) => ops.matmul(x, y, { transA, transB }), [f64(transA ? [4, 3] : [3, 4], 12), f64(transB ? [2, 5, 4] : [2, 4, 5], 13)]);
        check((x, y) => ops.matmul(x, y, { transA, transB }), [f64(transA ? [2, 4, 3] : [2, 3, 4], 14), f64(transB ? [2, 5, 4] : [2, 4, 5], 15)]);
      });
    }
  }
});

describe('gradcheck: reductions and softmax', () => {
  const x = (): Tensor => f64([3, 4, 5], 14);
  it('sum over all, one, several and negative axes, keepdims', () => {
    check((t) => ops.sum(t), [x()]);
    check((t) => ops.sum(t, 1), [x()]);
    check((t) => ops.sum(t, [0, 2], { keepdims: true }), [x()]);
    check((t) => ops.sum(t, -1), [x()]);
  });
  it('mean', () => {
    check((t) => ops.mean(t), [x()]);
    check((t) => ops.mean(t, [0, 1]), [x()]);
  });
  it('max and min (distinct values)', () => {
    check((t) => ops.max(t, 2), [x()]);
    check((t) => ops.min(t, [0, 1], { keepdims: true }), [x()]);
  });
  it('max shares the gradient among ties', () => {
    const t = fv.tensor([1, 3, 3, 2], [4], { dtype: 'float64' });
    t.requiresGrad = true;
    ops.max(t).backward();
    expect(Array.from(t.grad!.toFloat64Array())).toEqual([0, 0.5, 0.5, 0]);
  });
  it.each([0, 1, 2, -1])('softmax and logSoftmax over axis %i', (axis) => {
    check((t) => ops.softmax(t, axis), [x()]);
    check((t) => ops.logSoftmax(t, axis), [x()]);
  });
});

describe('gradcheck: layout', () => {
  it('reshape, permute, transpose', () => {
    check((t) => ops.reshape(t, [4, -1]), [f64([2, 3, 2], 15)]);
    check((t) => ops.permute(t, [2, 0, 1]), [f64([2, 3, 4], 16)]);
    check((t) => ops.transpose(t), [f64([3, 4], 17)]);
  });
  it('slice with negative bounds and steps', () => {
    check((t) => ops.slice(t, [1, -4], [3, -1]), [f64([4, 6], 18)]);
    check((t) => ops.slice(t, [0, 1], [4, 6], [2, 3]), [f64([4, 6], 19)]);
  });
  it('expand and concat', () => {
    check((t) => ops.expand(t, [2, 3, 4]), [f64([3, 1], 20)]);
    check((a, b) => ops.concat([a, b, a], 1), [f64([2, 3], 21), f64([2, 1], 22)]);
  });
  it('indexSelect and gather (repeated indices accumulate)', () => {
    const idx = fv.tensor(new Int32Array([2, 0, 2, 1]), [2, 2]);
    check((t) => ops.indexSelect(t, 0, idx), [f64([3, 4], 23)]);
    const g = fv.tensor(new Int32Array([0, 2, 2, 1, 1, 1]), [2, 3]);
    check((t) => ops.gather(t, 1, g), [f64([2, 4], 24)]);
  });
});

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
