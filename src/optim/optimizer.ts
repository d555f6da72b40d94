// The optimiser base: parameters, per-parameter state tensors (PyTorch's names:
// momentum_buffer, square_avg, grad_avg, exp_avg, exp_avg_sq) and a state dict
// that checkpoints save and load. Subclasses implement one fused update.
import { full } from '../creation.js';
import { fail, fmtShape, sameShape } from '../errors.js';
import { keep } from '../memory.js';
import { Tensor } from '../tensor.js';

/** Per-parameter state: tensors by name, plus the step count. */
export interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

/** What `stateDict()` returns and `loadStateDict()` takes (tensors are copies). */
export interface OptimizerState {
  /** The optimiser's class name, checked on load. */
  kind: string;
  /** Hyper-parameters, lr included (a schedule changes it). */
  options: Record<string, number | boolean>;
  /** By parameter index. */
  state: Record<number, { step: number; tensors: Record<string, Tensor> }>;
}

export function checkNumber(op: string, name: string, v: unknown, min = 0, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(op, `${name} must be a finite number in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

export abstract class Optimizer {
  readonly params: readonly Tensor[];
  /** The learning rate; schedules change it between steps. */
  lr: number;
  protected readonly state = new Map<number, ParamState>();

  constructor(op: string, params: Iterable<Tensor>, lr: unknown) {
    const list = [...params];
    if (list.length === 0) fail(op, 'params is empty: got an empty parameter list, expected at least one tensor (did you assign modules as properties of a Module and pass model.parameters()?)');
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) fail(op, `params[${i}] must be a Tensor, got ${typeof p}`);
      if (p.dtype === 'int32') fail(op, `params[${i}] must be float32 or float64, got int32 ${fmtShape(p.shape)}`);
      if (list.indexOf(p) !== i) fail(op, `params[${i}] appears twice`);
    });
    this.params = list;
    this.lr = checkNumber(op, 'lr', lr);
  }

  /** The hyper-parameters besides lr, for stateDict. */
  protected abstract options(): Record<string, number | boolean>;

  /** Updates parameter i (and its state) in place from its gradient. */
  protected abstract update(i: number, p: Tensor, g: Tensor): void;

  /** One update of every parameter that has a gradient. */
  step(): void {
    const op = `${this.constructor.name}.step`;
    this.params.forEach((p, i) => {
      const g = p.grad;
      if (g === undefined) return;
      if (p.isDisposed) fail(op, `params[${i}] ${fmtShape(p.shape)} was disposed`);
      // Skipping it would train the rest silently without this parameter.
      if (g.isDisposed) fail(op, `params[${i}] ${fmtShape(p.shape)}: its grad was disposed (a tidy scope freed it, or it was disposed by hand); call zeroGrad() and backward() again, or keep() the grad`);
      if (!sameShape(g.shape, p.shape) || g.dtype !== p.dtype || g.device !== p.device) {
        fail(op, `params[${i}]: grad ${g.dtype} ${fmtShape(g.shape)} on ${g.device} does not match param ${p.dtype} ${fmtShape(p.shape)} on ${p.device}`);
      }
      this.update(i, p, g);
    });
  }

  /** Disposes every parameter's gradient and clears it. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  }

  /** State of parameter i, made on first use with zero tensors of the given names. */
  protected stateOf(i: number): ParamState {
    const names = this.stateNames();
    let s = this.state.get(i);
    if (s === undefined) {
      const p = this.params[i]!;
      const dtype = p.dtype === 'float64' ? 'float64' : 'float32';
      const tensors = Object.fromEntries(names.map((n) => [n, keep(full(p.shape, 0, { device: p.device, dtype }))]));
      s = { step: 0, tensors };
      this.state.set(i, s);
    }
    return s;
  }

  /** Copies of the state (the caller owns them) with the options and lr. */
  stateDict(): OptimizerState {
    const state: OptimizerState['state'] = {};
    for (const [i, s] of this.state) {
      state[i] = { step: s.step, tensors: Object.fromEntries(Object.entries(s.tensors).map(([n, t]) => [n, t.to(t.device)])) };
    }
    return { kind: this.constructor.name, options: { lr: this.lr, ...this.options() }, state };
  }

  /** Throws (naming `where`, e.g. a file) unless `sd` fits these parameters and options. */
  checkStateDict(sd: OptimizerState, where = 'state'): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const bad = (msg: string): never => fail(op, `${where}: ${msg}`);
    if (sd?.kind !== this.constructor.name) bad(`optimizer state is from ${String(sd?.kind)}, expected ${this.constructor.name}`);
    for (const [k, v] of Object.entries(this.options())) {
      if (sd.options?.[k] !== v) bad(`option ${k} is ${String(sd.options?.[k])} in the state, ${String(v)} here`);
    }
    if (typeof sd.options.lr !== 'number' || !(sd.options.lr >= 0)) bad(`lr ${String(sd.options.lr)} is not a non-negative number`);
    for (const [key, s] of Object.entries(sd.state)) {
      const i = Number(key);
      const p = this.params[i];
      if (!Number.isInteger(i) || p === undefined) bad(`state for params[${key}], but there are ${this.params.length} params`);
      if (!Number.isSafeInteger(s.step) || s.step < 0) bad(`params[${i}]: step must be a non-negative integer, got ${s.step}`);
      const want = this.stateNames();
      const got = Object.keys(s.tensors);
      if (s.step > 0 && (got.length !== want.length || !want.every((n) => got.includes(n)))) {
        bad(`params[${i}]: state tensors [${got.join(', ')}], expected [${want.join(', ')}]`);
      }
      for (const [n, t] of Object.entries(s.tensors)) {
        if (!sameShape(t.shape, p!.shape) || t.dtype !== p!.dtype) {
          bad(`params[${i}].${n}: ${t.dtype} ${fmtShape(t.shape)} does not match the param's ${p!.dtype} ${fmtShape(p!.shape)}`);
        }
      }
    }
  }

  /** The state tensors' names with this optimiser's options. */
  protected abstract stateNames(): string[];

  /**
   * Restores lr and the state (copied onto each parameter's device); the other
   * options must equal this optimiser's. Nothing changes unless every check passes.
   */
  loadStateDict(sd: OptimizerState): void {
    this.checkStateDict(sd);
    for (const s of this.state.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = this.params[Number(key)]!;
      const tensors = Object.fromEntries(Object.entries(s.tensors).map(([n, t]) => [n, keep(t.to(p.device))]));
      this.state.set(Number(key), { step: s.step, tensors });
    }
    this.lr = sd.options.lr as number;
  }

  /** Frees the state tensors (not the parameters). */
  dispose(): void {
    for (const s of this.state.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.state.clear();
  }
}
