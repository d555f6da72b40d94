// Conv2d and the pooling layers, as PyTorch names and initialises them.
import { checkOptions } from '../options.js';
import { allocating, fail } from '../errors.js';
import { type DeviceName } from '../device.js';
import { avgPool2d, conv2d, maxPool2d } from '../ops/index.js';
import { type Conv2dPadding } from '../ops/conv.js';
import { type AvgPool2dOptions, type Pool2dOptions } from '../ops/pool.js';
import { type Pair } from '../ops/spatial.js';
import { type Tensor } from '../tensor.js';
import { uniformFanIn } from './init.js';
import { Module } from './module.js';

export interface Conv2dLayerOptions {
  stride?: Pair;
  /** A number, [h, w], [top, bottom, left, right] or 'same' (TensorFlow's SAME). */
  padding?: Conv2dPadding;
  dilation?: Pair;
  groups?: number;
  /** Add a per-channel bias (default true; BN-Inception's convs have none). */
  bias?: boolean;
  device?: DeviceName;
}

/** weight [out, in/groups, kh, kw], bias [out]. */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    readonly options: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'device']);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(inChannels) || !Number.isInteger(outChannels) || inChannels < 1 || outChannels < 1) {
      fail('Conv2d', `channels must be positive integers, got ${inChannels} → ${outChannels}`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      fail('Conv2d', `in (${inChannels}) and out (${outChannels}) channels must both be divisible by groups (${groups})`);
    }
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : Array.isArray(kernelSize) && kernelSize.length === 2 ? kernelSize : [NaN, NaN];
    if (!Number.isInteger(kh) || !Number.isInteger(kw) || kh < 1 || kw < 1) {
      fail('Conv2d', `kernelSize must be a positive integer or [h, w] of them, got ${JSON.stringify(kernelSize)}`);
    }
    const fanIn = (inChannels / groups) * kh * kw;
    const make = (name: string, shape: number[]): Tensor => allocating('Conv2d', name, () => uniformFanIn(shape, fanIn, options.device));
    this.weight = this.registerParameter('weight', make('weight', [outChannels, inChannels / groups, kh, kw]));
    this.bias = options.bias === false ? undefined : this.registerParameter('bias', make('bias', [outChannels]));
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    return conv2d(x, this.weight, { bias: this.bias, stride, padding, dilation, groups });
  }
}

export class MaxPool2d extends Module {
  constructor(readonly options: Pool2dOptions) {
    super();
    checkOptions('MaxPool2d', options, ['kernel', 'stride', 'padding', 'ceilMode']);
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
}

export class AvgPool2d extends Module {
  constructor(readonly options: AvgPool2dOptions) {
    super();
    checkOptions('AvgPool2d', options, ['kernel', 'stride', 'padding', 'ceilMode', 'countIncludePad']);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
}
