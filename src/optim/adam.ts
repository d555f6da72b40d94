// Adam (torch.optim.Adam with L2 weight decay, not AdamW; no amsgrad).
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor } from '../tensor.js';
import { checkNumber, Optimizer } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/**
 * Adam, PyTorch's update: m = lerp(m, g, 1−β1); v = β2·v + (1−β2)·g²;
 * p −= lr/(1−β1ᵗ) · m / (sqrt(v)/sqrt(1−β2ᵗ) + eps). Defaults as PyTorch:
 * lr 1e-3, betas [0.9, 0.999], eps 1e-8.
 * @example const opt = new fv.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', params, options?.lr ?? 1e-3);
    checkOptions('Adam', options, ['lr', 'betas', 'eps', 'weightDecay']);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) fail('Adam', `betas must be [beta1, beta2], got ${JSON.stringify(betas)}`);
    this.beta1 = checkNumber('Adam', 'betas[0]', betas[0], 0, 1 - Number.EPSILON);
    this.beta2 = checkNumber('Adam', 'betas[1]', betas[1], 0, 1 - Number.EPSILON);
    this.eps = checkNumber('Adam', 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkNumber('Adam', 'weightDecay', options.weightDecay ?? 0);
  }

  protected options(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected stateNames(): string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  protected update(i: number, p: Tensor, g: Tensor): void {
    const s = this.stateOf(i);
    s.step += 1;
    const { exp_avg: m, exp_avg_sq: v } = s.tensors;
    const o = { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, step: s.step };
    kernels('Adam.step', p).adamStep(p, g, m!, v!, o);
  }
}
