// RMSProp (torch.optim.RMSprop): squared-gradient average, optional centring
// and momentum, L2 weight decay.
import { checkOptions } from '../options.js';
import { kernels } from '../backend/index.js';
import { type Tensor } from '../tensor.js';
import { checkNumber, Optimizer } from './optimizer.js';

export interface RMSPropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

/**
 * RMSProp, PyTorch's update: sq = α·sq + (1−α)·g²; avg = sqrt(sq − ḡ²) + eps
 * (centered, ḡ the running mean of g) or sqrt(sq) + eps; p −= lr·g/avg (or
 * through a momentum buffer). Defaults as PyTorch: lr 0.01, α 0.99, eps 1e-8.
 * @example const opt = new fv.optim.RMSProp(model.parameters(), { lr: 1e-3, centered: true });
 */
export class RMSProp extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(params: Iterable<Tensor>, options: RMSPropOptions = {}) {
    super('RMSProp', params, options?.lr ?? 0.01);
    checkOptions('RMSProp', options, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
    this.alpha = checkNumber('RMSProp', 'alpha', options.alpha ?? 0.99, 0, 1);
    this.eps = checkNumber('RMSProp', 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkNumber('RMSProp', 'weightDecay', options.weightDecay ?? 0);
    this.momentum = checkNumber('RMSProp', 'momentum', options.momentum ?? 0);
    this.centered = options.centered ?? false;
  }

  protected options(): Record<string, number | boolean> {
    return { alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered };
  }

  protected stateNames(): string[] {
    return ['square_avg', ...(this.momentum > 0 ? ['momentum_buffer'] : []), ...(this.centered ? ['grad_avg'] : [])];
  }

  protected update(i: number, p: Tensor, g: Tensor): void {
    const s = this.stateOf(i);
    s.step += 1;
    const { square_avg: sq, grad_avg: ga, momentum_buffer: buf } = s.tensors;
    const o = { lr: this.lr, alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered };
    kernels('RMSProp.step', p).rmspropStep(p, g, sq!, ga, buf, o);
  }
}
