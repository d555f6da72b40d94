// Training DRAM and its conv baseline on cluttered MNIST: batches generated on
// the fly and addressed by step (image s·b … s·b+b−1 of the seeded training
// stream, so a resumed run sees exactly the images of the straight run), Adam with
// the learning rate halved every `halveEvery` steps (closed form in the step, so
// resuming needs no schedule state), global-norm clipping, the validation error
// now and then (validation digits are MNIST training images 50,000–59,999, never
// the test set), the best-validation weights in best.safetensors, checkpoints with
// the model config in their metadata. Progress goes to a callback: this layer
// prints nothing.
import { checkOptions } from '../options.js';
import { existsSync } from 'node:fs';
import { fail } from '../errors.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { tidy } from '../memory.js';
import { releaseFreeMemory } from '../runtime.js';
import { noGrad } from '../tensor.js';
import { argmax, crossEntropy } from '../ops/index.js';
import { type ClutteredMnist } from '../data/cluttered.js';
import { metadataJson, readMetadata } from '../io/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { clipGradNorm } from '../optim/clip.js';
import { type Optimizer } from '../optim/optimizer.js';
import { checkClutteredConfig, clutteredModel, type ClutteredClassifier, type ClutteredModelConfig } from '../models/dram.js';
import { type Tensor } from '../tensor.js';
import { type RunFolder } from './run-folder.js';

/** Checkpoint metadata key holding the model's config (JSON). */
export const DRAM_CONFIG_KEY = 'dram_config';
/** Checkpoint metadata key holding {step, error} of the best validation error so far. */
export const DRAM_BEST_KEY = 'dram_best';

/** A labelled image set that makes its images on demand (generated clutter or IDX files). */
export interface LabelledImages {
  readonly count: number;
  batch(start: number, n: number): { images: Float32Array; labels: Int32Array; shape: readonly number[] };
}


export interface DramProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  /** The latest validation error (fraction), NaN before the first evaluation. */
  validError: number;
  bestValidError: number;
}

export interface DramTraining {
  model: ClutteredClassifier;
  optimizer: Optimizer;
  train: ClutteredMnist;
  /** Held-out images for model selection (not the test set). */
  valid?: LabelledImages;
  steps: number;
  batchSize: number;
  /** Learning rate at step 0; halved every `halveEvery` steps (0 = never). */
  lr: number;
  halveEvery?: number;
  /** Global-norm clip (default 10; 0 = off). */
  clip?: number;
  evalEvery?: number;
  /** Validation images per evaluation (default all). */
  evalLimit?: number;
  checkpointEvery?: number;
  device?: DeviceName;
  run?: RunFolder;
  resume?: boolean;
  /** Called after every step (the CLI draws its progress bar from it). */
  onProgress?: (p: DramProgress) => void;
  /** Called after each validation (e.g. to redraw the run's pictures). */
  onEvaluate?: (p: DramProgress) => void;
}

export interface DramResult {
  steps: number;
  lastLoss: number;
  validError: number;
  bestValidError: number;
  bestStep: number;
  seconds: number;
}

/** lr · ½^⌊step / halveEvery⌋. */
export function dramLrAt(lr: number, halveEvery: number, step: number): number {
  return halveEvery > 0 ? lr * 0.5 ** Math.floor(step / halveEvery) : lr;
}

/** The images and labels start..start+n−1 of a set as tensors [n,H,W] and [n]. */
export function imagesAt(set: LabelledImages, start: number, n: number, device?: DeviceName): { x: Tensor; y: Tensor } {
  const b = set.batch(start, n);
  return { x: tensor(b.images, [n, b.shape[1]!, b.shape[2]!], { device }), y: tensor(b.labels, [n], { device }) };
}

