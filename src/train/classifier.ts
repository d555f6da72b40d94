// Supervised classification on an in-memory dataset: seeded shuffled batches
// addressed by step (so a resumed run sees exactly the batches it would have),
// cross-entropy, an optimiser, periodic test accuracy, checkpoints, progress.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { tidy } from '../memory.js';
import { releaseFreeMemory } from '../runtime.js';
import { argmax, crossEntropy } from '../ops/index.js';
import { type Module } from '../nn/module.js';
import { type Layer } from '../nn/containers.js';
import { type Optimizer } from '../optim/optimizer.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { permutation } from '../data/batches.js';
import { type Dataset } from '../data/mnist.js';
import { silentProgress, type ProgressFactory } from './progress.js';
import { type RunFolder } from './run-folder.js';
import { type Tensor, noGrad } from '../tensor.js';
import { existsSync } from 'node:fs';

export interface ClassifierTraining {
  model: Module & Layer;
  optimizer: Optimizer;
  train: Dataset;
  test: Dataset;
  steps: number;
  batchSize: number;
  /** Input shape of one example as the model wants it (default the dataset's). */
  exampleShape?: readonly number[];
  evalEvery?: number;
  /** Seed of the batch order (epoch e uses seed + e). */
  seed?: number;
  device?: DeviceName;
  run?: RunFolder;
  resume?: boolean;
  checkpointEvery?: number;
  label?: string;
  /** How to report progress (default: silently). */
  progress?: ProgressFactory;
  /** Called after every step (for tests). */
  onStep?: (step: number, loss: number) => void;
}

let cachedOrder: { n: number; seed: number; order: Int32Array } | undefined;

/** permutation(n, seed), remembered for the epoch in progress. */
function epochOrder(n: number, seed: number): Int32Array {
  if (cachedOrder?.n !== n || cachedOrder.seed !== seed) cachedOrder = { n, seed, order: permutation(n, seed) };
  return cachedOrder.order;
}

/** A labelled dataset with at least one example, its arrays agreeing with its shape. */
function checkDataset(op: string, name: string, ds: Dataset): number {
  if (!(ds?.images instanceof Float32Array) || !(ds.labels instanceof Int32Array) || !Array.isArray(ds.shape) || ds.shape.length < 1) {
    fail(op, `${name} set must have images (Float32Array), labels (Int32Array) and shape [n, ...]`);
  }
  const n = ds.shape[0]!;
  if (n === 0) fail(op, `${name} set is empty (shape [${ds.shape}])`);
  const per = ds.shape.slice(1).reduce((a, b) => a * b, 1);
  if (ds.images.length !== n * per) fail(op, `${name} images hold ${ds.images.length} values, shape [${ds.shape}] needs ${n * per}`);
  if (ds.labels.length !== n) fail(op, `${name} set has ${ds.labels.length} labels for ${n} images`);
  return n;
}

/** The batch of `step`: epoch e = ⌊step·b / n⌋ visits permutation(n, seed + e). */
function batchAt(ds: Dataset, step: number, batchSize: number, seed: number, shape: readonly number[], device?: DeviceName): { x: Tensor; y: Tensor } {
  const n = ds.shape[0];
  const perEpoch = Math.floor(n / batchSize);
  const epoch = Math.floor(step / perEpoch);
  const order = epochOrder(n, seed + epoch);
  const start = (step % perEpoch) * batchSize;
  const per = ds.images.length / n;
  const x = new Float32Array(batchSize * per);
  const y = new Int32Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const k = order[start + i]!;
    x.set(ds.images.subarray(k * per, (k + 1) * per), i * per);
    y[i] = ds.labels[k]!;
  }
  return { x: tensor(x, [batchSize, ...shape], { device }), y: tensor(y, [batchSize], { device }) };
}

