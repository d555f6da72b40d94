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
