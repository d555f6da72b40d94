// Linear: y = x Wᵀ + b with weight [out, in] and bias [out], as PyTorch.
import { checkOptions } from '../options.js';
import { allocating, fail, fmtShape } from '../errors.js';
import { checkAny } from '../ops/check.js';
import { type DeviceName } from '../device.js';
import { add, matmul, reshape } from '../ops/index.js';
import { type Tensor } from '../tensor.js';
import { uniformFanIn } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  bias?: boolean;
  device?: DeviceName;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptions('Linear', options, ['bias', 'device']);
    if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
      fail('Linear', `in and out features must be positive integers, got ${inFeatures} and ${outFeatures}`);
    }
    const make = (name: string, shape: number[]): Tensor => allocating('Linear', name, () => uniformFanIn(shape, inFeatures, options.device));
    this.weight = this.registerParameter('weight', make('weight', [outFeatures, inFeatures]));
    this.bias = options.bias === false ? undefined : this.registerParameter('bias', make('bias', [outFeatures]));
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    checkAny('Linear.forward', 'x', x);
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      fail('Linear.forward', `x ${fmtShape(x.shape)} must end in ${this.inFeatures} features`);
    }
    const flat = x.rank === 2 ? x : reshape(x, [-1, this.inFeatures]);
    const y = matmul(flat, this.weight, { transB: true });
    const out = this.bias ? add(y, this.bias) : y;
    return x.rank === 2 ? out : reshape(out, [...x.shape.slice(0, -1), this.outFeatures]);
  }
}
