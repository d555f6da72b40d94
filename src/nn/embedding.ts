// Embedding and Dropout layers.
import { checkOptions } from '../options.js';
import { allocating, fail } from '../errors.js';
import { type DeviceName } from '../device.js';
import { dropout, embedding } from '../ops/index.js';
import { type Tensor } from '../tensor.js';
import { gaussian } from './init.js';
import { Module } from './module.js';

/** weight [numEmbeddings, dim] ~ N(0, 1) as PyTorch; forward(ids int32) → [...ids.shape, dim]. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: { device?: DeviceName } = {},
  ) {
    super();
    checkOptions('Embedding', options, ['device']);
    if (!Number.isInteger(numEmbeddings) || numEmbeddings < 1 || !Number.isInteger(embeddingDim) || embeddingDim < 1) {
      fail('Embedding', `sizes must be positive integers, got ${numEmbeddings}×${embeddingDim}`);
    }
    this.weight = this.registerParameter('weight', allocating('Embedding', 'weight', () => gaussian([numEmbeddings, embeddingDim], 1, options.device)));
  }

  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight);
  }
}

/** Zeroes elements with probability p in training (scaling the rest by 1/(1−p)); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) fail('Dropout', `p must lie in [0, 1], got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }
}
