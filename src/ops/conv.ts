// 2-D convolution (cross-correlation, as PyTorch's conv2d) with stride, zero
// padding (symmetric, per side, or TensorFlow's "SAME"), dilation and groups; its
// two gradients are ops of their own (native kernels + reference twins), each
// differentiable again.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { convOutSize, kernels, type Conv2dArgs, type ConvActivation } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat } from './check.js';
import { expand, reshape } from './layout.js';
import { gt, lt, mul } from './elementwise.js';
import { checkSamePath, pair, type Pair } from './spatial.js';

export type { Pair } from './spatial.js';

/**
 * Zero padding: a number or [h, w] (the same on both sides of an axis),
 * [top, bottom, left, right], or 'same' — TensorFlow's SAME: the output is
 * ⌈H / stride⌉ × ⌈W / stride⌉ and an odd total puts the extra row (column) at the
 * bottom (right), as networks trained in TensorFlow expect.
 */
export type Conv2dPadding = Pair | readonly [number, number, number, number] | 'same';

export interface Conv2dOptions {
  /** [O], added to every output position of its channel. */
  bias?: Tensor;
  stride?: Pair;
  padding?: Conv2dPadding;
  dilation?: Pair;
  groups?: number;
  /**
   * 'relu' (max(y, 0)) or 'relu6' (min(max(y, 0), 6)) applied to the output in the
   * pass that adds the bias: conv → bias → ReLU6 in one op (MobileNet, EfficientNet-Lite).
   */
  activation?: ConvActivation;
}

export type { ConvActivation };

/** Resolved stride/padding/dilation/groups (what the kernels take). */
export type { Conv2dArgs };

/** Checks x [N,C,H,W] against weight [O,C/groups,kh,kw]; returns the output shape. */
function checkGeometry(op: string, xShape: readonly number[], wShape: readonly number[], a: Conv2dArgs): number[] {
  if (xShape.length !== 4) fail(op, `x must have rank 4 [N,C,H,W], got ${fmtShape(xShape)}`);
  if (wShape.length !== 4) fail(op, `weight must have rank 4 [O,C/groups,kh,kw], got ${fmtShape(wShape)}`);
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const g = a.groups;
  if (!Number.isInteger(g) || g < 1) fail(op, `groups must be a positive integer, got ${g}`);
  if (c % g !== 0 || o % g !== 0) {
    fail(op, `groups = ${g} must divide the input channels of x ${fmtShape(xShape)} and the output channels of weight ${fmtShape(wShape)}`);
  }
  if (cg !== c / g) {
    fail(op, `channel mismatch, x ${fmtShape(xShape)} has ${c} channels, so weight ${fmtShape(wShape)} needs ${c / g} (C/groups, groups = ${g}) at axis 1`);
  }
  if (kh === 0 || kw === 0) fail(op, `weight ${fmtShape(wShape)} has an empty kernel`);
  const [dh, dw] = a.dilation;
  const [ekh, ekw] = [dh * (kh - 1) + 1, dw * (kw - 1) + 1];
  const [ph, pw] = a.padding;
  const [pb, pr] = a.paddingEnd ?? a.padding;
  if (ekh > h + ph + pb || ekw > w + pw + pr) {
    fail(op, `kernel larger than the padded input, kernel ${ekh}x${ekw} (dilation [${dh},${dw}]) vs x ${fmtShape(xShape)} padded to ${h + ph + pb}x${w + pw + pr}`);
  }
  const ho = convOutSize(h, kh, a.stride[0], ph, dh, pb);
  const wo = convOutSize(w, kw, a.stride[1], pw, dw, pr);
  return [n, o, ho, wo];
}

const CONV2D_OPTIONS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'activation'] as const;
const GRAD_OPTIONS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;

/**
 * TensorFlow's SAME padding along one axis: (before, after) giving ⌈size / stride⌉
 * outputs, the odd one after.
 */
