// `foveate train dram`, `foveate eval dram`, `foveate data cluttered`: DRAW's
// Differentiable RAM and the two-layer conv net on 100×100 cluttered MNIST (Table 1,
// Fig 5). A run folder holds metrics.jsonl, checkpoint.safetensors (resumable),
// best.safetensors (the best validation error), error.svg, glimpses.png/.gif and
// results.json with the test error of the best weights on the fixed test set.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { ProgressBar } from './common/progress.js';
import { seed as seedRng } from '../random.js';
import { parseDevice } from '../device.js';
import { packageDir } from '../package-dir.js';
import { clutteredMnist, CLUTTERED_TEST_SEED, CLUTTERED_VALID_SEED } from '../data/cluttered.js';
import { IDX_IMAGES, IDX_LABELS, readIdx } from '../data/idx.js';
import { imageGrid } from '../viz/grid.js';
import { writePng } from '../viz/png.js';
import { Adam } from '../optim/index.js';
import { ClutteredConvNet, DRAM, type ClutteredClassifier } from '../models/dram.js';
import { errorRate, modelFromCheckpoint, trainDram, type LabelledImages } from '../train/dram.js';
import { writeGlimpsePictures } from '../train/dram-pictures.js';
import { RunFolder } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';

/** The shipped 8-glimpse weights (`--pretrained`). */
export function pretrainedDramPath(): string {
  return join(packageDir, 'weights', 'dram-8.safetensors');
}

const DATA_NOTE = `100×100 cluttered MNIST (Gregor et al. 2015, DRAW, arXiv:1502.04623, §4.1): 8 distractor 8×8 crops of random MNIST training digits, the digit at a uniform random place, added and clipped at 1; training digits MNIST train 0–49,999 (generated on the fly), validation 10,000 images of digits 50,000–59,999 (seed ${CLUTTERED_VALID_SEED}), test the fixed 10,000 images of MNIST test digits (seed ${CLUTTERED_TEST_SEED})`;

function writeCurves(run: RunFolder, label: string): void {
  const rows = run.readMetrics();
  const valid = rows.filter((r) => typeof r.validError === 'number');
  writeLinePlot(
    run.path('error.svg'),
    [
      { label: 'training error (batches)', x: rows.map((r) => r.step), y: rows.map((r) => Number(r.trainError)) },
      ...(valid.length ? [{ label: 'validation error', x: valid.map((r) => r.step), y: valid.map((r) => Number(r.validError)) }] : []),
    ],
    { title: label, xLabel: 'step', yLabel: 'error', logY: true },
  );
}

const pct = (e: number): string => `${(e * 100).toFixed(2)}%`;