/** The fraction of the first `limit` images of `set` the model gets wrong (eval mode, no graph). */
export function errorRate(model: ClutteredClassifier, set: LabelledImages, options: { limit?: number; batchSize?: number } = {}): { error: number; wrong: number; images: number } {
  checkOptions('errorRate', options, ['limit', 'batchSize']);
  const n = Math.min(set.count, options.limit ?? Infinity);
  if (!(n >= 1) || !Number.isFinite(n)) fail('errorRate', `need a finite, non-empty set of images, got ${n}`);
  const batchSize = options.batchSize ?? 250;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail('errorRate', `batchSize must be a positive integer, got ${String(batchSize)}`);
  if (options.limit !== undefined && !(Number.isSafeInteger(options.limit) && options.limit >= 1)) fail('errorRate', `limit must be a positive integer, got ${String(options.limit)}`);
  const wasTraining = model.training;
  model.eval();
  let wrong = 0;
  try {
    for (let s = 0; s < n; s += batchSize) {
      const b = Math.min(batchSize, n - s);
      wrong += noGrad(() =>
        tidy(() => {
          const { x, y } = imagesAt(set, s, b, model.device);
          const pred = argmax(model.forward(x), 1).toInt32Array();
          const labels = y.toInt32Array();
          return pred.reduce((c, p, i) => c + (p === labels[i] ? 0 : 1), 0);
        }),
      );
    }
  } finally {
    model.train(wasTraining);
  }
  return { error: wrong / n, wrong, images: n };
}

/** Saves a checkpoint: weights, optimiser (optional), step, RNG, config, best-so-far. */
export function saveDramCheckpoint(path: string, model: ClutteredClassifier, optimizer: Optimizer | undefined, step: number, best?: { step: number; error: number }): void {
  const metadata: Record<string, string> = { [DRAM_CONFIG_KEY]: JSON.stringify(model.config) };
  if (best) metadata[DRAM_BEST_KEY] = JSON.stringify(best);
  saveCheckpoint(path, { model, optimizer, step, metadata });
}

/** The config stored in a DRAM/conv checkpoint, or a clear error when the file holds another model. */
export function readDramCheckpointInfo(path: string): { config: ClutteredModelConfig; best?: { step: number; error: number } } {
  const op = 'DRAM checkpoint';
  const metadata = readMetadata(path, op);
  if (metadata[DRAM_CONFIG_KEY] === undefined) fail(op, `${path}: not a DRAM or cluttered conv-net checkpoint (its metadata has no ${DRAM_CONFIG_KEY}; keys: ${Object.keys(metadata).join(', ') || 'none'})`);
  const parsed = metadataJson(metadata, DRAM_CONFIG_KEY, path, op);
  // The best-so-far record is read back strictly too: a damaged one is an error, not forgotten.
  let best: { step: number; error: number } | undefined;
  const bestText = metadata[DRAM_BEST_KEY];
  if (bestText !== undefined) {
    const b = metadataJson(metadata, DRAM_BEST_KEY, path, op);
    const ok = typeof b === 'object' && b !== null && !Array.isArray(b);
    if (ok) checkOptions(`${op} ${path}: ${DRAM_BEST_KEY}`, b, ['step', 'error']);
    const r = b as { step?: unknown; error?: unknown };
    if (!ok || !Number.isSafeInteger(r.step) || (r.step as number) < 0 || typeof r.error !== 'number' || !(r.error >= 0 && r.error <= 1)) {
      fail(op, `${path}: metadata ${DRAM_BEST_KEY} ${bestText} is not { step: a non-negative integer, error: a fraction in [0, 1] }`);
    }
    best = { step: r.step as number, error: r.error as number };
  }
  return { config: checkClutteredConfig(`${op} ${path}`, parsed), ...(best ? { best } : {}) };
}

