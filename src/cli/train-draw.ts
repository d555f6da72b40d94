// `foveate train draw` and `foveate sample draw`: DRAW on binarised MNIST (with
// and without attention), two-digit 60×60 MNIST, or the colour presets on the
// colour data foveate can get; writes metrics.jsonl, a resumable checkpoint,
// samples.png, sequence.png, sequence.gif, loss.svg and results.json.
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { terminalProgress } from './common/progress.js';
import { seed as seedRng } from '../random.js';
import { parseDevice, type DeviceName } from '../device.js';
import { binarizedMnist, BINARIZE_SEED } from '../data/mnist.js';
import { twoDigitMnist } from '../data/two-digits.js';
import { Adam } from '../optim/index.js';
import { DRAW, DRAW_PRESETS, type DrawConfig, type DrawPreset, type ImageSet } from '../models/draw.js';
import { loadDrawCheckpoint, readDrawConfig, trainDraw } from '../train/draw.js';
import { writeDrawPictures } from '../train/draw-pictures.js';
import { RunFolder } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface DrawData {
  train: ImageSet;
  test: ImageSet;
  /** How the data was made (goes into results.json). */
  description: string;
}

/** The training and test images of a preset. */
export async function drawData(preset: DrawPreset): Promise<DrawData> {
  const bin = binarizedMnist();
  switch (preset) {
    case 'mnist':
    case 'mnist-noattn':
      return {
        train: bin.train,
        test: bin.test,
        description: `binarised MNIST (train = first 50,000 MNIST training images, test = the 10,000 test images; one Bernoulli draw per pixel, Philox seed ${BINARIZE_SEED})`,
      };
    case 'two-digits':
      return {
        train: twoDigitMnist(bin.train, { count: 50000, seed: 1 }),
        test: twoDigitMnist(bin.test, { count: 10000, seed: 2 }),
        description: 'two-digit 60×60 MNIST: two binarised MNIST digits at uniform random places, added and clipped at 1 (train from the 50k training digits, seed 1; test from the test digits, seed 2)',
      };
    case 'svhn':
    case 'cifar': {
      const { colourImages } = await import('../data/colour.js');
      const size = DRAW_PRESETS[preset].width;
      const d = colourImages({ size });
      return { train: d.train, test: d.test, description: `${d.description} (SVHN and CIFAR-10 are not obtainable here; the ${preset} architecture runs on these)` };
    }
  }
}


function checkPreset(cmd: string, p: string): DrawPreset {
  if (!(p in DRAW_PRESETS)) throw new Error(`${cmd}: --preset must be one of ${Object.keys(DRAW_PRESETS).join(', ')}, got ${p}`);
  return p as DrawPreset;
}

/** loss.svg from the run's metrics: training loss and the test bound against steps. */
function writeCurves(run: RunFolder, label: string): void {
  const rows = run.readMetrics();
  const test = rows.filter((r) => typeof r.testNll === 'number');
  writeLinePlot(
    run.path('loss.svg'),
    [
      { label: 'training bound (batch)', x: rows.map((r) => r.step), y: rows.map((r) => Number(r.loss)) },
      ...(test.length ? [{ label: 'test bound', x: test.map((r) => r.step), y: test.map((r) => Number(r.testNll)) }] : []),
    ],
    { title: `DRAW ${label}`, xLabel: 'step', yLabel: 'nats per image', logY: true },
  );
}

