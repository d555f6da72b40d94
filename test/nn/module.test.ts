import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

describe('nn.Module and Linear', () => {
  it('Linear computes x Wᵀ + b with PyTorch shapes, for rank 2 and rank 3 inputs', () => {
    fv.seed(3);
    const lin = new fv.nn.Linear(4, 3);
    expect(lin.weight.shape).toEqual([3, 4]);
    expect(lin.bias!.shape).toEqual([3]);
    const x = fv.randn([2, 5, 4]);
    const y = lin.forward(x);
    expect(y.shape).toEqual([2, 5, 3]);
    const W = fv.reference.refArray(lin.weight.toFloat32Array(), [3, 4]);
    const X = fv.reference.refArray(x.toFloat32Array(), [10, 4]);
    const expected = fv.reference.matmul(X, W, false, true).data.map((v, i) => v + lin.bias!.toFloat32Array()[i % 3]!);
    Array.from(y.toFloat32Array()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(() => lin.forward(fv.zeros([2, 5]))).toThrow(/Linear.forward: x \[2,5\] must end in 4 features/);
  });

  it('names parameters through Sequential like PyTorch and counts them', () => {
    const net = new fv.nn.Sequential(new fv.nn.Linear(784, 100), new fv.nn.Sigmoid(), new fv.nn.Linear(100, 10));
    expect(net.namedParameters().map(([n, t]) => `${n}:${t.shape.join('x')}`)).toEqual(['0.weight:100x784', '0.bias:100', '2.weight:10x100', '2.bias:10']);
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(784 * 100 + 100 + 100 * 10 + 10);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    net.eval();
    expect(net.layers.every((m) => !m.training)).toBe(true);
  });

  it('loadStateDict copies values in place (same tensor objects) and refuses mismatches without changing anything', () => {
    fv.seed(1);
    const a = new fv.nn.Linear(3, 2);
    fv.seed(2);
    const b = new fv.nn.Linear(3, 2);
    const weightBefore = b.weight;
    b.loadStateDict(a.stateDict());
    expect(b.weight).toBe(weightBefore);
    expect(Array.from(b.weight.toFloat32Array())).toEqual(Array.from(a.weight.toFloat32Array()));
    const saved = Array.from(b.bias!.toFloat32Array());
    expect(() => b.loadStateDict({ weight: fv.zeros([2, 3]) })).toThrow(/loadStateDict: missing keys \[bias\]/);
    expect(() => b.loadStateDict({ weight: fv.zeros([3, 3]), bias: fv.zeros([2]) })).toThrow(/weight: shape \[3,3\] does not match the model's \[2,3\]/);
    expect(Array.from(b.bias!.toFloat32Array())).toEqual(saved);
  });

  it('parameters outlive tidy and receive gradients', () => {
    const lin = fv.tidy(() => new fv.nn.Linear(2, 1));
    expect(lin.weight.isDisposed).toBe(false);
    fv.tidy(() => fv.ops.sum(lin.forward(fv.ones([4, 2]))).backward());
    expect(Array.from(lin.bias!.grad!.toFloat32Array())).toEqual([4]);
    expect(Array.from(lin.weight.grad!.toFloat32Array())).toEqual([4, 4]);
  });

  it('initialisers have the advertised spread', () => {
    fv.seed(5);
    const std = (t: fv.Tensor): number => {
      const v = t.toFloat32Array();
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
    };
    expect(std(fv.nn.init.heNormal([256, 512]))).toBeCloseTo(Math.sqrt(2 / 512), 3);
    expect(std(fv.nn.init.glorotUniform([256, 512]))).toBeCloseTo(Math.sqrt(6 / 768) / Math.sqrt(3), 3);
    expect(std(fv.nn.init.gaussian([300, 300], 0.01))).toBeCloseTo(0.01, 3);
  });

  it('BatchNorm keeps its batch counter on the host, and a loaded untrained state is refused again in eval', () => {
    fv.seed(9);
    const trained = new fv.nn.BatchNorm1d(3);
    const fresh = new fv.nn.BatchNorm1d(3);
    fv.tidy(() => trained.forward(fv.randn([8, 3])));
    expect(trained.batchesTracked).toBe(1);
    trained.eval();
    expect(fv.tidy(() => trained.forward(fv.randn([4, 3])).shape)).toEqual([4, 3]);
    trained.loadStateDict(fresh.stateDict());
    expect(trained.batchesTracked).toBe(0);
    expect(() => trained.forward(fv.randn([4, 3]))).toThrow(/BatchNorm1d.forward: evaluation needs population statistics/);
  });
});
