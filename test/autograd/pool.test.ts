// Gradcheck for maxPool2d and avgPool2d (and avgPool2dBackward / maxPool2dBackward
// as ops of their own), in float64 on the reference path. Inputs are distinct
// normals, so no window has a tie within the finite-difference step.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { check, f64 } from '../helpers/gradcheck.js';

const { ops } = fv;



const cases: [string, fv.ops.Pool2dOptions][] = [
  ['3×3 stride 2', { kernel: 3, stride: 2 }],
  ['3×3 stride 2 padding 1 ceil', { kernel: 3, stride: 2, padding: 1, ceilMode: true }],
  ['[2,3] stride [1,2] padding [1,0]', { kernel: [2, 3], stride: [1, 2], padding: [1, 0] }],
  ['2×2 stride 3', { kernel: 2, stride: 3 }],
];

describe('gradcheck: pooling', () => {
  it.each(cases)('maxPool2d %s', (_, o) => check((x) => ops.maxPool2d(x, o), [f64([2, 2, 7, 6], 1)]));
  it.each(cases)('avgPool2d %s (countIncludePad)', (_, o) => check((x) => ops.avgPool2d(x, o), [f64([2, 2, 7, 6], 2)]));
  it.each(cases)('avgPool2d %s (excluding padding)', (_, o) => check((x) => ops.avgPool2d(x, { ...o, countIncludePad: false }), [f64([1, 2, 7, 6], 3)]));

  it('second order: avgPool2dBackward and maxPool2dBackward are linear in grad', () => {
    const o: fv.ops.Pool2dOptions = { kernel: 3, stride: 2, padding: 1, ceilMode: true };
    check((g) => ops.avgPool2dBackward(g, [1, 2, 7, 6], o), [f64([1, 2, 4, 4], 4)]);
    fv.tidy(() => {
      const { values, indices } = ops.maxPool2dWithIndices(f64([1, 2, 7, 6], 5), o);
      check((g) => ops.maxPool2dBackward(g, indices, [1, 2, 7, 6], o), [f64([...values.shape], 6)]);
    });
  });

  it('max pool routes the gradient to the first maximum of a tied window', () => {
    fv.tidy(() => {
      const x = fv.tensor([1, 3, 3, 0, 3, 2, 1, 1, 1], [1, 1, 3, 3]);
      x.requiresGrad = true;
      ops.sum(ops.maxPool2d(x, { kernel: 2, stride: 1 })).backward();
      // Windows: (0,0) max 3 at index 1; (0,1) 3 at 1; (1,0) 3 at 4; (1,1) 3 at 4.
      expect(Array.from(x.grad!.toFloat32Array())).toEqual([0, 2, 0, 0, 2, 0, 0, 0, 0]);
    });
  });
});