/** Fraction of `ds` the model classifies correctly (eval mode, no graph). */
export function accuracy(model: Module & Layer, ds: Dataset, options: { batchSize?: number; exampleShape?: readonly number[]; device?: DeviceName } = {}): number {
  checkOptions('accuracy', options, ['batchSize', 'exampleShape', 'device']);
  const { batchSize = 500, device } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail('accuracy', `batchSize must be a positive integer, got ${String(batchSize)}`);
  const n = checkDataset('accuracy', 'evaluated', ds);
  const shape = options.exampleShape ?? ds.shape.slice(1);
  const per = ds.images.length / n;
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  for (let s = 0; s < n; s += batchSize) {
    const b = Math.min(batchSize, n - s);
    correct += tidy(() =>
      noGrad(() => {
        const x = tensor(ds.images.subarray(s * per, (s + b) * per), [b, ...shape], { device });
        const pred = argmax(model.forward(x), 1).toInt32Array();
        return pred.reduce((c, p, i) => c + (p === ds.labels[s + i] ? 1 : 0), 0);
      }),
    );
  }
  model.train(wasTraining);
  return correct / n;
}

export interface ClassifierResult {
  steps: number;
  testAccuracy: number;
  lastLoss: number;
  seconds: number;
}

export function trainClassifier(t: ClassifierTraining): ClassifierResult {
  checkOptions('trainClassifier', t, ['model', 'optimizer', 'train', 'test', 'steps', 'batchSize', 'exampleShape', 'evalEvery', 'seed', 'device', 'run', 'resume', 'checkpointEvery', 'label', 'progress', 'onStep']);
  const { model, optimizer, steps, batchSize, run, seed = 0, device } = t;
  if (!Number.isSafeInteger(steps) || steps < 0) fail('train', `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail('train', `batch size must be a positive integer, got ${String(batchSize)}`);
  const n = checkDataset('train', 'training', t.train);
  checkDataset('train', 'test', t.test);
  // Every batch is a full batchSize drawn from one epoch's permutation.
  if (batchSize > n) fail('train', `batch size ${batchSize} is larger than the ${n} training examples`);
  const shape = t.exampleShape ?? t.train.shape.slice(1);
  const evalEvery = t.evalEvery ?? Math.max(1, Math.floor(steps / 10));
  const checkpointEvery = t.checkpointEvery ?? evalEvery;
  const ckPath = run?.path('checkpoint.safetensors');
  let step = 0;
  if (run && ckPath && t.resume && existsSync(ckPath)) {
    step = loadCheckpoint(ckPath, { model, optimizer }).step;
    run.truncateMetrics(step);
  } else run?.resetMetrics();
  const bar = (t.progress ?? silentProgress)({ total: steps, initial: step, label: t.label ?? 'train', unit: 'steps' });
  const start = performance.now();
  let lastLoss = NaN;
  let testAccuracy = NaN;
  model.train();
  while (step < steps) {
    lastLoss = tidy(() => {
      const { x, y } = batchAt(t.train, step, batchSize, seed, shape, device);
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    step++;
    t.onStep?.(step, lastLoss);
    const evalNow = step % evalEvery === 0 || step === steps;
    if (evalNow) {
      testAccuracy = accuracy(model, t.test, { exampleShape: shape, device });
      releaseFreeMemory(); // the evaluation's buffers, and the heap's fragments (see runtime.ts)
    }
    if (run && (step % 50 === 0 || evalNow)) run.log({ step, loss: lastLoss, ...(evalNow ? { testAccuracy } : {}) });
    if (run && ckPath && (step % checkpointEvery === 0 || step === steps)) saveCheckpoint(ckPath, { model, optimizer, step });
    bar.tick(1, `loss ${lastLoss.toFixed(4)}${Number.isNaN(testAccuracy) ? '' : ` test acc ${(testAccuracy * 100).toFixed(2)}%`}`);
  }
  if (Number.isNaN(testAccuracy)) testAccuracy = accuracy(model, t.test, { exampleShape: shape, device });
  return { steps, testAccuracy, lastLoss, seconds: (performance.now() - start) / 1000 };
}