export async function trainDramCommand(argv: string[]): Promise<void> {
  const cmd = 'train dram';
  const values = parseCommand(cmd, 'Differentiable RAM (or --model conv) on 100×100 cluttered MNIST: metrics.jsonl, checkpoints, best.safetensors, glimpses.png/.gif, results.json', argv, {
    model: { type: 'string', default: 'dram', help: 'dram | conv (the two-layer conv baseline of Table 1)' },
    glimpses: { type: 'string', default: '8', help: 'glimpses T' },
    'read-n': { type: 'string', default: '12', help: 'glimpse size N (N×N)' },
    'lstm-size': { type: 'string', default: '256', help: 'LSTM units' },
    'attention-gain': { type: 'string', default: '0.3', help: 'gain a of the attention head, p = a·W h + b (smaller: windows move more slowly)' },
    steps: { type: 'string', default: '100000', help: 'training steps' },
    'batch-size': { type: 'string', default: '64', help: 'images per step' },
    lr: { type: 'string', default: '0.001', help: 'Adam learning rate at step 0' },
    'halve-every': { type: 'string', default: '50000', help: 'halve the learning rate every this many steps (0 = never)' },
    clip: { type: 'string', default: '10', help: 'global gradient-norm clip, 0 = off' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights and the training images' },
    'eval-every': { type: 'string', default: '1000', help: 'steps between validation errors' },
    'eval-limit': { type: 'string', default: '10000', help: 'validation images per evaluation' },
    'checkpoint-every': { type: 'string', default: '500', help: 'steps between checkpoints' },
    'test-limit': { type: 'string', default: '10000', help: 'test images for the final test error' },
    out: { type: 'string', help: 'run folder (default runs/dram-T or runs/dram-conv)' },
    resume: { type: 'boolean', default: false, help: "continue from the run folder's checkpoint" },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const kind = values.model;
  if (kind !== 'dram' && kind !== 'conv') throw new Error(`${cmd}: --model must be dram or conv, got ${kind}`);
  const glimpses = intOption(cmd, 'glimpses', values.glimpses, 1);
  const readN = intOption(cmd, 'read-n', values['read-n'], 1);
  const lstmSize = intOption(cmd, 'lstm-size', values['lstm-size'], 1);
  const attentionGain = positiveOption(cmd, 'attention-gain', values['attention-gain']);
  const steps = intOption(cmd, 'steps', values.steps);
  const batchSize = intOption(cmd, 'batch-size', values['batch-size'], 1);
  const lr = positiveOption(cmd, 'lr', values.lr);
  const halveEvery = intOption(cmd, 'halve-every', values['halve-every']);
  const clip = Number(values.clip);
  if (!(clip >= 0)) throw new Error(`${cmd}: --clip must be ≥ 0 (0 = off), got ${values.clip}`);
  const seed = intOption(cmd, 'seed', values.seed);
  const evalEvery = intOption(cmd, 'eval-every', values['eval-every'], 1);
  const evalLimit = intOption(cmd, 'eval-limit', values['eval-limit'], 1);
  const checkpointEvery = intOption(cmd, 'checkpoint-every', values['checkpoint-every'], 1);
  const testLimit = intOption(cmd, 'test-limit', values['test-limit'], 1);
  const device = parseDevice(cmd, values.device);
  const run = new RunFolder(values.out ?? (kind === 'conv' ? 'runs/dram-conv' : `runs/dram-${glimpses}`));

  seedRng(seed);
  const model: ClutteredClassifier = kind === 'conv' ? new ClutteredConvNet({}, { device }) : new DRAM({ glimpses, readN, lstmSize, attentionGain }, { device });
  const label = kind === 'conv' ? 'conv net' : `DRAM ${glimpses} glimpses ${readN}×${readN}`;
  const optimizer = new Adam(model.parameters(), { lr });
  const train = clutteredMnist({ split: 'train', seed });
  const valid = clutteredMnist({ split: 'valid' });
  const test = clutteredMnist({ split: 'test' });
  const pictures = (m: ClutteredClassifier): void => {
    if (m instanceof DRAM) writeGlimpsePictures(m, test, run.dir);
  };
  // The bar counts this invocation's steps (made at the first step, when a resumed run's start is known).
  let bar: ProgressBar | undefined;
  let shown = 0;
  const result = trainDram({
    model,
    optimizer,
    train,
    valid,
    steps,
    batchSize,
    lr,
    halveEvery,
    clip,
    evalEvery,
    evalLimit,
    checkpointEvery,
    device,
    run,
    resume: values.resume,
    onProgress: (p) => {
      if (!bar) {
        shown = p.step - 1;
        bar = new ProgressBar({ total: steps, initial: shown, label: `dram ${kind === 'conv' ? 'conv' : glimpses}`, unit: 'steps' });
      }
      bar.tick(p.step - shown, `loss ${p.loss.toFixed(3)}${Number.isNaN(p.validError) ? '' : ` valid ${pct(p.validError)} (best ${pct(p.bestValidError)})`}`);
      shown = p.step;
    },
    onEvaluate: () => pictures(model),
  });
  // The test error of the best-validation weights (the last weights when there are none).
  const bestPath = run.path('best.safetensors');
  let reported: ClutteredClassifier = model;
  let reportedStep = steps;
  if (existsSync(bestPath)) {
    const loaded = modelFromCheckpoint(bestPath, device);
    reported = loaded.model;
    reportedStep = loaded.step;
  }
  const t0 = performance.now();
  const testResult = errorRate(reported, test, { limit: testLimit });
  pictures(reported);
  writeCurves(run, label);
  const rows = run.readMetrics();
  const summary = {
    model: kind,
    config: model.config,
    steps,
    batchSize,
    lr,
    halveEvery,
    clip,
    seed,
    device,
    data: DATA_NOTE,
    bestStep: reportedStep,
    bestValidError: result.bestValidError,
    testError: testResult.error,
    testImages: testResult.images,
    testSeconds: (performance.now() - t0) / 1000,
    secondsTotal: Number(rows[rows.length - 1]?.seconds ?? result.seconds),
    paper: { 'DRAM 8 glimpses': 0.0336, 'DRAM 4 glimpses': 0.0418, 'conv net 2 layers': 0.1435 },
  };
  writeFileAtomic(run.path('results.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`${label}: test error ${pct(testResult.error)} on ${testResult.images} test images (weights of step ${reportedStep}, validation ${pct(result.bestValidError)}) after ${steps} steps → ${run.dir}`);
  if (reported !== model) reported.dispose();
  model.dispose();
}

/** An IDX pair as a labelled image set, or a clear error naming the bad file. */
export function idxImages(cmd: string, imagesPath: string, labelsPath: string, size: { width: number; height: number; classes: number }): LabelledImages {
  const img = readIdx(imagesPath, IDX_IMAGES);
  const lab = readIdx(labelsPath, IDX_LABELS);
  const [n, h, w] = img.dims as [number, number, number];
  if (img.dims.length !== 3) throw new Error(`${cmd}: --images ${imagesPath}: expected [n,H,W] images, got dimensions [${img.dims.join(',')}]`);
  if (h !== size.height || w !== size.width) throw new Error(`${cmd}: --images ${imagesPath}: images are ${w}×${h} but the checkpoint's model takes ${size.width}×${size.height}`);
  if (lab.dims.length !== 1 || lab.dims[0] !== n) throw new Error(`${cmd}: --labels ${labelsPath}: ${lab.dims.join('×')} labels for ${n} images`);
  if (n < 1) throw new Error(`${cmd}: --images ${imagesPath}: no images`);
  for (let i = 0; i < n; i++) if (lab.data[i]! >= size.classes) throw new Error(`${cmd}: --labels ${labelsPath}: label ${lab.data[i]} of image ${i} is not a class 0–${size.classes - 1}`);
  const px = h * w;
  return {
    count: n,
    batch(start: number, k: number) {
      const images = new Float32Array(k * px);
      for (let i = 0; i < images.length; i++) images[i] = img.data[start * px + i]! / 255;
      return { images, labels: Int32Array.from(lab.data.subarray(start, start + k)), shape: [k, h, w] };
    },
  };
}

/**
 * `foveate eval dram --checkpoint F | --pretrained [--images F.idx --labels F.idx]
 * [--limit N] [--out DIR] [--json]`: the test error of a DRAM or conv-net
 * checkpoint on the fixed cluttered-MNIST test set, or on IDX files of your own.
 */
export async function evalDramCommand(argv: string[]): Promise<void> {
  const cmd = 'eval dram';
  const values = parseCommand(cmd, 'the test error of a DRAM / conv-net checkpoint on cluttered MNIST', argv, {
    checkpoint: { type: 'string', help: 'a DRAM or conv checkpoint (.safetensors)' },
    pretrained: { type: 'boolean', default: false, help: 'use the shipped 8-glimpse weights (weights/dram-8.safetensors)' },
    images: { type: 'string', help: 'IDX ubyte images [n,H,W] (default: the fixed test set)' },
    labels: { type: 'string', help: 'IDX ubyte labels [n] (with --images)' },
    limit: { type: 'string', help: 'evaluate only the first N images' },
    out: { type: 'string', help: 'also write glimpses.png/.gif of the first images here (DRAM only)' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
    json: { type: 'boolean', default: false, help: 'print one JSON line' },
  });
  if (!values) return;
  if (values.pretrained && values.checkpoint) throw new Error(`${cmd}: give --checkpoint or --pretrained, not both`);
  const path = values.pretrained ? pretrainedDramPath() : values.checkpoint;
  if (!path) throw new Error(`${cmd}: --checkpoint F or --pretrained is required`);
  if (values.pretrained && !existsSync(path)) throw new Error(`${cmd}: --pretrained: ${path} is missing from this installation`);
  if ((values.images === undefined) !== (values.labels === undefined)) throw new Error(`${cmd}: --images and --labels go together`);
  const device = parseDevice(cmd, values.device);
  const limit = values.limit === undefined ? undefined : intOption(cmd, 'limit', values.limit, 1);
  const { model, step } = modelFromCheckpoint(path, device);
  try {
    const c = model.config;
    const set = values.images ? idxImages(cmd, values.images, values.labels!, c) : clutteredMnist({ split: 'test', size: c.width === c.height ? c.width : nonSquare(cmd, c) });
    const t0 = performance.now();
    const r = errorRate(model, set, limit === undefined ? {} : { limit });
    const seconds = (performance.now() - t0) / 1000;
    if (values.out && model instanceof DRAM) writeGlimpsePictures(model, set, new RunFolder(values.out).dir, { count: Math.min(6, set.count) });
    const data = values.images ? `${values.images} / ${values.labels}` : `the fixed cluttered-MNIST test set (seed ${CLUTTERED_TEST_SEED})`;
    const what = c.model === 'conv' ? 'conv net' : `DRAM ${c.glimpses} glimpses ${c.readN}×${c.readN}`;
    const result = { checkpoint: path, step, model: c.model, ...(c.model === 'dram' ? { glimpses: c.glimpses } : {}), images: r.images, wrong: r.wrong, testError: r.error, seconds, data };
    if (values.json) console.log(JSON.stringify(result));
    else console.log(`${path} (${what}, step ${step}): test error ${pct(r.error)} (${r.wrong} of ${r.images} images wrong) on ${data}, ${seconds.toFixed(0)} s`);
  } finally {
    model.dispose();
  }
}

function nonSquare(cmd: string, c: { width: number; height: number }): never {
  throw new Error(`${cmd}: the checkpoint's model takes ${c.width}×${c.height} images; generated clutter is square, give --images and --labels`);
}

/** `foveate data cluttered --out DIR [--count N] [--split S] [--seed S]`: sample images as PNG. */
export async function dataClutteredCommand(argv: string[]): Promise<void> {
  const cmd = 'data cluttered';
  const values = parseCommand(cmd, 'cluttered-MNIST samples as PNG (a grid and one file per image, labels in labels.txt)', argv, {
    out: { type: 'string', default: 'runs/cluttered', help: 'output folder' },
    count: { type: 'string', default: '16', help: 'images' },
    split: { type: 'string', default: 'test', help: 'train | valid | test' },
    seed: { type: 'string', help: 'generator seed (default the split\'s)' },
    size: { type: 'string', default: '100', help: 'canvas side' },
    distractors: { type: 'string', default: '8', help: 'distractor crops per image' },
    crop: { type: 'string', default: '8', help: 'distractor crop side' },
  });
  if (!values) return;
  const split = values.split;
  if (split !== 'train' && split !== 'valid' && split !== 'test') throw new Error(`${cmd}: --split must be train, valid or test, got ${split}`);
  const count = intOption(cmd, 'count', values.count, 1);
  const set = clutteredMnist({
    split,
    size: intOption(cmd, 'size', values.size, 28),
    distractors: intOption(cmd, 'distractors', values.distractors),
    crop: intOption(cmd, 'crop', values.crop, 1),
    ...(values.seed === undefined ? {} : { seed: intOption(cmd, 'seed', values.seed) }),
  });
  const run = new RunFolder(values.out);
  const b = set.batch(0, count);
  const s = set.size;
  writePng(run.path('cluttered.png'), imageGrid(b.images, count, s, s, 1, { border: 2 }));
  for (let i = 0; i < count; i++) writePng(run.path(`cluttered-${String(i).padStart(3, '0')}-label${b.labels[i]}.png`), imageGrid(b.images.subarray(i * s * s, (i + 1) * s * s), 1, s, s, 1, { border: 0 }));
  writeFileAtomic(run.path('labels.txt'), Array.from(b.labels).join('\n') + '\n');
  console.log(`wrote ${count} ${s}×${s} ${split} images (seed ${set.seed}) to ${run.dir}/cluttered.png and cluttered-NNN-labelL.png`);
}
