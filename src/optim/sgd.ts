// SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor } from '../tensor.js';
import { checkNumber, Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, PyTorch's update: buf = μ·buf + (1−dampening)·g
 * (buf = g on the first step), p −= lr·(nesterov ? g + μ·buf : buf).
 * @example const opt = new fv.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    super('SGD', params, options?.lr);
    checkOptions('SGD', options, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0);
    this.dampening = checkNumber('SGD', 'dampening', options.dampening ?? 0);
    this.weightDecay = checkNumber('SGD', 'weightDecay', options.weightDecay ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      fail('SGD', `nesterov needs momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`);
    }
  }

  protected options(): Record<string, number | boolean> {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected stateNames(): string[] {
    return this.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected update(i: number, p: Tensor, g: Tensor): void {
    const s = this.stateOf(i);
    const first = s.step === 0;
    s.step += 1;
    const buf = s.tensors.momentum_buffer;
    const o = { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov, first };
    kernels('SGD.step', p).sgdStep(p, g, buf, o);
  }
}
