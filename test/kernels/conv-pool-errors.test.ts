// Bad input to conv2d and pooling: wrong ranks, channel/group mismatches, kernels
// larger than the padded input, zero/negative strides, bad padding, mismatched
// bias/grad shapes and dtypes — each a clear error naming the op, the argument and
// the shapes; the native layer re-checks (and never panics) when called directly.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import type { NativeTensor } from '../../src/native.js';

const { ops } = fv;
const z = (shape: number[]): fv.Tensor => fv.zeros(shape);

describe('conv2d: bad input', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['x rank 3', () => ops.conv2d(z([3, 5, 5]), z([2, 3, 3, 3])), /^conv2d: x must have rank 4 \[N,C,H,W\], got \[3,5,5\]$/],
    ['weight rank 2', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 27])), /^conv2d: weight must have rank 4 \[O,C\/groups,kh,kw\], got \[2,27\]$/],
    ['channel mismatch', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 4, 3, 3])), /^conv2d: channel mismatch, x \[1,3,5,5\] has 3 channels, so weight \[2,4,3,3\] needs 3 .*at axis 1$/],
    ['groups mismatch', () => ops.conv2d(z([1, 4, 5, 5]), z([3, 2, 3, 3]), { groups: 2 }), /^conv2d: groups = 2 must divide .*x \[1,4,5,5\].*weight \[3,2,3,3\]$/],
    ['groups 0', () => ops.conv2d(z([1, 4, 5, 5]), z([4, 4, 3, 3]), { groups: 0 }), /^conv2d: groups must be a positive integer, got 0$/],
    ['channels per group', () => ops.conv2d(z([1, 4, 5, 5]), z([4, 4, 3, 3]), { groups: 2 }), /^conv2d: channel mismatch, .*needs 2 \(C\/groups, groups = 2\)/],
    ['kernel larger than padded input', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 5, 5])), /^conv2d: kernel larger than the padded input, kernel 5x5 .* vs x \[1,1,4,4\] padded to 4x4$/],
    ['dilated kernel too large', () => ops.conv2d(z([1, 1, 6, 6]), z([1, 1, 3, 3]), { dilation: 3 }), /kernel 7x7 \(dilation \[3,3\]\) vs x \[1,1,6,6\] padded to 6x6/],
    ['stride 0', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: 0 }), /^conv2d: stride must be positive integers, got \[0,0\]$/],
    ['stride negative', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: [1, -2] }), /^conv2d: stride must be positive integers, got \[1,-2\]$/],
    ['padding negative', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { padding: -1 }), /^conv2d: padding must be non-negative integers, got \[-1,-1\]$/],
    ['stride of 3 values', () => ops.conv2d(z([1, 1, 4, 4]), z([1, 1, 3, 3]), { stride: [1, 1, 1] as unknown as [number, number] }), /^conv2d: stride must be a number or an \[h, w\] pair, got 3 values$/],
    ['bias shape', () => ops.conv2d(z([1, 3, 5, 5]), z([2, 3, 3, 3]), { bias: z([3]) }), /^conv2d: bias must have shape \[2\] .*got \[3\]$/],
    ['int32 x', () => ops.conv2d(fv.zeros([1, 1, 3, 3], { dtype: 'int32' }), z([1, 1, 3, 3])), /^conv2d: x must be float32 or float64, got int32 \[1,1,3,3\]$/],
    ['mixed float64', () => ops.conv2d(fv.zeros([1, 1, 3, 3], { dtype: 'float64' }), z([1, 1, 3, 3])), /^conv2d: cannot mix float64 \(reference\) and float32 tensors: x float64 \[1,1,3,3\] vs weight float32/],
    ['grad shape (backward input)', () => ops.conv2dBackwardInput(z([1, 2, 4, 4]), z([2, 3, 3, 3]), [1, 3, 5, 5]), /^conv2dBackwardInput: grad has shape \[1,2,4,4\], expected \[1,2,3,3\]$/],
    ['grad shape (backward weight)', () => ops.conv2dBackwardWeight(z([1, 2, 4, 4]), z([1, 3, 5, 5]), [2, 3, 3, 3]), /^conv2dBackwardWeight: grad has shape \[1,2,4,4\], expected \[1,2,3,3\]$/],
  ];
  it.each(cases)('%s', (_, f, message) => fv.tidy(() => expect(f).toThrow(message)));
});

