// BatchNorm1d / BatchNorm2d: γ (weight) = 1, β (bias) = 0, running statistics
// updated during training with PyTorch's momentum convention and used in eval.
// numBatchesTracked counts the batches that went into the running statistics
// (PyTorch's num_batches_tracked): evaluation refuses statistics never computed.
import { checkOptions } from '../options.js';
import { allocating, fail, fmtShape } from '../errors.js';
import { full, tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { batchNorm } from '../ops/index.js';
import { BATCH_NORM_EPS, BATCH_NORM_MOMENTUM } from '../ops/batchnorm-defaults.js';
import { type Tensor } from '../tensor.js';
import { Module } from './module.js';

export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  /** Learn γ and β (default true). */
  affine?: boolean;
  /** 'relu': the layer's output goes through ReLU in the same pass (ops.batchNorm's activation). */
  activation?: 'relu';
  device?: DeviceName;
}

abstract class BatchNorm extends Module {
  readonly weight: Tensor | undefined;
  readonly bias: Tensor | undefined;
  readonly eps: number;
  readonly momentum: number;
  readonly activation: 'relu' | undefined;
  /** Batches seen in the current exact population pass (Algorithm 2), or undefined. */
  #populationBatches: number | undefined;

  constructor(
    readonly numFeatures: number,
    private readonly ranks: readonly number[],
    options: BatchNormLayerOptions = {},
  ) {
    super();
    checkOptions(new.target.name, options, ['eps', 'momentum', 'affine', 'activation', 'device']);
    if (!Number.isInteger(numFeatures) || numFeatures < 1) fail(this.constructor.name, `numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? BATCH_NORM_EPS;
    this.momentum = options.momentum ?? BATCH_NORM_MOMENTUM;
    if (options.activation !== undefined && options.activation !== 'relu') fail(this.constructor.name, `activation must be 'relu' or undefined, got ${String(options.activation)}`);
    this.activation = options.activation;
    const device = options.device;
    const affine = options.affine ?? true;
    const make = (name: string, value: number): Tensor => allocating(this.constructor.name, name, () => full([numFeatures], value, { device }));
    this.weight = affine ? this.registerParameter('weight', make('weight', 1)) : undefined;
    this.bias = affine ? this.registerParameter('bias', make('bias', 0)) : undefined;
    this.registerBuffer('runningMean', make('runningMean', 0));
    this.registerBuffer('runningVar', make('runningVar', 1));
    this.registerBuffer('numBatchesTracked', tensor(new Int32Array([0]), [1], { device, dtype: 'int32' }));
  }

  /**
   * The counter mirrored on the host, so a forward pass does not read the
   * device (a synchronisation on CUDA); dropped when a state dict is loaded.
   */
  #tracked: number | undefined;

  /** How many batches the running statistics summarise (0: never computed). */
  get batchesTracked(): number {
    this.#tracked ??= this.buffer('numBatchesTracked').toInt32Array()[0]!;
    return this.#tracked;
  }

  protected override onStateLoaded(): void {
    this.#tracked = undefined;
  }

  /**
   * Switches the running statistics between the moving averages (false, the
   * default) and exact averages (true): from the next training batch on, batch k
   * (from 0) enters with weight 1/(k+1), so after K batches runningMean is the
   * mean of the K batch means and runningVar the mean of the K unbiased batch
   * variances m/(m−1)·σ²_B — Algorithm 2. Used by computePopulationStatistics.
   */
  setExactAveraging(on: boolean): void {
    this.#populationBatches = on ? 0 : undefined;
  }

  get runningMean(): Tensor {
    return this.buffer('runningMean');
  }

  get runningVar(): Tensor {
    return this.buffer('runningVar');
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      fail(`${this.constructor.name}.forward`, `x ${fmtShape(x.shape)} must have rank ${this.ranks.join(' or ')} with ${this.numFeatures} features on axis 1`);
    }
    const tracked = this.batchesTracked;
    if (!this.training && tracked === 0) {
      fail(
        `${this.constructor.name}.forward`,
        'evaluation needs population statistics, but runningMean/runningVar were never computed or updated (numBatchesTracked = 0): train the model, run fv.nn.computePopulationStatistics(model, batches) or load a trained state',
      );
    }
    const exact = this.#populationBatches;
    const y = batchNorm(x, this.weight, this.bias, {
      training: this.training,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      momentum: this.training && exact !== undefined ? 1 / (exact + 1) : this.momentum,
      eps: this.eps,
      activation: this.activation,
    });
    if (this.training) {
      if (exact !== undefined) this.#populationBatches = exact + 1;
      const counter = this.buffer('numBatchesTracked');
      const next = tensor(new Int32Array([tracked + 1]), [1], { device: counter.device, dtype: 'int32' });
      counter.assign(next);
      next.dispose();
      this.#tracked = tracked + 1;
    }
    return y;
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
