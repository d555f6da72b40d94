// DRAW training: step-addressed seeded batches (a resumed run sees exactly the
// batches, and — the RNG state being in the checkpoint — exactly the ε, of the
// straight run), Adam, global-norm clipping, the bound on the validation set now
// and then (its own noise stream, so evaluating does not move the training
// stream), the best-validation weights in best.safetensors, the learning rate
// decayed on a validation plateau (its state in the checkpoint, so resuming is
// exact), checkpoints with the model config in their metadata, progress through
// the caller's factory. The test set is no input here: it never drives a decision.
import { checkOptions } from '../options.js';
import { existsSync, rmSync } from 'node:fs';
import { fail } from '../errors.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { tidy } from '../memory.js';
import { releaseFreeMemory } from '../runtime.js';
import { permutation } from '../data/batches.js';
import { metadataJson, readMetadata } from '../io/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { clipGradNorm } from '../optim/clip.js';
import { type Optimizer } from '../optim/optimizer.js';
import { PlateauLR, type PlateauOptions, type PlateauState } from '../optim/plateau.js';
import { silentProgress, type ProgressFactory } from './progress.js';
import { checkDrawConfig, DRAW, type DrawConfig, type ImageSet } from '../models/draw.js';
import { type Tensor } from '../tensor.js';
import { type RunFolder } from './run-folder.js';

/** Checkpoint metadata key holding the model's config (JSON). */
export const DRAW_CONFIG_KEY = 'draw_config';
/** Checkpoint metadata key holding the plateau schedule's state (JSON PlateauState). */
export const DRAW_SCHEDULE_KEY = 'draw_schedule';
/** best.safetensors metadata key: {step, validNll, validImages} of those weights. */
export const DRAW_BEST_KEY = 'draw_best';

/** The validation record of a best.safetensors. */
export interface DrawBest {
  step: number;
  validNll: number;
  validImages: number;
}

export interface DrawTraining {
  model: DRAW;
  optimizer: Optimizer;
  train: ImageSet;
  /** Held-out validation images for the bound, best.safetensors and the plateau schedule (never the test set); optional. */
  valid?: ImageSet;
  steps: number;
  batchSize: number;
  /** Global-norm clip (default 10; 0 = off). */
  clip?: number;
  /** Seed of the batch order (epoch e uses seed + e). */
  seed?: number;
  /** Evaluate the validation bound every this many steps (default steps/10) on at most evalLimit images. */
  evalEvery?: number;
  evalLimit?: number;
  /** Learning-rate decay on a validation plateau (default factor 0.5, patience 5 evaluations, minLr 1e-5). */
  plateau?: PlateauOptions;
  checkpointEvery?: number;
  /** Also keep a copy `checkpoint-<step>.safetensors` every this many steps (for comparisons at equal steps). */
  keepEvery?: number;
  device?: DeviceName;
  run?: RunFolder;
  resume?: boolean;
  label?: string;
  /** How to report progress (default: silently). */
  progress?: ProgressFactory;
  /** Called after every step (tests). */
  onStep?: (step: number, loss: number) => void;
  /** Where `progress` writes (its choice; a terminal bar's default is stderr), and notes (default stderr). */
  stream?: NodeJS.WriteStream;
}

export interface DrawResult {
  steps: number;
  lastLoss: number;
  /** The latest validation bound (NaN without a validation set). */
  validNll: number;
  /** The best validation bound and its step (Infinity and 0 before any evaluation). */
  bestValidNll: number;
  bestStep: number;
  /** The learning rate at the end. */
  lr: number;
  seconds: number;
}

let cachedOrder: { n: number; seed: number; order: Int32Array } | undefined;

/** The batch of `step`: epoch e = ⌊step / (n div b)⌋ visits permutation(n, seed + e). */
export function drawBatchAt(ds: ImageSet, step: number, batchSize: number, seed: number, device?: DeviceName): Tensor {
  const n = ds.shape[0]!;
  const perEpoch = Math.floor(n / batchSize);
  if (perEpoch < 1) fail('train draw', `batch size ${batchSize} is larger than the ${n} training images`);
  const epoch = Math.floor(step / perEpoch);
  if (cachedOrder?.n !== n || cachedOrder.seed !== seed + epoch) cachedOrder = { n, seed: seed + epoch, order: permutation(n, seed + epoch) };
  const order = cachedOrder.order;
  const start = (step % perEpoch) * batchSize;
  const per = ds.images.length / n;
  const x = new Float32Array(batchSize * per);
  for (let i = 0; i < batchSize; i++) {
    const k = order[start + i]!;
    x.set(ds.images.subarray(k * per, (k + 1) * per), i * per);
  }
  return tensor(x, [batchSize, per], { device });
}

