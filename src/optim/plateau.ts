// Learning-rate decay on a plateau of a validation number (lower is better), as
// torch.optim.lr_scheduler.ReduceLROnPlateau in 'min' mode with threshold 0 and no
// cooldown: after `patience` evaluations in a row without a new best, lr ← max(lr ·
// factor, minLr). Its whole state (lr, best, evaluations since the best) is a small
// JSON object, so a checkpoint carries it and a resumed run decays exactly when
// the uninterrupted run would.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { checkNumber, type Optimizer } from './optimizer.js';

export interface PlateauOptions {
  /** Multiplier of the learning rate on a plateau, in (0, 1]; 1 never decays (default 0.5). */
  factor?: number;
  /** Evaluations in a row without a new best before the rate decays (default 5). */
  patience?: number;
  /** The rate never decays below this (default 1e-5). */
  minLr?: number;
}

/** What a checkpoint stores: best is null before the first evaluation. */
export interface PlateauState {
  lr: number;
  best: number | null;
  bestStep: number;
  /** Evaluations since the best. */
  bad: number;
}

/**
 * @example
 * const plateau = new fv.optim.PlateauLR(opt, { factor: 0.5, patience: 5, minLr: 1e-5 });
 * const { improved } = plateau.observe(validLoss, step); // after each validation
 */
export class PlateauLR {
  readonly factor: number;
  readonly patience: number;
  readonly minLr: number;
  best = Infinity;
  bestStep = 0;
  bad = 0;

  constructor(
    readonly optimizer: Optimizer,
    options: PlateauOptions = {},
  ) {
    const op = 'PlateauLR';
    checkOptions(op, options, ['factor', 'patience', 'minLr']);
    this.factor = checkNumber(op, 'factor', options.factor ?? 0.5, Number.MIN_VALUE, 1);
    const patience = options.patience ?? 5;
    if (!Number.isSafeInteger(patience) || patience < 1) fail(op, `patience must be a positive integer (evaluations), got ${String(patience)}`);
    this.patience = patience;
    this.minLr = checkNumber(op, 'minLr', options.minLr ?? 1e-5);
  }

  /**
   * Records the validation number of `step`. A new best (strictly lower) resets the
   * count; otherwise the count grows, and at `patience` the rate decays and the
   * count restarts. NaN never counts as a best.
   */
  observe(value: number, step: number): { improved: boolean; decayed: boolean } {
    if (value < this.best) {
      this.best = value;
      this.bestStep = step;
      this.bad = 0;
      return { improved: true, decayed: false };
    }
    this.bad += 1;
    if (this.bad < this.patience) return { improved: false, decayed: false };
    this.bad = 0;
    const next = Math.max(this.optimizer.lr * this.factor, this.minLr);
    const decayed = next < this.optimizer.lr;
    this.optimizer.lr = next;
    return { improved: false, decayed };
  }

  stateDict(): PlateauState {
    return { lr: this.optimizer.lr, best: Number.isFinite(this.best) ? this.best : null, bestStep: this.bestStep, bad: this.bad };
  }

  /** Restores the state (and the optimiser's lr); `where` names the source in errors. Checks everything first. */
  loadStateDict(s: unknown, where = 'state'): void {
    const op = 'PlateauLR.loadStateDict';
    const bad = (msg: string): never => fail(op, `${where}: ${msg}`);
    if (s === null || typeof s !== 'object' || Array.isArray(s)) bad(`expected { lr, best, bestStep, bad }, got ${JSON.stringify(s)}`);
    checkOptions(`${op} ${where}`, s as object, ['lr', 'best', 'bestStep', 'bad']);
    const r = s as Record<string, unknown>;
    if (typeof r.lr !== 'number' || !(r.lr >= 0) || !Number.isFinite(r.lr)) bad(`lr ${String(r.lr)} is not a non-negative number`);
    if (r.best !== null && (typeof r.best !== 'number' || !Number.isFinite(r.best))) bad(`best ${String(r.best)} is neither null nor a finite number`);
    for (const k of ['bestStep', 'bad'] as const) if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) bad(`${k} ${String(r[k])} is not a non-negative integer`);
    this.optimizer.lr = r.lr as number;
    this.best = r.best === null ? Infinity : (r.best as number);
    this.bestStep = r.bestStep as number;
    this.bad = r.bad as number;
  }
}