describe('pooling: bad input', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['x rank 2', () => ops.maxPool2d(z([5, 5]), { kernel: 2 }), /^maxPool2d: x must have rank 4 \[N,C,H,W\], got \[5,5\]$/],
    ['no kernel', () => ops.avgPool2d(z([1, 1, 5, 5]), {} as fv.ops.Pool2dOptions), /^avgPool2d: options.kernel is required$/],
    ['kernel 0', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 0 }), /^maxPool2d: kernel must be positive integers, got \[0,0\]$/],
    ['stride 0', () => ops.avgPool2d(z([1, 1, 5, 5]), { kernel: 2, stride: 0 }), /^avgPool2d: stride must be positive integers, got \[0,0\]$/],
    ['stride negative', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 2, stride: [-1, 1] }), /^maxPool2d: stride must be positive integers, got \[-1,1\]$/],
    ['padding over half the kernel', () => ops.maxPool2d(z([1, 1, 5, 5]), { kernel: 3, padding: 2 }), /^maxPool2d: padding must be at most half the kernel, got padding \[2,2\] for kernel \[3,3\]$/],
    ['kernel larger than padded input', () => ops.avgPool2d(z([1, 1, 3, 4]), { kernel: [6, 2], padding: [1, 0] }), /^avgPool2d: kernel larger than the padded input, kernel \[6,2\] vs x \[1,1,3,4\] padded to 5x4$/],
    ['grad shape', () => ops.avgPool2dBackward(z([1, 1, 3, 3]), [1, 1, 5, 5], { kernel: 2 }), /^avgPool2dBackward: grad has shape \[1,1,3,3\], expected \[1,1,2,2\]$/],
    ['indices dtype', () => ops.maxPool2dBackward(z([1, 1, 2, 2]), z([1, 1, 2, 2]), [1, 1, 5, 5], { kernel: 2 }), /^maxPool2dBackward: indices must be int32 with grad's shape \[1,1,2,2\], got float32 \[1,1,2,2\]$/],
  ];
  it.each(cases)('%s', (_, f, message) => fv.tidy(() => expect(f).toThrow(message)));
});

describe('native layer re-checks (errors, not panics)', () => {
  const h = (shape: number[]): NativeTensor => fv.native.NativeTensor.fromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'cpu');
  it.each([
    ['conv2d rank', () => fv.native.conv2d(h([3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 1), /^conv2d: x must have rank 4/],
    ['conv2d stride 0', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [0, 1], [0, 0], [1, 1], 1), /^conv2d: stride must be positive, got \[0,1\]$/],
    ['conv2d groups', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 2), /^conv2d: groups = 2 must divide/],
    ['conv2d negative padding', () => fv.native.conv2d(h([1, 3, 5, 5]), h([2, 3, 3, 3]), undefined, [1, 1], [-1, 0], [1, 1], 1), /^conv2d: padding = \[-1,0\] must hold non-negative integers$/],
    ['conv2d too large', () => fv.native.conv2d(h([1, 1, 2, 2]), h([1, 1, 3, 3]), undefined, [1, 1], [0, 0], [1, 1], 1), /^conv2d: kernel larger than the padded input/],
    ['conv2dBackwardWeight grad', () => fv.native.conv2dBackwardWeight(h([1, 2, 2, 2]), h([1, 3, 5, 5]), [2, 3, 3, 3], [1, 1], [0, 0], [1, 1], 1), /^conv2dBackwardWeight: grad has shape \[1,2,2,2\], expected \[1,2,3,3\]$/],
    ['maxPool2d padding', () => fv.native.maxPool2d(h([1, 1, 5, 5]), [2, 2], [2, 2], [2, 0], false), /^maxPool2d: padding must be at most half the kernel/],
    ['maxPool2dBackward index out of range', () => fv.native.maxPool2dBackward(h([1, 1, 1, 1]), fv.native.NativeTensor.fromInt32(Int32Array.from([99]), [1, 1, 1, 1], 'cpu'), [1, 1, 2, 2], [2, 2], [2, 2], [0, 0], false), /^maxPool2dBackward: indices\[0\] = 99 is out of range 0..4$/],
    ['avgPool2d kernel pair', () => fv.native.avgPool2d(h([1, 1, 5, 5]), [2], [2, 2], [0, 0], false, true), /^avgPool2d: kernel must be an \[h, w\] pair, got 1 values$/],
  ] as [string, () => unknown, RegExp][])('%s', (_, f, message) => expect(f).toThrow(message));
});