/** Loads a checkpoint into `model` (and optimiser) after checking the stored config matches. */
export function loadDramCheckpoint(path: string, model: ClutteredClassifier, optimizer?: Optimizer): number {
  const { config } = readDramCheckpointInfo(path);
  const a = config as unknown as Record<string, unknown>;
  const b = model.config as unknown as Record<string, unknown>;
  const diff = Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${String(a[k])} vs ${String(b[k])}`);
  if (diff.length) fail('DRAM checkpoint', `${path} holds a different model (checkpoint vs this model: ${diff.join(', ')})`);
  return loadCheckpoint(path, { model, optimizer }).step;
}

/** A model rebuilt from a checkpoint (weights loaded), with its step. */
export function modelFromCheckpoint(path: string, device?: DeviceName): { model: ReturnType<typeof clutteredModel>; step: number } {
  const { config } = readDramCheckpointInfo(path);
  const model = clutteredModel(config, { device });
  const step = loadCheckpoint(path, { model, restoreRng: false }).step;
  return { model, step };
}

export function trainDram(t: DramTraining): DramResult {
  const op = 'train dram';
  checkOptions('trainDram', t, ['model', 'optimizer', 'train', 'valid', 'steps', 'batchSize', 'lr', 'halveEvery', 'clip', 'evalEvery', 'evalLimit', 'checkpointEvery', 'device', 'run', 'resume', 'onProgress', 'onEvaluate']);
  const { model, optimizer, steps, batchSize, run, device, clip = 10, halveEvery = 0 } = t;
  if (!Number.isSafeInteger(steps) || steps < 0) fail(op, `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail(op, `batch size must be a positive integer, got ${batchSize}`);
  if (t.train.size !== model.config.width || t.train.size !== model.config.height) fail(op, `training images are ${t.train.size}×${t.train.size} but the model takes ${model.config.width}×${model.config.height}`);
  const evalEvery = t.evalEvery ?? Math.max(1, Math.floor(steps / 10));
  const checkpointEvery = t.checkpointEvery ?? evalEvery;
  const ckPath = run?.path('checkpoint.safetensors');
  let step = 0;
  let before = 0;
  let best = { step: 0, error: Infinity };
  if (run && ckPath && t.resume && existsSync(ckPath)) {
    step = loadDramCheckpoint(ckPath, model, optimizer);
    best = readDramCheckpointInfo(ckPath).best ?? best;
    run.truncateMetrics(step);
    const rows = run.readMetrics();
    before = Number(rows[rows.length - 1]?.seconds ?? 0) || 0;
  } else run?.resetMetrics();
  const start = performance.now();
  let lastLoss = NaN;
  let validError = NaN;
  let lossSum = 0;
  let wrongSum = 0;
  let seen = 0;
  model.train();
  while (step < steps) {
    optimizer.lr = dramLrAt(t.lr, halveEvery, step);
    const [loss, wrong] = tidy(() => {
      const { x, y } = imagesAt(t.train, step * batchSize, batchSize, device);
      optimizer.zeroGrad();
      const logits = model.forward(x);
      const l = crossEntropy(logits, y);
      l.backward();
      if (clip > 0) clipGradNorm(model.parameters(), clip);
      optimizer.step();
      const pred = argmax(logits, 1).toInt32Array();
      const labels = y.toInt32Array();
      return [l.item(), pred.reduce((c, p, i) => c + (p === labels[i] ? 0 : 1), 0)];
    });
    if (!Number.isFinite(loss)) fail(op, `the loss became ${loss} at step ${step + 1}; try a lower --lr or --clip`);
    lastLoss = loss!;
    lossSum += loss!;
    wrongSum += wrong!;
    seen++;
    step++;
    const evalNow = t.valid !== undefined && (step % evalEvery === 0 || step === steps);
    if (evalNow) {
      validError = errorRate(model, t.valid!, { limit: t.evalLimit }).error;
      releaseFreeMemory(); // an idle point: the heap's free pages go back (see runtime.ts)
      if (validError < best.error) {
        best = { step, error: validError };
        if (run) saveDramCheckpoint(run.path('best.safetensors'), model, undefined, step, best);
      }
      t.onEvaluate?.({ step, steps, loss: lastLoss, lr: optimizer.lr, validError, bestValidError: best.error });
    }
    const elapsed = before + (performance.now() - start) / 1000;
    if (run && (step % 50 === 0 || evalNow || step === steps)) {
      run.log({ step, loss: lossSum / seen, trainError: wrongSum / (seen * batchSize), lr: optimizer.lr, seconds: Math.round(elapsed * 10) / 10, ...(evalNow ? { validError } : {}) });
      lossSum = wrongSum = seen = 0;
    }
    if (run && ckPath && (step % checkpointEvery === 0 || step === steps)) saveDramCheckpoint(ckPath, model, optimizer, step, Number.isFinite(best.error) ? best : undefined);
    t.onProgress?.({ step, steps, loss: lastLoss, lr: optimizer.lr, validError, bestValidError: best.error });
  }
  return { steps, lastLoss, validError, bestValidError: best.error, bestStep: best.step, seconds: (performance.now() - start) / 1000 };
}
