import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';

describe('Tensor', () => {
  it('holds data, shape, dtype and device', () => {
    const t = fv.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.device).toBe('cpu');
    expect(Array.from(t.toFloat32Array())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    t.dispose();
  });
});

describe('reshape shares the buffer', () => {
  it('keeps each tensor its own values when the source is then updated in place', () => {
    fv.tidy(() => {
      const p = fv.tensor([1, 2, 3, 4], [2, 2]);
      const r = fv.ops.reshape(p, [4]); // no copy: the same buffer under another shape
      p.requiresGrad = true;
      p.grad = fv.ones([2, 2]);
      new fv.optim.SGD([p], { lr: 1 }).step(); // an in-place update copies the shared buffer first
      expect(Array.from(p.toFloat32Array())).toEqual([0, 1, 2, 3]);
      expect(Array.from(r.toFloat32Array())).toEqual([1, 2, 3, 4]);
      const before = fv.memory().numTensors;
      r.dispose();
      expect(fv.memory().numTensors).toBe(before - 1);
      expect(Array.from(p.toFloat32Array())).toEqual([0, 1, 2, 3]);
    });
  });
});

