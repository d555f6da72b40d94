// Tensor methods as PyTorch and TF.js users write them, dtype casts, and
// comparisons on int32 (argmax against labels).
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const values = (t: fv.Tensor): number[] => Array.from(t.toFloat64Array());

describe('habits: tensor methods', () => {
  it('chains like PyTorch, typed in strict TypeScript, and matches fv.ops exactly', () => {
    fv.seed(0);
    const x = fv.randn([4, 3]);
    const w = fv.randn([3, 5]);
    const y: fv.Tensor = x.matmul(w).add(1).relu().sum(1).mean();
    const z = fv.ops.mean(fv.ops.sum(fv.ops.relu(fv.ops.add(fv.ops.matmul(x, w), 1)), 1));
    expect(y.item()).toBe(z.item());
    expect(x.reshape([3, 4]).shape).toEqual([3, 4]);
    expect(x.transpose().shape).toEqual([3, 4]);
    expect(x.permute([1, 0]).shape).toEqual([3, 4]);
    expect(values(x.softmax(1).sum(1))).toEqual(values(fv.ops.sum(fv.ops.softmax(x, 1), 1)));
    expect(values(x.sub(x).abs().max())).toEqual([0]);
    expect(x.argmax(1).dtype).toBe('int32');
    expect(values(x.neg().exp().log().div(2).mul(-2))).toEqual(values(fv.ops.mul(fv.ops.div(fv.ops.log(fv.ops.exp(fv.ops.neg(x))), 2), -2)));
    expect(values(x.tanh())).toEqual(values(fv.ops.tanh(x)));
    expect(values(x.sigmoid())).toEqual(values(fv.ops.sigmoid(x)));
  });

  it('every method in the one table is installed and forwards to the fv.ops function of its name', () => {
    const table = fv.ops.TENSOR_METHODS as Record<string, unknown>;
    const ops = fv.ops as Record<string, unknown>;
    const proto = fv.Tensor.prototype as unknown as Record<string, Record<symbol, unknown>>;
    for (const [name, f] of Object.entries(table)) {
      if (!['float', 'int', 'double', 'detach'].includes(name)) expect(ops[name], name).toBe(f);
      expect(proto[name]![Symbol.for('foveate.tensorMethod')], name).toBe(f);
    }
    for (const name of ['add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'matmul', 'sum', 'mean', 'max', 'reshape', 'transpose', 'permute', 'softmax', 'argmax', 'eq', 'cast']) {
      expect(Object.keys(table)).toContain(name);
    }
  });

  it('methods record gradients as the ops do', () => {
    const w = fv.tensor([1, 2, 3], [3]);
    w.requiresGrad = true;
    w.mul(w).sum().backward();
    expect(values(w.grad!)).toEqual([2, 4, 6]);
  });

  it('method errors name the op, as the function does', () => {
    const x = fv.zeros([2, 3]);
    expect(() => x.matmul(fv.zeros([4, 5]))).toThrow(/^matmul: /);
    expect(() => x.reshape([7])).toThrow(/^reshape: /);
  });
});

describe('habits: casts and int32 comparisons', () => {
  it('cast/float/int/double convert, truncating toward zero, and always return a new tensor', () => {
    const x = fv.tensor([1.7, -2.5, 3, 0.2], [2, 2]);
    const i = x.int();
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.toInt32Array())).toEqual([1, -2, 3, 0]);
    expect(i.shape).toEqual([2, 2]);
    const f = i.float();
    expect(f.dtype).toBe('float32');
    expect(values(f)).toEqual([1, -2, 3, 0]);
    expect(x.cast('float64').dtype).toBe('float64');
    expect(x.double().cast('float32').dtype).toBe('float32');
    const same = x.float();
    expect(same).not.toBe(x);
    same.dispose();
    expect(x.isDisposed).toBe(false);
    expect(() => x.cast('int8' as fv.DType)).toThrow(/cast: dtype must be one of float32, int32, float64, got "int8"/);
  });

  it('a float-to-float cast passes the gradient back; int32 has none', () => {
    const w = fv.tensor([1, 2], [2]);
    w.requiresGrad = true;
    w.double().mul(3).sum().backward();
    expect(w.grad!.dtype).toBe('float32');
    expect(values(w.grad!)).toEqual([3, 3]);
    expect(w.int().requiresGrad).toBe(false);
  });

  it('eq/gt/lt accept int32 (argmax against labels) and return the float path’s 1/0 mask', () => {
    const logits = fv.tensor([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], [3, 2]);
    const labels = fv.tensor([1, 0, 0], [3]).int();
    const pred = fv.ops.argmax(logits, 1);
    const correct = fv.ops.eq(pred, labels);
    expect(correct.dtype).toBe('float32');
    expect(values(correct)).toEqual([1, 1, 0]);
    expect(pred.eq(labels).mean().item()).toBeCloseTo(2 / 3, 6);
    expect(values(fv.ops.eq(pred, 1))).toEqual([1, 0, 1]);
    expect(values(fv.ops.gt(pred, labels.float()))).toEqual([0, 0, 1]);
    expect(values(fv.ops.lt(labels, pred))).toEqual([0, 0, 1]);
    expect(values(pred.eq(pred.double()))).toEqual([1, 1, 1]);
    // the same mask as comparing float copies
    expect(values(correct)).toEqual(values(fv.ops.eq(pred.float(), labels.float())));
    // arithmetic on int32 still refuses, naming the op
    expect(() => fv.ops.add(pred, labels)).toThrow(/add: a must be float32 or float64, got int32/);
  });
});
