// `foveate train draw` and `npm start`: DRAW on binarised MNIST (with and without
// attention), two-digit 60×60 MNIST, or the colour presets on the colour data
// foveate can get. A run folder holds metrics.jsonl, checkpoint.safetensors
// (resumable, with the lr schedule's state), best.safetensors (the best
// validation bound), samples.png, sequence.png/.gif, loss.svg and results.json
// with the test bound of the best weights.
import { existsSync } from 'node:fs';
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { terminalProgress } from './common/progress.js';
import { getRngState, seed as seedRng, setRngState } from '../random.js';
import { parseDevice, type DeviceName } from '../device.js';
import { Adam } from '../optim/index.js';
import { DRAW, DRAW_PRESETS, type DrawConfig, type DrawPreset } from '../models/draw.js';
import { loadDrawCheckpoint, readDrawConfig, readDrawExtras, trainDraw } from '../train/draw.js';
import { drawData } from '../train/draw-data.js';
import { loadDrawWeights, pretrainedDrawPath } from '../train/draw-weights.js';
import { writeDrawPictures } from '../train/draw-pictures.js';
import { RunFolder } from '../train/run-folder.js';
import { drawCurves } from '../train/draw-curves.js';
import { writeFileAtomic } from '../io/atomic.js';

function checkPreset(cmd: string, p: string): DrawPreset {
  if (!(p in DRAW_PRESETS)) throw new Error(`${cmd}: --preset must be one of ${Object.keys(DRAW_PRESETS).join(', ')}, got ${p}`);
  return p as DrawPreset;
}

/** loss.svg: the run's curves as `plot draw` draws them (bound and validation above, lr below). */
function writeCurves(run: RunFolder, label: string): void {
  writeFileAtomic(run.path('loss.svg'), drawCurves([{ label, rows: run.readMetrics() }], `DRAW ${label}`));
}

export async function trainDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'train draw';
  const values = parseCommand(cmd, 'DRAW on its datasets: metrics.jsonl, a resumable checkpoint, best.safetensors (best validation bound), samples.png, sequence.png/.gif, loss.svg, results.json (test bound of the best weights)', argv, {
    preset: { type: 'string', default: 'mnist', help: 'mnist | mnist-noattn | two-digits | svhn | cifar' },
    steps: { type: 'string', default: '10000', help: 'training steps' },
    'batch-size': { type: 'string', default: '64', help: 'images per step' },
    lr: { type: 'string', default: '0.001', help: "Adam learning rate at step 0 (a resumed run continues at its checkpoint's)" },
    'lr-decay': { type: 'string', default: '0.5', help: 'multiply the lr by this after PATIENCE validations in a row without a new best (1 = never)' },
    patience: { type: 'string', default: '5', help: 'validations without a new best before the lr decays' },
    'min-lr': { type: 'string', default: '0.00001', help: 'the lr never decays below this' },
    clip: { type: 'string', default: '10', help: 'global gradient-norm clip, 0 = off' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights, batches and noise' },
    'eval-every': { type: 'string', help: 'steps between validation bounds (MNIST training images 50,000–59,999; default steps/10)' },
    'eval-limit': { type: 'string', help: 'validation images per evaluation (default all 10,000)' },
    'test-limit': { type: 'string', help: 'test images for the final test bound of the best weights (default all)' },
    'checkpoint-every': { type: 'string', help: 'steps between checkpoints (default: eval-every)' },
    'keep-every': { type: 'string', help: 'also keep checkpoint-STEP.safetensors every this many steps' },
    out: { type: 'string', help: 'run folder (default runs/draw-PRESET)' },
    resume: { type: 'boolean', default: false, help: "continue from the run folder's checkpoint" },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const preset = checkPreset(cmd, values.preset);
  const steps = intOption(cmd, 'steps', values.steps);
  const batchSize = intOption(cmd, 'batch-size', values['batch-size'], 1);
  const lr = positiveOption(cmd, 'lr', values.lr);
  const lrDecay = Number(values['lr-decay']);
  if (!(lrDecay > 0 && lrDecay <= 1)) throw new Error(`${cmd}: --lr-decay must be in (0, 1] (1 = never decay), got ${values['lr-decay']}`);
  const patience = intOption(cmd, 'patience', values.patience, 1);
  const minLr = Number(values['min-lr']);
  if (!(minLr >= 0) || values['min-lr'].trim() === '') throw new Error(`${cmd}: --min-lr must be a number ≥ 0, got ${values['min-lr']}`);
  const clip = Number(values.clip);
  if (!(clip >= 0)) throw new Error(`${cmd}: --clip must be ≥ 0 (0 = off), got ${values.clip}`);
  const device = parseDevice(cmd, values.device);
  const optional = (name: 'eval-every' | 'eval-limit' | 'test-limit' | 'checkpoint-every' | 'keep-every'): number | undefined => (values[name] === undefined ? undefined : intOption(cmd, name, values[name], 1));
  const run = new RunFolder(values.out ?? `runs/draw-${preset}`);
  await trainDrawRun({
    preset,
    steps,
    batchSize,
    lr,
    plateau: { factor: lrDecay, patience, minLr },
    clip,
    seed: intOption(cmd, 'seed', values.seed),
    evalEvery: optional('eval-every'),
    evalLimit: optional('eval-limit'),
    testLimit: optional('test-limit'),
    checkpointEvery: optional('checkpoint-every'),
    keepEvery: optional('keep-every'),
    run,
    resume: values.resume,
    device,
  });
}

export interface DrawRunOptions {
  preset: DrawPreset;
  /** Overrides of the preset's architecture (e.g. a shorter T for a quick run). */
  override?: Partial<DrawConfig>;
  steps: number;
  batchSize: number;
  lr: number;
  plateau?: { factor?: number; patience?: number; minLr?: number };
  clip: number;
  seed: number;
  evalEvery?: number;
  evalLimit?: number;
  testLimit?: number;
  checkpointEvery?: number;
  keepEvery?: number;
  run: RunFolder;
  resume: boolean;
  device: DeviceName;
}

/** The weights in best.safetensors (with their record), or undefined when the run has none. */
function loadBest(run: RunFolder, config: DrawConfig, device: DeviceName): { model: DRAW; step: number; validNll: number; validImages: number } | undefined {
  const path = run.path('best.safetensors');
  if (!existsSync(path)) return undefined;
  const { best } = readDrawExtras(path);
  if (!best) return undefined;
  const saved = getRngState(); // a new model draws initial weights; the run's stream stays put
  const model = new DRAW(config, { device });
  setRngState(saved);
  loadDrawCheckpoint(path, model);
  setRngState(saved);
  return { model, ...best };
}

/** Trains, then writes the pictures and loss.svg of the best weights and results.json with their test bound; returns the summary. */
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
    ...(data.valid ? { valid: data.valid } : {}),
    steps: o.steps,
    batchSize: o.batchSize,
    clip: o.clip,
    seed: o.seed,
    evalEvery: o.evalEvery,
    evalLimit: o.evalLimit,
    ...(o.plateau ? { plateau: o.plateau } : {}),
    checkpointEvery: o.checkpointEvery,
    keepEvery: o.keepEvery,
    device: o.device,
    run: o.run,
    resume: o.resume,
    label: `draw ${o.preset}`,
  });
  // The test set is read once, here, for the weights the validation chose (the last ones without a validation set).
  const best = loadBest(o.run, model.config, o.device);
  const reported = best?.model ?? model;
  const testImages = Math.min(o.testLimit ?? Infinity, data.test.shape[0]!);
  const t0 = performance.now();
  const test = reported.nllBound(data.test, { limit: testImages });
  const testSeconds = (performance.now() - t0) / 1000;
  const bestStep = best?.step ?? o.steps;
  o.run.log({ step: o.steps, bestStep, ...(best ? { bestValidNll: best.validNll } : {}), testNllBest: test.nll, testImages });
  const pictures = writeDrawPictures(reported, o.run.dir);
  writeCurves(o.run, o.preset);
  const rows = o.run.readMetrics();
  const last = [...rows].reverse().find((r) => typeof r.seconds === 'number');
  const summary = {
    preset: o.preset,
    config: model.config,
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    plateau: o.plateau ?? {},
    finalLr: result.lr,
    clip: o.clip,
    device: o.device,
    data: data.description,
    bestStep,
    bestValidNll: best?.validNll ?? null,
    validImages: best?.validImages ?? null,
    testNllBound: test.nll,
    testLx: test.lx,
    testLz: test.lz,
    testImages,
    testSeconds,
    lastLoss: result.lastLoss,
    secondsThisInvocation: result.seconds,
    secondsTotal: Number(last?.seconds ?? result.seconds),
    pictures,
  };
  writeFileAtomic(o.run.path('results.json'), JSON.stringify(summary, null, 2) + '\n');
  const chosen = best ? `the best validation weights (step ${best.step}, validation ≤ ${best.validNll.toFixed(2)} on ${best.validImages} images)` : 'the last weights (no validation set)';
  console.log(`DRAW ${o.preset}: test NLL bound ≤ ${test.nll.toFixed(2)} nats on ${testImages} test images, ${chosen}, after ${o.steps} steps → ${o.run.dir}`);
  best?.model.dispose();
  model.dispose();
  return summary;
}