export function samePadding(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The padding option as [top, left] and, when asymmetric, [bottom, right]. */
function paddingSides(op: string, v: Conv2dPadding | undefined, xShape: readonly number[], wShape: readonly number[], stride: [number, number], dilation: [number, number]): Pick<Conv2dArgs, 'padding' | 'paddingEnd'> {
  let sides: [number, number, number, number];
  if (v === 'same') {
    if (xShape.length !== 4 || wShape.length !== 4) return { padding: [0, 0] }; // the geometry check names the ranks
    const [t, b] = samePadding(xShape[2]!, wShape[2]!, stride[0], dilation[0]);
    const [l, r] = samePadding(xShape[3]!, wShape[3]!, stride[1], dilation[1]);
    sides = [t, b, l, r];
  } else if (Array.isArray(v) && v.length === 4) {
    for (const d of v as readonly unknown[]) {
      if (!Number.isInteger(d) || (d as number) < 0) fail(op, `padding [top, bottom, left, right] must be non-negative integers, got [${v.join(',')}]`);
    }
    sides = [v[0]!, v[1]!, v[2]!, v[3]!];
  } else {
    if (typeof v === 'string') fail(op, `padding must be a number, [h, w], [top, bottom, left, right] or 'same', got '${v}'`);
    if (Array.isArray(v) && v.length !== 2) fail(op, `padding must be a number, [h, w] or [top, bottom, left, right], got ${v.length} values`);
    return { padding: pair(op, 'padding', v as Pair | undefined, 0, 0) };
  }
  const [t, b, l, r] = sides;
  return t === b && l === r ? { padding: [t, l] } : { padding: [t, l], paddingEnd: [b, r] };
}

function resolve(op: string, options: Conv2dOptions, xShape: readonly number[], wShape: readonly number[]): Conv2dArgs {
  checkOptions(op, options, op === 'conv2d' ? CONV2D_OPTIONS : GRAD_OPTIONS);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) fail(op, `groups must be a positive integer, got ${groups}`);
  const stride = pair(op, 'stride', options.stride, 1, 1);
  const dilation = pair(op, 'dilation', options.dilation, 1, 1);
  return { stride, ...paddingSides(op, options.padding, xShape, wShape, stride, dilation), dilation, groups };
}

/** The resolved arguments as conv2d options again (for the backward ops). */
function asOptions(a: Conv2dArgs): Conv2dOptions {
  const [t, l] = a.padding;
  const [b, r] = a.paddingEnd ?? a.padding;
  return { stride: a.stride, padding: [t, b, l, r], dilation: a.dilation, groups: a.groups };
}

/**
 * conv2d(x [N,C,H,W], weight [O,C/groups,kh,kw]) (+ bias [O]) → [N,O,Ho,Wo], with
 * Ho = ⌊(H + top + bottom − dilation·(kh − 1) − 1) / stride⌋ + 1 (likewise Wo);
 * `padding: 'same'` gives TensorFlow's SAME (Ho = ⌈H / stride⌉).
 * @example const y = fv.ops.conv2d(x, w, { bias: b, padding: 1 }); // x [32,192,28,28], w [64,192,3,3] -> [32,64,28,28]
 */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkFloat(op, 'x', x);
  checkFloat(op, 'weight', weight);
  const a = resolve(op, options, x.shape, weight.shape);
  const shape = checkGeometry(op, x.shape, weight.shape, a);
  const { bias } = options;
  const o = asOptions(a);
  if (bias !== undefined) {
    checkFloat(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== shape[1]) {
      fail(op, `bias must have shape [${shape[1]}] (weight ${fmtShape(weight.shape)} has ${shape[1]} output channels), got ${fmtShape(bias.shape)}`);
    }
  }
  const { activation } = options;
  if (activation !== undefined && activation !== 'relu' && activation !== 'relu6') {
    fail(op, `activation must be 'relu', 'relu6' or undefined, got ${JSON.stringify(activation)}`);
  }
  checkSamePath(op, bias ? { x, weight, bias } : { x, weight });
  const y = kernels(op, x).conv2d(x, weight, bias, a, activation);
  return record(op, y, bias ? [x, weight, bias] : [x, weight], (g0) => {
    // The activation passes the gradient where its output is strictly inside its bounds.
    const g = activation === undefined ? g0 : mul(g0, activation === 'relu' ? gt(y, 0) : mul(gt(y, 0), lt(y, 6)));
    return [
      x.requiresGrad ? conv2dBackwardInput(g, weight, x.shape, o) : undefined,
      weight.requiresGrad ? conv2dBackwardWeight(g, x, weight.shape, o) : undefined,
      bias?.requiresGrad ? conv2dBackwardBias(g) : undefined,
    ];
  });
}

