// 2-D convolution (cross-correlation, as PyTorch's conv2d) with stride, zero
// padding, dilation and groups; its two gradients are ops of their own (native
// kernels + reference twins), each differentiable again.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { convOutSize, kernels, type Conv2dArgs } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat } from './check.js';
import { expand, reshape } from './layout.js';
import { checkSamePath, pair, type Pair } from './spatial.js';

export type { Pair } from './spatial.js';

export interface Conv2dOptions {
  /** [O], added to every output position of its channel. */
  bias?: Tensor;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

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
  if (ekh > h + 2 * ph || ekw > w + 2 * pw) {
    fail(op, `kernel larger than the padded input, kernel ${ekh}x${ekw} (dilation [${dh},${dw}]) vs x ${fmtShape(xShape)} padded to ${h + 2 * ph}x${w + 2 * pw}`);
  }
  const ho = convOutSize(h, kh, a.stride[0], ph, dh);
  const wo = convOutSize(w, kw, a.stride[1], pw, dw);
  return [n, o, ho, wo];
}

const CONV2D_OPTIONS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;

function resolve(op: string, options: Conv2dOptions): Conv2dArgs {
  checkOptions(op, options, CONV2D_OPTIONS);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) fail(op, `groups must be a positive integer, got ${groups}`);
  return {
    stride: pair(op, 'stride', options.stride, 1, 1),
    padding: pair(op, 'padding', options.padding, 0, 0),
    dilation: pair(op, 'dilation', options.dilation, 1, 1),
    groups,
  };
}

/**
 * conv2d(x [N,C,H,W], weight [O,C/groups,kh,kw]) (+ bias [O]) → [N,O,Ho,Wo], with
 * Ho = ⌊(H + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1 (likewise Wo).
 * @example const y = fv.ops.conv2d(x, w, { bias: b, padding: 1 }); // x [32,192,28,28], w [64,192,3,3] -> [32,64,28,28]
 */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkFloat(op, 'x', x);
  checkFloat(op, 'weight', weight);
  const a = resolve(op, options);
  const shape = checkGeometry(op, x.shape, weight.shape, a);
  const { bias } = options;
  if (bias !== undefined) {
    checkFloat(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== shape[1]) {
      fail(op, `bias must have shape [${shape[1]}] (weight ${fmtShape(weight.shape)} has ${shape[1]} output channels), got ${fmtShape(bias.shape)}`);
    }
  }
  checkSamePath(op, bias ? { x, weight, bias } : { x, weight });
  const y = kernels(op, x).conv2d(x, weight, bias, a);
  return record(op, y, bias ? [x, weight, bias] : [x, weight], (g) => [
    x.requiresGrad ? conv2dBackwardInput(g, weight, x.shape, a) : undefined,
    weight.requiresGrad ? conv2dBackwardWeight(g, x, weight.shape, a) : undefined,
    bias?.requiresGrad ? conv2dBackwardBias(g) : undefined,
  ]);
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
  const a = resolve(op, options);
  checkGrad(op, grad, checkGeometry(op, xShape, weight.shape, a));
  checkSamePath(op, { grad, weight });
  const gx = kernels(op, grad).conv2dBackwardInput(grad, weight, xShape, a);
  // Linear in grad and in weight: h ↦ conv2d(h, weight), and ∂/∂weight = conv2dBackwardWeight(grad, h).
  return record(op, gx, [grad, weight], (h) => [
    grad.requiresGrad ? conv2d(h, weight, a) : undefined,
    weight.requiresGrad ? conv2dBackwardWeight(grad, h, weight.shape, a) : undefined,
  ]);
}

/** ∂L/∂weight of conv2d given ∂L/∂y (`grad` [N,O,Ho,Wo]) and the input x. */
export function conv2dBackwardWeight(grad: Tensor, x: Tensor, weightShape: readonly number[], options: Conv2dOptions = {}): Tensor {
  const op = 'conv2dBackwardWeight';
  checkFloat(op, 'x', x);
  const a = resolve(op, options);
  checkGrad(op, grad, checkGeometry(op, x.shape, weightShape, a));
  checkSamePath(op, { grad, x });
  const gw = kernels(op, grad).conv2dBackwardWeight(grad, x, weightShape, a);
  // Linear in grad and in x: H ↦ conv2d(x, H) for grad, conv2dBackwardInput(grad, H) for x.
  return record(op, gw, [grad, x], (h) => [
    grad.requiresGrad ? conv2d(x, h, a) : undefined,
    x.requiresGrad ? conv2dBackwardInput(grad, h, x.shape, a) : undefined,
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
