// Printing a tensor shows its values as PyTorch does, truncated when large.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

describe('habits: printing tensors', () => {
  it('small tensors print every value, PyTorch style, then shape, dtype and device', () => {
    expect(String(fv.tensor([0.1, 0.2, 0.3, 0.4], [2, 2]))).toBe(
      'tensor([[0.1000, 0.2000],\n        [0.3000, 0.4000]], shape=[2,2], dtype=float32, device=cpu)',
    );
    expect(fv.tensor([1, -2, 3], [3]).toString()).toBe('tensor([ 1., -2.,  3.], shape=[3], dtype=float32, device=cpu)');
    expect(String(fv.tensor([1, 2], [2]).int())).toBe('tensor([1, 2], shape=[2], dtype=int32, device=cpu)');
    expect(String(fv.tensor([0.5], []))).toBe('tensor(0.5000, shape=[], dtype=float32, device=cpu)');
    expect(String(fv.zeros([0, 3]))).toBe('tensor([], shape=[0,3], dtype=float32, device=cpu)');
    expect(String(fv.tensor([1e-5, 1], [2]))).toBe('tensor([1.0000e-05, 1.0000e+00], shape=[2], dtype=float32, device=cpu)');
    expect(String(fv.tensor([NaN, Infinity, 0.5], [3]))).toBe('tensor([   nan,    inf, 0.5000], shape=[3], dtype=float32, device=cpu)');
  });

  it('a 3-d tensor separates its blocks with a blank line', () => {
    expect(String(fv.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]))).toBe(
      'tensor([[[1., 2.],\n         [3., 4.]],\n\n        [[5., 6.],\n         [7., 8.]]], shape=[2,2,2], dtype=float32, device=cpu)',
    );
  });

  it('large tensors show the first and last 3 entries of each axis', () => {
    const x = fv.ops.reshape(fv.tensor(Array.from({ length: 64 * 512 }, (_, i) => (i % 1000) / 1000), [64 * 512]), [64, 512]);
    const s = String(x);
    const lines = s.split('\n');
    expect(lines[0]).toBe('tensor([[0.0000, 0.0010, 0.0020,  ..., 0.5090, 0.5100, 0.5110],');
    expect(lines[3]).toBe('        ...,');
    expect(lines.length).toBe(7);
    expect(s.endsWith('], shape=[64,512], dtype=float32, device=cpu)')).toBe(true);
  });

  it('util.inspect and console.log use it; graph tensors name their op; disposed tensors say so', () => {
    const w = fv.tensor([1, 2], [2]);
    w.requiresGrad = true;
    expect(inspect(w)).toBe('tensor([1., 2.], shape=[2], dtype=float32, device=cpu, requiresGrad=true)');
    expect(inspect({ w })).toContain('tensor([1., 2.]');
    expect(String(w.mul(2))).toBe('tensor([2., 4.], shape=[2], dtype=float32, device=cpu, gradFn=mul)');
    w.dispose();
    expect(String(w)).toBe('Tensor(disposed)');
  });

  it('printing a large tensor frees what it sliced', () => {
    const x = fv.zeros([100, 100]);
    const before = fv.memory().numTensors;
    String(x);
    expect(fv.memory().numTensors).toBe(before);
  });
});
