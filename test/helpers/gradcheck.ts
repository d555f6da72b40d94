// Shared by the gradcheck suites: seeded float64 inputs and a check that prints
// the first mismatches when a gradient is wrong.
import { expect } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';

/** A float64 tensor of seeded normals, scaled and shifted (e.g. away from kinks or zero). */
export function f64(shape: number[], seed: number, scale = 1, shift = 0): Tensor {
  fv.seed(seed);
  const x = fv.randn(shape);
  const data = Float64Array.from(x.toFloat32Array(), (v) => v * scale + shift);
  x.dispose();
  return fv.tensor(data, shape, { dtype: 'float64' });
}

export function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = fv.autograd.gradcheck(fn, inputs);
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.ok).toBe(true);
}
