// BatchNorm1d / BatchNorm2d: γ (weight) = 1, β (bias) = 0, running statistics
// updated during training with PyTorch's momentum convention and used in eval.
import { fail, fmtShape } from '../errors.js';
import { full } from '../creation.js';
import { type DeviceName } from '../device.js';
import { batchNorm } from '../ops/index.js';
import { type Tensor } from '../tensor.js';
import { Module } from './module.js';

export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  /** Learn γ and β (default true). */
  affine?: boolean;
  device?: DeviceName;
}

abstract class BatchNorm extends Module {
  readonly weight: Tensor | undefined;
  readonly bias: Tensor | undefined;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    private readonly ranks: readonly number[],
    options: BatchNormLayerOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) fail(this.constructor.name, `numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const device = options.device;
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', full([numFeatures], 1, { device })) : undefined;
    this.bias = affine ? this.registerParameter('bias', full([numFeatures], 0, { device })) : undefined;
    this.registerBuffer('runningMean', full([numFeatures], 0, { device }));
    this.registerBuffer('runningVar', full([numFeatures], 1, { device }));
  }

  get runningMean(): Tensor {
    return this.stateDict()['runningMean']!;
  }

  get runningVar(): Tensor {
    return this.stateDict()['runningVar']!;
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      fail(`${this.constructor.name}.forward`, `x ${fmtShape(x.shape)} must have rank ${this.ranks.join(' or ')} with ${this.numFeatures} features on axis 1`);
    }
    return batchNorm(x, this.weight, this.bias, {
      training: this.training,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}

/** Per feature of [N, F] (or [N, F, L]). */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/** Per channel of [N, C, H, W], statistics over N·H·W. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, [4], options);
  }
}