/** Pictures of the shipped attention model in DIR/pretrained (a second or two): what a trained DRAW draws. */
function showPretrained(dir: string): void {
  const path = pretrainedDrawPath('mnist', 'start');
  const t0 = performance.now();
  const model = new DRAW(readDrawConfig(path));
  try {
    const step = loadDrawWeights(path, model);
    const out = new RunFolder(`${dir}/pretrained`);
    const p = writeDrawPictures(model, out.dir);
    console.log(`\nDRAW with attention, trained ${step} steps (the shipped weights/draw-mnist.safetensors), drew in ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
    console.log(`  ${p.samples}\n  ${p.sequencePng}\n  ${p.sequenceGif}  (the canvas over its ${model.config.T} steps, red: the write window)`);
  } finally {
    model.dispose();
  }
}

/**
 * `npm start`: first the shipped, trained attention model's samples and
 * generation sequence (PNG and GIF, in seconds), then a short DRAW run on the
 * embedded binarised MNIST that takes a few minutes on 2 CPU cores and leaves
 * recognisable digits in runs/start/samples.png: the no-attention model (it
 * learns fastest early) with T = 10 and 12 latents per step, 256 LSTM units,
 * batch 64, Adam 2e-3. `--steps N` changes the length.
 */
export async function startCommand(argv: string[]): Promise<void> {
  const values = parseCommand('start', "the shipped DRAW's pictures in OUT/pretrained, then a short DRAW run (no attention, T = 10) that leaves digits in OUT/samples.png", argv, {
    steps: { type: 'string', default: '800', help: 'training steps' },
    out: { type: 'string', default: 'runs/start', help: 'run folder' },
  });
  if (!values) return;
  const steps = intOption('start', 'steps', values.steps, 1);
  const run = new RunFolder(values.out);
  showPretrained(run.dir);
  console.log(`\nNow training one from scratch: DRAW without attention, T = 10, on binarised MNIST for ${steps} steps → ${run.dir}/samples.png, sequence.png, sequence.gif, loss.svg`);
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
    testLimit: 1000,
    run,
    resume: false,
    device: 'cpu',
  });
}
