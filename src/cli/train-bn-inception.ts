// `foveate train bn-inception`: the Batch Normalization paper's §4.2 comparison
// (PAPERS.md §2) on data we have — a BN-Inception (by default a documented
// narrower variant: every channel count × --width) on Fashion-MNIST padded to
// --size × --size, batch 32, SGD with momentum 0.9:
//   inception          no BN (convs with biases), base lr
//   bn-baseline        BN, base lr
//   bn-x5 / bn-x30     BN, 5× / 30× the base lr
//   bn-x5-sigmoid      BN, sigmoid instead of ReLU, 5× lr
//   inception-sigmoid  no BN, sigmoid, base lr (the paper: stays at chance)
// The paper's lrs are 0.0015 / 0.0075 / 0.045 on ImageNet; here the base is
// --base-lr (default 0.01) and the ratios 1 / 5 / 30 are kept. The recipe's
// other parts: L2 weight decay 2e-4 without BN and ×1/5 (4e-5) with BN; lr
// ×0.96 every 8 epochs without BN and 6× faster (every 8/6 epochs) with BN;
// no dropout; a fresh shuffle every epoch. Writes, under --out: one run folder
// per configuration, accuracy.svg (test accuracy vs steps), loss.svg and
// results.json (accuracies, steps to reach the no-BN net's best accuracy).
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { seed } from '../random.js';
import { parseDevice } from '../device.js';
import { type Dataset } from '../data/mnist.js';
import { fashionMnist } from '../data/fashion-mnist.js';
import { SGD } from '../optim/index.js';
import { BNInception, type Activation } from '../models/bn-inception.js';
import { trainClassifier } from '../train/classifier.js';
import { RunFolder, type MetricRow } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';
import { stepsToReach } from './common/curves.js';
import { terminalProgress } from './common/progress.js';

export interface BnInceptionConfig {
  name: string;
  batchNorm: boolean;
  activation: Activation;
  /** Multiple of the base learning rate. */
  lrScale: number;
}

export const BN_INCEPTION_CONFIGS: BnInceptionConfig[] = [
  { name: 'inception', batchNorm: false, activation: 'relu', lrScale: 1 },
  { name: 'bn-baseline', batchNorm: true, activation: 'relu', lrScale: 1 },
  { name: 'bn-x5', batchNorm: true, activation: 'relu', lrScale: 5 },
  { name: 'bn-x30', batchNorm: true, activation: 'relu', lrScale: 30 },
  { name: 'bn-x5-sigmoid', batchNorm: true, activation: 'sigmoid', lrScale: 5 },
  { name: 'inception-sigmoid', batchNorm: false, activation: 'sigmoid', lrScale: 1 },
];

/**
 * Images padded (centred, zeros) to size × size and standardised with the
 * training set's pixel mean and standard deviation (the paper's inputs are
 * mean-subtracted), as [n, size, size].
 */
export function padAndStandardise(ds: Dataset, size: number, mean: number, std: number): Dataset {
  const [n, h, w] = ds.shape;
  if (size < h || size < w) throw new Error(`train bn-inception: --size must be at least ${Math.max(h, w)}, got ${size}`);
  const top = Math.floor((size - h) / 2);
  const left = Math.floor((size - w) / 2);
  const images = new Float32Array(n * size * size).fill(-mean / std);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) images[(i * size + r + top) * size + c + left] = (ds.images[(i * h + r) * w + c]! - mean) / std;
    }
  }
  return { images, labels: ds.labels, shape: [n, size, size] };
}