export async function trainDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'train draw';
  const values = parseCommand(cmd, 'DRAW on its datasets: metrics.jsonl, a resumable checkpoint, samples.png, sequence.png/.gif, loss.svg', argv, {
    preset: { type: 'string', default: 'mnist', help: 'mnist | mnist-noattn | two-digits | svhn | cifar' },
    steps: { type: 'string', default: '10000', help: 'training steps' },
    'batch-size': { type: 'string', default: '64', help: 'images per step' },
    lr: { type: 'string', default: '0.001', help: 'Adam learning rate' },
    clip: { type: 'string', default: '10', help: 'global gradient-norm clip, 0 = off' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights, batches and noise' },
    'eval-every': { type: 'string', help: 'steps between test-bound evaluations (default steps/10)' },
    'eval-limit': { type: 'string', help: 'test images per evaluation (default all)' },
    'checkpoint-every': { type: 'string', help: 'steps between checkpoints (default: eval-every)' },
    'keep-every': { type: 'string', help: 'also keep checkpoint-STEP.safetensors every this many steps' },
    out: { type: 'string', help: 'run folder (default runs/draw-PRESET)' },
    resume: { type: 'boolean', default: false, help: 'continue from the run folder\'s checkpoint' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const preset = checkPreset(cmd, values.preset);
  const steps = intOption(cmd, 'steps', values.steps);
  const batchSize = intOption(cmd, 'batch-size', values['batch-size'], 1);
  const lr = positiveOption(cmd, 'lr', values.lr);
  const clip = Number(values.clip);
  if (!(clip >= 0)) throw new Error(`${cmd}: --clip must be ≥ 0 (0 = off), got ${values.clip}`);
  const device = parseDevice(cmd, values.device);
  const evalEvery = values['eval-every'] === undefined ? undefined : intOption(cmd, 'eval-every', values['eval-every'], 1);
  const evalLimit = values['eval-limit'] === undefined ? undefined : intOption(cmd, 'eval-limit', values['eval-limit'], 1);
  const checkpointEvery = values['checkpoint-every'] === undefined ? undefined : intOption(cmd, 'checkpoint-every', values['checkpoint-every'], 1);
  const keepEvery = values['keep-every'] === undefined ? undefined : intOption(cmd, 'keep-every', values['keep-every'], 1);
  const run = new RunFolder(values.out ?? `runs/draw-${preset}`);
  await trainDrawRun({ preset, steps, batchSize, lr, clip, seed: intOption(cmd, 'seed', values.seed), evalEvery, evalLimit, checkpointEvery, keepEvery, run, resume: values.resume, device });
}

export interface DrawRunOptions {
  preset: DrawPreset;
  /** Overrides of the preset's architecture (e.g. a shorter T for a quick run). */
  override?: Partial<DrawConfig>;
  steps: number;
  batchSize: number;
  lr: number;
  clip: number;
  seed: number;
  evalEvery?: number;
  evalLimit?: number;
  checkpointEvery?: number;
  keepEvery?: number;
  run: RunFolder;
  resume: boolean;
  device: DeviceName;
}

/** Trains, then writes the pictures, loss.svg and results.json; returns the summary. */
export async function trainDrawRun(o: DrawRunOptions): Promise<Record<string, unknown>> {
  const data = await drawData(o.preset);
  seedRng(o.seed);
  const model = new DRAW({ ...DRAW_PRESETS[o.preset], ...o.override }, { device: o.device });
  const optimizer = new Adam(model.parameters(), { lr: o.lr });
  const result = trainDraw({
    model,
    progress: terminalProgress,
    optimizer,
    train: data.train,
    test: data.test,
    steps: o.steps,
    batchSize: o.batchSize,
    clip: o.clip,
    seed: o.seed,
    evalEvery: o.evalEvery,
    evalLimit: o.evalLimit,
    checkpointEvery: o.checkpointEvery,
    keepEvery: o.keepEvery,
    device: o.device,
    run: o.run,
    resume: o.resume,
    label: `draw ${o.preset}`,
  });
  const pictures = writeDrawPictures(model, o.run.dir);
  writeCurves(o.run, o.preset);
  const rows = o.run.readMetrics();
  const summary = {
    preset: o.preset,
    config: model.config,
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    clip: o.clip,
    device: o.device,
    data: data.description,
    testNllBound: result.testNll,
    testImages: o.evalLimit ? Math.min(o.evalLimit, data.test.shape[0]!) : data.test.shape[0],
    lastLoss: result.lastLoss,
    secondsThisInvocation: result.seconds,
    secondsTotal: Number(rows[rows.length - 1]?.seconds ?? result.seconds),
    pictures,
  };
  writeFileAtomic(o.run.path('results.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`DRAW ${o.preset}: test NLL bound ≤ ${result.testNll.toFixed(2)} nats after ${o.steps} steps → ${o.run.dir}`);
  model.dispose();
  return summary;
}

export async function sampleDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'sample draw';
  const values = parseCommand(cmd, 'pictures from a trained DRAW checkpoint: samples.png, sequence.png, sequence.gif', argv, {
    checkpoint: { type: 'string', help: 'a DRAW checkpoint (.safetensors), required' },
    out: { type: 'string', default: 'runs/draw-samples', help: 'output folder' },
    seed: { type: 'string', default: '1', help: 'seed of the latent samples' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  if (!values.checkpoint) throw new Error(`${cmd}: --checkpoint is required`);
  const device = parseDevice(cmd, values.device);
  // Everything that can fail on the checkpoint runs before the output folder is touched.
  const config = readDrawConfig(values.checkpoint);
  const model = new DRAW(config, { device });
  loadDrawCheckpoint(values.checkpoint, model);
  const run = new RunFolder(values.out);
  const p = writeDrawPictures(model, run.dir, { seed: intOption(cmd, 'seed', values.seed) });
  console.log(`wrote ${p.samples}, ${p.sequencePng}, ${p.sequenceGif}`);
  model.dispose();
}

/** The dataset a checkpoint's model was made for, from its image size. */
function presetOfConfig(c: DrawConfig): DrawPreset {
  if (c.channels === 3) return c.width === DRAW_PRESETS.svhn.width ? 'svhn' : 'cifar';
  return c.width === DRAW_PRESETS['two-digits'].width ? 'two-digits' : 'mnist';
}

/**
 * `foveate eval draw --checkpoint F [--limit N] [--seed S] [--json]`: the test
 * NLL bound (nats per image, one z sample per image) of a saved model on the
 * test set of its data — the number to compare with the paper's.
 */
export async function evalDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'eval draw';
  const values = parseCommand(cmd, 'the test NLL bound of a trained DRAW checkpoint', argv, {
    checkpoint: { type: 'string', help: 'a DRAW checkpoint (.safetensors), required' },
    limit: { type: 'string', help: 'evaluate only the first N test images (default all)' },
    seed: { type: 'string', default: '0', help: 'seed of the latent samples (one per image)' },
    samples: { type: 'string', default: '1', help: 'K > 1 adds the importance-weighted bound (IWAE) with K samples per image' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
    json: { type: 'boolean', default: false, help: 'print one JSON line' },
  });
  if (!values) return;
  if (!values.checkpoint) throw new Error(`${cmd}: --checkpoint is required`);
  const device = parseDevice(cmd, values.device);
  const config = readDrawConfig(values.checkpoint);
  const model = new DRAW(config, { device });
  const step = loadDrawCheckpoint(values.checkpoint, model);
  const { test, description } = await drawData(presetOfConfig(config));
  const limit = values.limit === undefined ? undefined : intOption(cmd, 'limit', values.limit, 1);
  const t0 = performance.now();
  const seed = intOption(cmd, 'seed', values.seed);
  const samples = intOption(cmd, 'samples', values.samples, 1);
  const r = model.nllBound(test, { seed, ...(limit === undefined ? {} : { limit }) });
  const iw = samples > 1 ? model.iwaeBound(test, { samples, seed, ...(limit === undefined ? {} : { limit }) }) : undefined;
  const images = Math.min(limit ?? Infinity, test.shape[0]!);
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  const result = { checkpoint: values.checkpoint, step, attention: config.attention, testImages: images, nll: r.nll, lx: r.lx, lz: r.lz, ...(iw ? { iwae: iw.iwae, iwaeSamples: samples } : {}), seconds, data: description };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`${values.checkpoint} (step ${step}, ${config.attention ? 'attention' : 'no attention'}), ${images} test images, ${seconds.toFixed(0)} s`);
    console.log(`  one-sample bound:       −log p(x) ≤ ${r.nll.toFixed(2)} nats (Lx ${r.lx.toFixed(2)} + Lz ${r.lz.toFixed(2)})`);
    if (iw) console.log(`  IWAE bound, K = ${String(samples).padEnd(5)} −log p(x) ≤ ${iw.iwae.toFixed(2)} nats`);
  }
}

/**
 * `npm start`: a short DRAW run on the embedded binarised MNIST that takes a few
 * minutes on 2 CPU cores and leaves recognisable digits in runs/start/samples.png:
 * the no-attention model (it learns fastest early) with T = 10 and 12 latents
 * per step, 256 LSTM units, batch 64, Adam 2e-3. `--steps N` changes the length.
 */
export async function startCommand(argv: string[]): Promise<void> {
  const values = parseCommand('start', 'a short DRAW run (no attention, T = 10) that leaves digits in OUT/samples.png', argv, {
    steps: { type: 'string', default: '800', help: 'training steps' },
    out: { type: 'string', default: 'runs/start', help: 'run folder' },
  });
  if (!values) return;
  const steps = intOption('start', 'steps', values.steps, 1);
  const run = new RunFolder(values.out);
  console.log(`\nDRAW without attention, T = 10, on binarised MNIST for ${steps} steps → ${run.dir}/samples.png, sequence.png, sequence.gif, loss.svg`);
  console.log('(the full models: foveate train draw --preset mnist | mnist-noattn; see README)');
  await trainDrawRun({
    preset: 'mnist-noattn',
    override: { T: 10, zSize: 12 },
    steps,
    batchSize: 64,
    lr: 2e-3,
    clip: 10,
    seed: 0,
    evalEvery: steps,
    evalLimit: 1000,
    run,
    resume: false,
    device: 'cpu',
  });
}
