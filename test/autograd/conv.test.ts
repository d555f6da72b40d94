// Gradcheck for conv2d (x, weight, bias) over strides, padding, dilation, groups
// and a depth multiplier, and for its two gradient ops (second derivatives), in
// float64 on the reference path.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { check, f64 } from '../helpers/gradcheck.js';

const { ops } = fv;



const cases: [string, number[], number[], fv.ops.Conv2dOptions][] = [
  ['3×3 padding 1', [2, 3, 5, 4], [2, 3, 3, 3], { padding: 1 }],
  ['stride [2,1] padding [1,0] dilation 2', [1, 2, 7, 6], [3, 2, 2, 3], { stride: [2, 1], padding: [1, 0], dilation: 2 }],
  ['groups 2, stride 3 > kernel 2', [1, 4, 7, 7], [4, 2, 2, 2], { stride: 3, groups: 2 }],
  ['depthwise ×2 multiplier', [1, 3, 5, 5], [6, 1, 3, 3], { groups: 3, padding: 1, stride: 2 }],
  ['1×1', [2, 3, 3, 2], [4, 3, 1, 1], {}],
];

describe('gradcheck: conv2d', () => {
  it.each(cases)('%s: x, weight, bias', (_, xs, ws, o) => {
    check((x, w, b) => ops.conv2d(x, w, { ...o, bias: b }), [f64(xs, 1), f64(ws, 2), f64([ws[0]!], 3)]);
  });

  it.each(cases.slice(0, 3))('%s: second order through conv2dBackwardInput / conv2dBackwardWeight', (_, xs, ws, o) => {
    const y = ops.conv2d(f64(xs, 4), f64(ws, 5), o);
    const yShape = [...y.shape];
    y.dispose();
    check((g, w) => ops.conv2dBackwardInput(g, w, xs, o), [f64(yShape, 6), f64(ws, 7)]);
    check((g, x) => ops.conv2dBackwardWeight(g, x, ws, o), [f64(yShape, 8), f64(xs, 9)]);
    check((g) => ops.conv2dBackwardBias(g), [f64(yShape, 10)]);
  });

  it('bias gradient is the sum of the output gradient over N, H, W', () => {
    fv.tidy(() => {
      const b = fv.tensor([0.5, -1], [2]);
      b.requiresGrad = true;
      const y = ops.conv2d(fv.ones([3, 1, 4, 5]), fv.ones([2, 1, 2, 2]), { bias: b });
      ops.sum(y).backward();
      expect(Array.from(b.grad!.toFloat32Array())).toEqual([3 * 3 * 4, 3 * 3 * 4]);
    });
  });
});