/** Saves a DRAW checkpoint: weights, optimiser, step, RNG state, the config and (optional) schedule state or best record. */
export function saveDrawCheckpoint(path: string, model: DRAW, optimizer: Optimizer | undefined, step: number, extra: { schedule?: PlateauState; best?: DrawBest } = {}): void {
  checkOptions('saveDrawCheckpoint', extra, ['schedule', 'best']);
  const metadata: Record<string, string> = { [DRAW_CONFIG_KEY]: JSON.stringify(model.config) };
  if (extra.schedule) metadata[DRAW_SCHEDULE_KEY] = JSON.stringify(extra.schedule);
  if (extra.best) metadata[DRAW_BEST_KEY] = JSON.stringify(extra.best);
  saveCheckpoint(path, { model, optimizer, step, metadata });
}

/** The schedule state and best record of a DRAW checkpoint (undefined when absent: files of earlier versions). */
export function readDrawExtras(path: string): { schedule?: unknown; best?: DrawBest } {
  const op = 'DRAW checkpoint';
  const metadata = readMetadata(path, op);
  const schedule = metadataJson(metadata, DRAW_SCHEDULE_KEY, path, op);
  const b = metadataJson(metadata, DRAW_BEST_KEY, path, op) as Partial<DrawBest> | undefined;
  if (b !== undefined) {
    const ok = typeof b === 'object' && b !== null && Number.isSafeInteger(b.step) && typeof b.validNll === 'number' && Number.isFinite(b.validNll) && Number.isSafeInteger(b.validImages) && b.validImages! >= 1;
    if (!ok) fail(op, `${path}: metadata ${DRAW_BEST_KEY} ${metadata[DRAW_BEST_KEY]} is not { step, validNll, validImages }`);
  }
  return { ...(schedule === undefined ? {} : { schedule }), ...(b === undefined ? {} : { best: b as DrawBest }) };
}

/** The config stored in a DRAW checkpoint, or a clear error when the file holds another model. */
export function readDrawConfig(path: string): DrawConfig {
  const op = 'DRAW checkpoint';
  const metadata = readMetadata(path, op);
  if (metadata[DRAW_CONFIG_KEY] === undefined) fail(op, `${path}: not a DRAW checkpoint (its metadata has no ${DRAW_CONFIG_KEY}; keys: ${Object.keys(metadata).join(', ') || 'none'})`);
  return checkDrawConfig(`${op} ${path}`, metadataJson(metadata, DRAW_CONFIG_KEY, path, op));
}