function checkGrad(op: string, grad: Tensor, want: readonly number[]): void {
  checkFloat(op, 'grad', grad);
  if (grad.rank !== want.length || grad.shape.some((d, i) => d !== want[i])) {
    fail(op, `grad has shape ${fmtShape(grad.shape)}, expected ${fmtShape(want)}`);
  }
}

/**
 * ∂L/∂x of conv2d given ∂L/∂y (`grad` [N,O,Ho,Wo]), for an input of shape `xShape`:
 * the transposed convolution of grad with weight.
 */
export function conv2dBackwardInput(grad: Tensor, weight: Tensor, xShape: readonly number[], options: Conv2dOptions = {}): Tensor {
  const op = 'conv2dBackwardInput';
  checkFloat(op, 'weight', weight);
  const a = resolve(op, options, xShape, weight.shape);
  checkGrad(op, grad, checkGeometry(op, xShape, weight.shape, a));
  checkSamePath(op, { grad, weight });
  const gx = kernels(op, grad).conv2dBackwardInput(grad, weight, xShape, a);
  const o = asOptions(a);
  // Linear in grad and in weight: h ↦ conv2d(h, weight), and ∂/∂weight = conv2dBackwardWeight(grad, h).
  return record(op, gx, [grad, weight], (h) => [
    grad.requiresGrad ? conv2d(h, weight, o) : undefined,
    weight.requiresGrad ? conv2dBackwardWeight(grad, h, weight.shape, o) : undefined,
  ]);
}

/** ∂L/∂weight of conv2d given ∂L/∂y (`grad` [N,O,Ho,Wo]) and the input x. */
export function conv2dBackwardWeight(grad: Tensor, x: Tensor, weightShape: readonly number[], options: Conv2dOptions = {}): Tensor {
  const op = 'conv2dBackwardWeight';
  checkFloat(op, 'x', x);
  const a = resolve(op, options, x.shape, weightShape);
  checkGrad(op, grad, checkGeometry(op, x.shape, weightShape, a));
  checkSamePath(op, { grad, x });
  const gw = kernels(op, grad).conv2dBackwardWeight(grad, x, weightShape, a);
  const o = asOptions(a);
  // Linear in grad and in x: H ↦ conv2d(x, H) for grad, conv2dBackwardInput(grad, H) for x.
  return record(op, gw, [grad, x], (h) => [
    grad.requiresGrad ? conv2d(x, h, o) : undefined,
    x.requiresGrad ? conv2dBackwardInput(grad, h, x.shape, o) : undefined,
  ]);
}

/** ∂L/∂bias of conv2d: `grad` [N,O,Ho,Wo] summed over N, Ho and Wo (one kernel pass). */
export function conv2dBackwardBias(grad: Tensor): Tensor {
  const op = 'conv2dBackwardBias';
  checkFloat(op, 'grad', grad);
  if (grad.rank !== 4) fail(op, `grad must have rank 4 [N,O,Ho,Wo], got ${fmtShape(grad.shape)}`);
  const gb = kernels(op, grad).conv2dBackwardBias(grad);
  // Linear in grad: its adjoint spreads h [O] over every sample and position.
  return record(op, gb, [grad], (h) => [expand(reshape(h, [1, grad.shape[1]!, 1, 1]), grad.shape)]);
}
