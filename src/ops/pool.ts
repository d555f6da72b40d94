// 2-D max and average pooling over x [N,C,H,W] with PyTorch's output sizes:
// Ho = ⌊(H + 2·padding − kernel) / stride⌋ + 1 (⌈…⌉ in ceil mode, where the last
// window must start inside the input or its left padding). Max pooling saves the
// argmax of each window (int32, h·W + w in its plane) for the backward.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { kernels, poolOutSize, type Pool2dArgs } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkAny, checkFloat } from './check.js';
import { pair, type Pair } from './spatial.js';
import { gather, reshape } from './layout.js';

export interface Pool2dOptions {
  kernel: Pair;
  /** Default: the kernel. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the whole window, padding included (default true, as PyTorch). */
  countIncludePad?: boolean;
}

function resolve(op: string, options: Pool2dOptions): Pool2dArgs {
  checkOptions(op, options, op.startsWith('avgPool2d') ? ['kernel', 'stride', 'padding', 'ceilMode', 'countIncludePad'] : ['kernel', 'stride', 'padding', 'ceilMode']);
  if (typeof options !== 'object' || options === null || options.kernel === undefined) fail(op, 'options.kernel is required');
  const kernel = pair(op, 'kernel', options.kernel, 1, 1);
  const a: Pool2dArgs = {
    kernel,
    stride: options.stride === undefined ? kernel : pair(op, 'stride', options.stride, 1, 1),
    padding: pair(op, 'padding', options.padding, 0, 0),
    ceilMode: options.ceilMode ?? false,
  };
  if (2 * a.padding[0] > kernel[0] || 2 * a.padding[1] > kernel[1]) {
    fail(op, `padding must be at most half the kernel, got padding [${a.padding}] for kernel [${kernel}]`);
  }
  return a;
}

/** Checks x [N,C,H,W]; returns the output shape. */
function outShape(op: string, xShape: readonly number[], a: Pool2dArgs): number[] {
  if (xShape.length !== 4) fail(op, `x must have rank 4 [N,C,H,W], got ${fmtShape(xShape)}`);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [ph, pw] = a.padding;
  if (a.kernel[0] > h + 2 * ph || a.kernel[1] > w + 2 * pw) {
    fail(op, `kernel larger than the padded input, kernel [${a.kernel}] vs x ${fmtShape(xShape)} padded to ${h + 2 * ph}x${w + 2 * pw}`);
  }
  return [n, c, poolOutSize(h, a.kernel[0], a.stride[0], ph, a.ceilMode), poolOutSize(w, a.kernel[1], a.stride[1], pw, a.ceilMode)];
}

function checkGrad(op: string, grad: Tensor, want: readonly number[]): void {
  checkFloat(op, 'grad', grad);
  if (grad.rank !== 4 || grad.shape.some((d, i) => d !== want[i])) fail(op, `grad has shape ${fmtShape(grad.shape)}, expected ${fmtShape(want)}`);
}

/**
 * The maximum of each window.
 * @example const y = fv.ops.maxPool2d(x, { kernel: 3, stride: 2, ceilMode: true }); // [32,64,112,112] -> [32,64,56,56]
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  return maxPool(x, options, true).values;
}

/**
 * maxPool2d and the int32 index h·W + w of each maximum within its plane (the
 * first maximum of a tied window). The caller owns `indices`; the graph reads it
 * in backward, so keep it until then.
 */
export function maxPool2dWithIndices(x: Tensor, options: Pool2dOptions): { values: Tensor; indices: Tensor } {
  return maxPool(x, options, false);
}

function maxPool(x: Tensor, options: Pool2dOptions, ownIndices: boolean): { values: Tensor; indices: Tensor } {
  const op = 'maxPool2d';
  checkFloat(op, 'x', x);
  const a = resolve(op, options);
  outShape(op, x.shape, a);
  const [values, indices] = kernels(op, x).maxPool2d(x, a);
  record(op, values, [x], (g) => [maxPool2dBackward(g, indices, x.shape, a)], ownIndices ? [indices] : []);
  return { values, indices };
}

/** ∂L/∂x of maxPool2d: each element of `grad` added at its window's saved argmax (`indices`). */
export function maxPool2dBackward(grad: Tensor, indices: Tensor, xShape: readonly number[], options: Pool2dOptions): Tensor {
  const op = 'maxPool2dBackward';
  const a = resolve(op, options);
  checkGrad(op, grad, outShape(op, xShape, a));
  checkAny(op, 'indices', indices);
  if (indices.dtype !== 'int32' || indices.shape.some((d, i) => d !== grad.shape[i])) {
    fail(op, `indices must be int32 with grad's shape ${fmtShape(grad.shape)}, got ${indices.dtype} ${fmtShape(indices.shape)}`);
  }
  const gx = kernels(op, grad).maxPool2dBackward(grad, indices, xShape, a);
  // Linear in grad: its adjoint reads h at each saved argmax.
  const [n, c, h, w] = xShape as [number, number, number, number];
  return record(op, gx, [grad], (hg) => [reshape(gather(reshape(hg, [n, c, h * w]), 2, reshape(indices, [n, c, -1])), grad.shape)]);
}

/**
 * The mean of each window; with padding, `countIncludePad` (default true) divides by the whole window.
 * @example const y = fv.ops.avgPool2d(x, { kernel: 7, stride: 1 }); // [32,1024,7,7] -> [32,1024,1,1]
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const op = 'avgPool2d';
  checkFloat(op, 'x', x);
  const a = resolve(op, options);
  outShape(op, x.shape, a);
  const include = options.countIncludePad ?? true;
  const y = kernels(op, x).avgPool2d(x, a, include);
  return record(op, y, [x], (g) => [avgPool2dBackward(g, x.shape, { ...a, countIncludePad: include })]);
}

/** ∂L/∂x of avgPool2d: each element of `grad` shared over its window. */
export function avgPool2dBackward(grad: Tensor, xShape: readonly number[], options: AvgPool2dOptions): Tensor {
  const op = 'avgPool2dBackward';
  const a = resolve(op, options);
  checkGrad(op, grad, outShape(op, xShape, a));
  const include = options.countIncludePad ?? true;
  const gx = kernels(op, grad).avgPool2dBackward(grad, xShape, a, include);
  // Linear in grad; its adjoint is the average pool itself.
  return record(op, gx, [grad], (h) => [avgPool2d(h, { ...a, countIncludePad: include })]);
}
