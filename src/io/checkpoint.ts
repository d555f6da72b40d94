// Training checkpoints: one safetensors file holding the model's state dict
// ("model.<name>"), the optimiser's state tensors ("optimizer.<param index>.<state>")
// and, in the string metadata, the step, the RNG state and the optimiser's
// options — everything a resumed run needs to follow the same trajectory.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { getRngState, setRngState, type RngState } from '../random.js';
import { type Tensor } from '../tensor.js';
import { type Optimizer, type OptimizerState } from '../optim/optimizer.js';
import { loadFile, writeSafetensors } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'foveate-checkpoint/1';

/** Anything with a state dict: an nn.Module. */
export interface HasStateDict {
  stateDict(): Record<string, Tensor>;
  loadStateDict(state: Record<string, Tensor>): void;
}

export interface Checkpoint {
  model: HasStateDict;
  optimizer?: Optimizer;
  /** Training steps done so far. */
  step: number;
  /** Defaults to the global RNG's state now. */
  rng?: RngState;
  /** Extra string metadata stored beside the reserved keys (e.g. a model's config). */
  metadata?: Record<string, string>;
  /** Store float32 tensors as F16 (half the size; loading widens them back to float32). */
  float16?: boolean;
}

/**
 * Saves model, optimiser, step and RNG state to one safetensors file (atomically).
 * @example fv.io.saveCheckpoint('runs/x/checkpoint.safetensors', { model, optimizer: opt, step });
 */
export function saveCheckpoint(path: string, ck: Checkpoint): void {
  const op = 'io.saveCheckpoint';
  checkOptions(op, ck, ['model', 'optimizer', 'step', 'rng', 'metadata', 'float16']);
  if (ck?.float16 !== undefined && typeof ck.float16 !== 'boolean') fail(op, `float16 must be true or false, got ${JSON.stringify(ck.float16)}`);
  if (!ck || typeof ck.model?.stateDict !== 'function') fail(op, 'model must have a stateDict() (an nn.Module)');
  if (!Number.isSafeInteger(ck.step) || ck.step < 0) fail(op, `step must be a non-negative integer, got ${String(ck.step)}`);
  const rng = ck.rng ?? getRngState();
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(ck.model.stateDict())) tensors[`model.${k}`] = t;
  const opt = ck.optimizer?.stateDict();
  try {
    const meta: Record<string, string> = { ...ck.metadata, format: CHECKPOINT_FORMAT, step: String(ck.step), rng: JSON.stringify(rng) };
    if (opt) {
      const steps: Record<string, number> = {};
      for (const [i, s] of Object.entries(opt.state)) {
        steps[i] = s.step;
        for (const [n, t] of Object.entries(s.tensors)) tensors[`optimizer.${i}.${n}`] = t;
      }
      meta.optimizer = JSON.stringify({ kind: opt.kind, options: opt.options, steps });
    }
    writeSafetensors(path, tensors, meta, op, ck.float16 ? 'float16' : undefined);
  } finally {
    if (opt) for (const s of Object.values(opt.state)) for (const t of Object.values(s.tensors)) t.dispose();
  }
}

export interface LoadedCheckpoint {
  step: number;
  rng: RngState;
}

/**
 * Loads a checkpoint into `model` and `optimizer` (same architecture and
 * optimiser kind) and restores the global RNG state (unless `restoreRng` is
 * false). Every check runs before anything changes: a bad file leaves model,
 * optimiser and RNG as they were.
 * @example const { step } = fv.io.loadCheckpoint(path, { model, optimizer: opt });
 */
export function loadCheckpoint(path: string, into: { model: HasStateDict; optimizer?: Optimizer; restoreRng?: boolean }): LoadedCheckpoint {
  const op = 'io.loadCheckpoint';
  checkOptions(op, into, ['model', 'optimizer', 'restoreRng']);
  const { tensors, metadata } = loadFile(path, op);
  try {
    const bad = (msg: string): never => fail(op, `${path}: ${msg}`);
    if (metadata.format !== CHECKPOINT_FORMAT) bad(`not a foveate checkpoint (metadata format ${JSON.stringify(metadata.format)}, expected ${CHECKPOINT_FORMAT})`);
    const step = Number(metadata.step);
    if (!Number.isSafeInteger(step) || step < 0) bad(`metadata step ${JSON.stringify(metadata.step)} is not a non-negative integer`);
    const rng = parseJson(metadata.rng, 'rng', bad) as RngState;
    if (!rng || !Number.isSafeInteger(rng.seed) || !Number.isSafeInteger(rng.offset) || rng.seed < 0 || rng.offset < 0) bad(`metadata rng ${metadata.rng} is not {seed, offset}`);

    // Null prototypes and own-key checks: names like "__proto__" or "constructor" are plain keys.
    const model: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
    const optTensors: Record<string, Record<string, Tensor>> = Object.create(null) as Record<string, Record<string, Tensor>>;
    for (const [k, t] of Object.entries(tensors)) {
      if (k.startsWith('model.')) model[k.slice(6)] = t;
      else if (k.startsWith('optimizer.')) {
        const [i, ...name] = k.slice(10).split('.');
        (optTensors[i!] ??= Object.create(null) as Record<string, Tensor>)[name.join('.')] = t;
      } else bad(`unexpected tensor "${k}" (expected model.* or optimizer.*)`);
    }
    // The model's own check, before anything is assigned.
    const own = into.model.stateDict();
    const missing = Object.keys(own).filter((k) => !Object.hasOwn(model, k));
    const extra = Object.keys(model).filter((k) => !Object.hasOwn(own, k));
    if (missing.length || extra.length) bad(`model keys differ: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`);
    for (const [k, t] of Object.entries(own)) {
      const s = model[k]!;
      if (s.shape.join() !== t.shape.join() || s.dtype !== t.dtype) bad(`model.${k}: ${s.dtype} ${fmtShape(s.shape)} in the file, ${t.dtype} ${fmtShape(t.shape)} in the model`);
    }
    let optState: OptimizerState | undefined;
    if (into.optimizer) {
      if (metadata.optimizer === undefined) bad('holds no optimizer state, but an optimizer was given');
      const o = parseJson(metadata.optimizer, 'optimizer', bad) as { kind: string; options: OptimizerState['options']; steps: Record<string, number> };
      const state: OptimizerState['state'] = {};
      for (const [i, s] of Object.entries(o.steps ?? {})) state[Number(i)] = { step: s, tensors: optTensors[i] ?? {} };
      for (const i of Object.keys(optTensors)) if (!(i in (o.steps ?? {}))) bad(`optimizer tensors for params[${i}] without a step count`);
      optState = { kind: o.kind, options: o.options, state };
      into.optimizer.checkStateDict(optState, path);
    }
    into.model.loadStateDict(model);
    if (optState) into.optimizer!.loadStateDict(optState);
    if (into.restoreRng ?? true) setRngState(rng);
    return { step, rng };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

function parseJson(text: string | undefined, what: string, bad: (m: string) => never): unknown {
  if (text === undefined) bad(`metadata has no ${what}`);
  try {
    return JSON.parse(text!);
  } catch {
    return bad(`metadata ${what} is not valid JSON: ${text!.slice(0, 80)}`);
  }
}