/** Differences between two configs ("T: 64 vs 32"), empty when equal. */
export function configDiff(a: DrawConfig, b: DrawConfig): string[] {
  return (Object.keys(a) as (keyof DrawConfig)[]).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${String(a[k])} vs ${String(b[k])}`);
}

/** Loads a DRAW checkpoint into `model` (and optimiser) after checking the stored config matches. */
export function loadDrawCheckpoint(path: string, model: DRAW, optimizer?: Optimizer): number {
  const stored = readDrawConfig(path);
  const diff = configDiff(stored, model.config);
  if (diff.length) fail('DRAW checkpoint', `${path} holds a different DRAW (checkpoint vs this model: ${diff.join(', ')})`);
  return loadCheckpoint(path, { model, optimizer }).step;
}

export function trainDraw(t: DrawTraining): DrawResult {
  checkOptions('trainDraw', t, ['model', 'optimizer', 'train', 'valid', 'steps', 'batchSize', 'clip', 'seed', 'evalEvery', 'evalLimit', 'plateau', 'checkpointEvery', 'keepEvery', 'device', 'run', 'resume', 'label', 'progress', 'onStep', 'stream']);
  const { model, optimizer, steps, batchSize, run, seed = 0, device, clip = 10 } = t;
  if (!Number.isSafeInteger(steps) || steps < 0) fail('train draw', `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail('train draw', `batch size must be a positive integer, got ${batchSize}`);
  const per = model.config.channels * model.config.height * model.config.width;
  for (const [name, ds] of [['training', t.train], ['validation', t.valid]] as const) {
    if (!ds) continue;
    const inner = ds.shape.slice(1).reduce((a, d) => a * d, 1);
    if (inner !== per) fail('train draw', `${name} images are [${ds.shape.slice(1).join(',')}] but the model takes ${model.config.channels}×${model.config.height}×${model.config.width}`);
  }
  const plateau = new PlateauLR(optimizer, t.plateau);
  const evalEvery = t.evalEvery ?? Math.max(1, Math.floor(steps / 10));
  const checkpointEvery = t.checkpointEvery ?? evalEvery;
  const ckPath = run?.path('checkpoint.safetensors');
  const note = (m: string): void => void (t.stream ?? process.stderr).write(m + '\n');
  let step = 0;
  let before = 0; // wall seconds of earlier invocations (resumed runs)
  if (run && ckPath && t.resume && existsSync(ckPath)) {
    step = loadDrawCheckpoint(ckPath, model, optimizer);
    const { schedule } = readDrawExtras(ckPath);
    if (schedule === undefined) note(`train draw: ${ckPath} (step ${step}) holds no learning-rate schedule state (written before validation selection): the plateau schedule starts fresh at its lr ${optimizer.lr}`);
    else plateau.loadStateDict(schedule, ckPath);
    run.truncateMetrics(step);
    // The last timed row (the end-of-run test row has no time).
    const timed = run.readMetrics().filter((r) => typeof r.seconds === 'number');
    before = Number(timed[timed.length - 1]?.seconds ?? 0) || 0;
  } else if (run) {
    run.resetMetrics();
    rmSync(run.path('best.safetensors'), { force: true }); // a fresh run's best is its own
  }
  const bar = (t.progress ?? silentProgress)({ total: steps, initial: Math.min(step, steps), label: t.label ?? 'draw', unit: 'steps', ...(t.stream ? { stream: t.stream } : {}) });
  const start = performance.now();
  let lastLoss = NaN;
  let validNll = NaN;
  const validImages = t.valid ? Math.min(t.valid.shape[0]!, t.evalLimit ?? Infinity) : 0;
  model.train();
  while (step < steps) {
    const lr = optimizer.lr;
    const [loss, lx, lz] = tidy(() => {
      const x = drawBatchAt(t.train, step, batchSize, seed, device);
      optimizer.zeroGrad();
      const r = model.loss(x);
      r.loss.backward();
      if (clip > 0) clipGradNorm(model.parameters(), clip);
      optimizer.step();
      return [r.loss.item(), r.lxSum.item() / batchSize, r.lzSum.item() / batchSize];
    });
    lastLoss = loss!;
    step++;
    t.onStep?.(step, lastLoss);
    const evalNow = t.valid !== undefined && (step % evalEvery === 0 || step === steps);
    if (evalNow) {
      validNll = model.nllBound(t.valid!, { limit: t.evalLimit }).nll;
      releaseFreeMemory(); // an idle point: the heap's free pages go back (see runtime.ts)
      const { improved, decayed } = plateau.observe(validNll, step);
      if (improved && run) saveDrawCheckpoint(run.path('best.safetensors'), model, undefined, step, { best: { step, validNll, validImages } });
      if (decayed) note(`train draw: step ${step}: no better validation bound in ${plateau.patience} evaluations; learning rate ${lr} → ${optimizer.lr}`);
    }
    const elapsed = before + (performance.now() - start) / 1000;
    if (run && (step % 50 === 0 || evalNow || step === steps)) {
      run.log({ step, loss: lastLoss, lx: lx!, lz: lz!, lr, seconds: Math.round(elapsed * 10) / 10, ...(evalNow ? { validNll } : {}) });
    }
    if (run && ckPath && (step % checkpointEvery === 0 || step === steps)) saveDrawCheckpoint(ckPath, model, optimizer, step, { schedule: plateau.stateDict() });
    if (run && t.keepEvery && step % t.keepEvery === 0) saveDrawCheckpoint(run.path(`checkpoint-${step}.safetensors`), model, undefined, step);
    const best = Number.isFinite(plateau.best) ? ` (best ${plateau.best.toFixed(2)})` : '';
    bar.tick(1, `loss ${lastLoss.toFixed(2)} nats (Lx ${lx!.toFixed(2)} + Lz ${lz!.toFixed(2)})${Number.isNaN(validNll) ? '' : ` valid ≤ ${validNll.toFixed(2)}${best}`} lr ${optimizer.lr.toExponential(1)}`);
  }
  return { steps, lastLoss, validNll, bestValidNll: plateau.best, bestStep: plateau.bestStep, lr: optimizer.lr, seconds: (performance.now() - start) / 1000 };
}
