// Learning-rate schedules (torch.optim.lr_scheduler.StepLR, ExponentialLR):
// call `step()` once per epoch, after the optimiser's steps.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { checkNumber, type Optimizer } from './optimizer.js';

abstract class Schedule {
  readonly baseLr: number;
  /** Epochs stepped so far. */
  epoch = 0;

  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  /** The learning rate for `epoch` (closed form, so a resumed run gets the same value). */
  abstract lrAt(epoch: number): number;

  step(): void {
    this.epoch += 1;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  stateDict(): { epoch: number; baseLr: number } {
    return { epoch: this.epoch, baseLr: this.baseLr };
  }

  loadStateDict(s: { epoch: number; baseLr: number }): void {
    if (!Number.isSafeInteger(s.epoch) || s.epoch < 0) fail('loadStateDict', `epoch must be a non-negative integer, got ${s.epoch}`);
    (this as { baseLr: number }).baseLr = checkNumber('loadStateDict', 'baseLr', s.baseLr);
    this.epoch = s.epoch;
    this.optimizer.lr = this.lrAt(this.epoch);
  }
}

/**
 * lr = baseLr · gamma^floor(epoch / stepSize).
 * @example const sched = new fv.optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends Schedule {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    checkOptions('StepLR', options, ['stepSize', 'gamma']);
    if (!Number.isSafeInteger(options?.stepSize) || options.stepSize < 1) fail('StepLR', `stepSize must be a positive integer, got ${String(options?.stepSize)}`);
    this.stepSize = options.stepSize;
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1);
  }

  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * lr = baseLr · gamma^epoch.
 * @example const sched = new fv.optim.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends Schedule {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer);
    checkOptions('ExponentialLR', options, ['gamma']);
    this.gamma = checkNumber('ExponentialLR', 'gamma', options?.gamma);
  }

  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** epoch;
  }
}
