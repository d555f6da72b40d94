// `foveate sample draw`, `foveate eval draw` and `foveate export draw`: pictures
// and test bounds of a DRAW checkpoint or of the shipped weights (--pretrained
// mnist | mnist-noattn), and shippable weights (float32, float16 or int8) from a checkpoint.
import { statSync } from 'node:fs';
import { intOption, parseCommand } from './common/args.js';
import { parseDevice } from '../device.js';
import { DRAW } from '../models/draw.js';
import { readDrawConfig } from '../train/draw.js';
import { drawData, presetOfConfig } from '../train/draw-data.js';
import { exportDrawWeights, loadDrawWeights, PRETRAINED_DRAW, pretrainedDrawPath } from '../train/draw-weights.js';
import { writeDrawPictures } from '../train/draw-pictures.js';
import { RunFolder } from '../train/run-folder.js';

const PRETRAINED_HELP = `shipped weights instead of --checkpoint: ${PRETRAINED_DRAW.join(' | ')}`;

/** The weights file of --checkpoint or --pretrained (exactly one). */
function weightsPath(cmd: string, values: { checkpoint?: string; pretrained?: string }): string {
  if (values.checkpoint !== undefined && values.pretrained !== undefined) throw new Error(`${cmd}: give --checkpoint or --pretrained, not both`);
  if (values.pretrained !== undefined) return pretrainedDrawPath(values.pretrained, cmd);
  if (!values.checkpoint) throw new Error(`${cmd}: --checkpoint F or --pretrained ${PRETRAINED_DRAW.join('|')} is required`);
  return values.checkpoint;
}

export async function sampleDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'sample draw';
  const values = parseCommand(cmd, 'pictures from a trained DRAW checkpoint: samples.png, sequence.png, sequence.gif', argv, {
    checkpoint: { type: 'string', help: 'a DRAW checkpoint (.safetensors)' },
    pretrained: { type: 'string', help: PRETRAINED_HELP },
    out: { type: 'string', default: 'runs/draw-samples', help: 'output folder' },
    seed: { type: 'string', default: '1', help: 'seed of the latent samples' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const path = weightsPath(cmd, values);
  const device = parseDevice(cmd, values.device);
  const seed = intOption(cmd, 'seed', values.seed);
  // Everything that can fail on the checkpoint runs before the output folder is touched.
  const config = readDrawConfig(path);
  const model = new DRAW(config, { device });
  try {
    loadDrawWeights(path, model);
    const run = new RunFolder(values.out);
    const p = writeDrawPictures(model, run.dir, { seed });
    console.log(`wrote ${p.samples}, ${p.sequencePng}, ${p.sequenceGif}`);
  } finally {
    model.dispose();
  }
}

/**
 * `foveate eval draw --checkpoint F | --pretrained NAME [--limit N] [--seed S]
 * [--samples K] [--json]`: the test NLL bound (nats per image, one z sample per
 * image; with K > 1 also the importance-weighted bound) of a saved model on the
 * test set of its data — the number to compare with the paper's.
 */
export async function evalDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'eval draw';
  const values = parseCommand(cmd, 'the test NLL bound of a trained DRAW checkpoint or of the shipped weights', argv, {
    checkpoint: { type: 'string', help: 'a DRAW checkpoint (.safetensors)' },
    pretrained: { type: 'string', help: PRETRAINED_HELP },
    limit: { type: 'string', help: 'evaluate only the first N test images (default all)' },
    seed: { type: 'string', default: '0', help: 'seed of the latent samples (one per image)' },
    samples: { type: 'string', default: '1', help: 'K > 1 adds the importance-weighted bound (IWAE) with K samples per image' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
    json: { type: 'boolean', default: false, help: 'print one JSON line' },
  });
  if (!values) return;
  const path = weightsPath(cmd, values);
  const device = parseDevice(cmd, values.device);
  const limit = values.limit === undefined ? undefined : intOption(cmd, 'limit', values.limit, 1);
  const seed = intOption(cmd, 'seed', values.seed);
  const samples = intOption(cmd, 'samples', values.samples, 1);
  const config = readDrawConfig(path);
  const model = new DRAW(config, { device });
  try {
    const step = loadDrawWeights(path, model);
    const { test, description } = await drawData(presetOfConfig(config));
    const t0 = performance.now();
    const r = model.nllBound(test, { seed, ...(limit === undefined ? {} : { limit }) });
    const iw = samples > 1 ? model.iwaeBound(test, { samples, seed, ...(limit === undefined ? {} : { limit }) }) : undefined;
    const images = Math.min(limit ?? Infinity, test.shape[0]!);
    const seconds = (performance.now() - t0) / 1000;
    const result = { checkpoint: path, step, attention: config.attention, testImages: images, nll: r.nll, lx: r.lx, lz: r.lz, ...(iw ? { iwae: iw.iwae, iwaeSamples: samples } : {}), seconds, data: description };
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`${path} (step ${step}, ${config.attention ? 'attention' : 'no attention'}), ${images} test images, ${seconds.toFixed(0)} s`);
      console.log(`  one-sample bound:       −log p(x) ≤ ${r.nll.toFixed(2)} nats (Lx ${r.lx.toFixed(2)} + Lz ${r.lz.toFixed(2)})`);
      if (iw) console.log(`  IWAE bound, K = ${String(samples).padEnd(5)} −log p(x) ≤ ${iw.iwae.toFixed(2)} nats`);
    }
  } finally {
    model.dispose();
  }
}

/** `foveate export draw --checkpoint F --out G [--dtype float32|float16|int8]`: shippable weights. */
export async function exportDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'export draw';
  const values = parseCommand(cmd, "a DRAW checkpoint's weights alone (no optimiser state), float32, float16 or int8, with the config, the source's step and validation bound in the metadata", argv, {
    checkpoint: { type: 'string', help: 'a DRAW checkpoint (.safetensors), e.g. runs/draw-mnist/best.safetensors; required' },
    out: { type: 'string', help: 'the weights file to write, e.g. weights/draw-mnist.safetensors; required' },
    dtype: { type: 'string', default: 'float16', help: 'float32 | float16 (half the size) | int8 (a quarter: matrix rows as int8 × a float32 scale); loading gives float32' },
  });
  if (!values) return;
  if (!values.checkpoint) throw new Error(`${cmd}: --checkpoint is required`);
  if (!values.out) throw new Error(`${cmd}: --out is required`);
  const dtype = values.dtype;
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'int8') throw new Error(`${cmd}: --dtype must be float32, float16 or int8, got ${dtype}`);
  const info = exportDrawWeights(values.checkpoint, values.out, { dtype });
  const mb = statSync(values.out).size / 1e6;
  const valid = info.validNll === null ? 'no validation bound recorded in the source' : `validation ≤ ${info.validNll.toFixed(2)} nats on ${info.validImages} images`;
  console.log(`wrote ${values.out} (${dtype}, ${mb.toFixed(2)} MB): step ${info.step} of ${values.checkpoint}, ${valid}`);
}