export async function trainBnInceptionCommand(argv: string[]): Promise<void> {
  const values = parseCommand('train bn-inception', 'Batch Normalization §4.2 on Fashion-MNIST: BN-Inception (narrowed by --width) with and without BN, accuracy.svg and results.json', argv, {
    steps: { type: 'string', default: '1500', help: 'training steps per configuration' },
    'batch-size': { type: 'string', default: '32', help: 'images per step' },
    'base-lr': { type: 'string', default: '0.01', help: 'the no-BN learning rate; BN-x5 and BN-x30 scale it' },
    width: { type: 'string', default: '0.25', help: 'channel multiplier in (0, 1]' },
    size: { type: 'string', default: '32', help: 'input size (≥ 28; the 28×28 images are padded)' },
    configs: { type: 'string', default: BN_INCEPTION_CONFIGS.map((c) => c.name).join(','), help: 'which configurations to train' },
    'eval-every': { type: 'string', default: '100', help: 'steps between test evaluations' },
    'test-size': { type: 'string', default: '10000', help: 'test images per evaluation' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights and batches' },
    out: { type: 'string', default: 'runs/bn-inception', help: 'run folder' },
    resume: { type: 'boolean', default: false, help: 'continue from the run folder\'s checkpoints' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const int = (name: string, v: string, min = 0): number => intOption('train bn-inception', name, v, min);
  const steps = int('steps', values.steps, 1);
  const batchSize = int('batch-size', values['batch-size'], 2);
  const size = int('size', values.size, 28);
  const evalEvery = int('eval-every', values['eval-every'], 1);
  const testSize = int('test-size', values['test-size'], 1);
  const seedValue = int('seed', values.seed, 0);
  const baseLr = positiveOption('train bn-inception', 'base-lr', values['base-lr']);
  const width = Number(values.width);
  if (!(width > 0 && width <= 1)) throw new Error(`train bn-inception: --width must lie in (0, 1], got ${values.width}`);
  const names = values.configs.split(',');
  const configs = names.map((n) => BN_INCEPTION_CONFIGS.find((c) => c.name === n) ?? (() => {
    throw new Error(`train bn-inception: unknown config ${n}, expected some of ${BN_INCEPTION_CONFIGS.map((c) => c.name).join(', ')}`);
  })());
  const device = parseDevice('train bn-inception', values.device);
  const out = new RunFolder(values.out);

  const rawTrain = fashionMnist({ split: 'train' });
  const rawTest = fashionMnist({ split: 'test' });
  let s = 0;
  let q = 0;
  for (const v of rawTrain.images) {
    s += v;
    q += v * v;
  }
  const mean = s / rawTrain.images.length;
  const std = Math.sqrt(q / rawTrain.images.length - mean * mean);
  const train = padAndStandardise(rawTrain, size, mean, std);
  const fullTest = padAndStandardise(rawTest, size, mean, std);
  const n = Math.min(testSize, fullTest.shape[0]);
  const test: Dataset = { images: fullTest.images.subarray(0, n * size * size), labels: fullTest.labels.subarray(0, n), shape: [n, size, size] };
  const stepsPerEpoch = Math.floor(train.shape[0] / batchSize);

  const summary: Record<string, unknown> = {
    paper: 'Ioffe & Szegedy 2015, Batch Normalization, arXiv:1502.03167, §4.2: Inception vs BN-Baseline, BN-x5, BN-x30, BN-x5-Sigmoid',
    data: `Fashion-MNIST (Debian dataset-fashion-mnist), 60000 train / first ${n} test images, padded to ${size}×${size}, standardised (mean ${mean.toFixed(4)}, std ${std.toFixed(4)})`,
    model: `BN-Inception (Figure 5 table) with every channel count × ${width}, 1 input channel, global average pool, FC-10; 4c/4d pool projection 128`,
    recipe: 'SGD momentum 0.9, batch 32 unless --batch-size; weight decay 2e-4 (no BN) / 4e-5 (BN); lr × 0.96 every 8 epochs (no BN) / every 8/6 epochs (BN); no dropout; reshuffled every epoch',
    paperLearningRates: { inception: 0.0015, 'bn-baseline': 0.0015, 'bn-x5': 0.0075, 'bn-x30': 0.045, 'bn-x5-sigmoid': 0.0075 },
    baseLr,
    steps,
    batchSize,
    evalEvery,
    seed: seedValue,
    device,
    configs: {} as Record<string, unknown>,
  };
  const rowsOf: Record<string, MetricRow[]> = {};
  for (const cfg of configs) {
    const run = new RunFolder(out.path(cfg.name));
    seed(seedValue);
    const model = new BNInception({ numClasses: 10, inChannels: 1, widthMultiplier: width, batchNorm: cfg.batchNorm, activation: cfg.activation, device });
    const lr0 = baseLr * cfg.lrScale;
    const decaySteps = Math.max(1, Math.round((8 * stepsPerEpoch) / (cfg.batchNorm ? 6 : 1)));
    const optimizer = new SGD(model.parameters(), { lr: lr0, momentum: 0.9, weightDecay: cfg.batchNorm ? 4e-5 : 2e-4 });
    const result = trainClassifier({
      model,
      progress: terminalProgress,
      optimizer,
      train,
      test,
      steps,
      batchSize,
      exampleShape: [1, size, size],
      evalEvery,
      seed: seedValue,
      device,
      run,
      resume: values.resume,
      label: cfg.name.padEnd(17),
      onStep: (step) => {
        optimizer.lr = lr0 * 0.96 ** Math.floor(step / decaySteps);
      },
    });
    (summary.configs as Record<string, unknown>)[cfg.name] = { ...cfg, lr: lr0, decayEverySteps: decaySteps, finalTestAccuracy: result.testAccuracy, lastLoss: result.lastLoss, seconds: result.seconds };
    model.dispose();
    rowsOf[cfg.name] = run.readMetrics();
  }

  const acc = (rows: MetricRow[]): MetricRow[] => rows.filter((r) => typeof r.testAccuracy === 'number');
  const series = Object.entries(rowsOf).map(([name, rows]) => ({
    label: name,
    x: acc(rows).map((r) => r.step),
    y: acc(rows).map((r) => Number(r.testAccuracy)),
    dashed: name.includes('sigmoid'),
  }));
  writeLinePlot(out.path('accuracy.svg'), series, { title: `BN-Inception ×${width} on Fashion-MNIST ${size}×${size}: test accuracy`, xLabel: 'training step (batch 32)', yLabel: 'test accuracy' });
  writeLinePlot(
    out.path('loss.svg'),
    Object.entries(rowsOf).map(([name, rows]) => ({ label: name, x: rows.filter((r) => typeof r.loss === 'number').map((r) => r.step), y: rows.filter((r) => typeof r.loss === 'number').map((r) => Number(r.loss)), dashed: name.includes('sigmoid') })),
    { title: 'training loss', xLabel: 'training step', yLabel: 'cross-entropy (nats)', logY: true },
  );
  const best = (rows: MetricRow[]): number => Math.max(...acc(rows).map((r) => Number(r.testAccuracy)));
  const table: Record<string, unknown> = {};
  const base = rowsOf.inception && acc(rowsOf.inception).length ? best(rowsOf.inception) : undefined;
  const baseSteps = base === undefined ? null : stepsToReach(acc(rowsOf.inception!), base);
  for (const [name, rows] of Object.entries(rowsOf)) {
    const a = acc(rows);
    const reach = base === undefined ? null : stepsToReach(a, base);
    table[name] = {
      bestTestAccuracy: best(rows),
      finalTestAccuracy: a.length ? Number(a[a.length - 1]!.testAccuracy) : null,
      stepsToInceptionBest: reach,
      speedup: reach !== null && baseSteps !== null ? baseSteps / reach : null,
    };
  }
  summary.comparison = { inceptionBestAccuracy: base ?? null, inceptionStepsToBest: baseSteps, byConfig: table, note: `steps counted at evaluations every ${evalEvery} steps` };
  const curves = Object.fromEntries(Object.entries(rowsOf).map(([k, rows]) => [k, { steps: acc(rows).map((r) => r.step), testAccuracy: acc(rows).map((r) => r.testAccuracy) }]));
  writeFileAtomic(out.path('results.json'), JSON.stringify({ ...summary, curves }, null, 2) + '\n');
  console.log(`bn-inception (width ${width}, ${size}×${size}, ${steps} steps):`);
  for (const [name, r] of Object.entries(table) as [string, { bestTestAccuracy: number; stepsToInceptionBest: number | null; speedup: number | null }][]) {
    console.log(
      `  ${name.padEnd(18)} best ${(r.bestTestAccuracy * 100).toFixed(2)}%  steps to Inception's best: ${r.stepsToInceptionBest ?? 'never'}${r.speedup ? ` (${r.speedup.toFixed(1)}× fewer)` : ''}`,
    );
  }
  console.log(`→ ${out.dir}`);
}
