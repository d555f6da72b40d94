// The captioner's commands end to end on a tiny Karpathy-format set made here: coloured
// blocks left or right on gray, captioned by colour and side, with the pooled-pixel
// encoder (a 4×4 grid of 32×32 images), a few training steps, resume, caption, eval.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCaptionerCheckpointInfo, saveCaptionerCheckpoint, Captioner } from '../../src/models/captioner/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fv-captioner-cli-'));
const imgDir = join(dir, 'images');
const json = join(dir, 'dataset_tiny.json');
const cache = join(dir, 'cache');
const run = join(dir, 'run');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 40], blue: [40, 60, 220] };

async function block(path: string, colour: string, left: boolean, size = 32): Promise<void> {
  const px = Buffer.alloc(size * size * 3, 128);
  for (let y = 8; y < 24; y++) for (let x = left ? 2 : 18; x < (left ? 14 : 30); x++) px.set(COLOURS[colour]!, (y * size + x) * 3);
  await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(path);
}

/** Runs the CLI in-process; returns what it printed. */
async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    expect(code).toBe(0);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

beforeAll(async () => {
  mkdirSync(imgDir);
  const images = [];
  let id = 0;
  let sent = 0;
  for (const colour of Object.keys(COLOURS)) {
    for (const left of [true, false]) {
      for (let k = 0; k < 3; k++) {
        const filename = `${colour}-${left ? 'l' : 'r'}-${k}.png`;
        await block(join(imgDir, filename), colour, left);
        const side = left ? 'left' : 'right';
        const raws = [`A ${colour} block on the ${side}.`, `the ${colour} block is ${side}`];
        // The test images' references hold a word never seen in training: it becomes <unk> in no batch, and scores as a miss.
        if (k === 2) raws[1] = `a ${colour} shape, ${side} side`;
        const split = k === 0 || k === 1 ? 'train' : id % 2 === 0 ? 'val' : 'test';
        images.push({ filename, imgid: id, split, sentids: raws.map((_, j) => sent + j), sentences: raws.map((raw, j) => ({ raw, tokens: raw.toLowerCase().split(/\W+/).filter(Boolean), imgid: id, sentid: sent + j })) });
        sent += raws.length;
        id++;
      }
    }
  }
  writeFileSync(json, JSON.stringify({ dataset: 'tiny', images }));
});

const rows0 = (r: string): Record<string, unknown>[] => readFileSync(join(r, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

const common = ['--data', `karpathy:${json}`, '--images', imgDir, '--encoder', 'pixels:32:4', '--cache', cache, '--min-count', '1', '--lstm-size', '16', '--embed-size', '8', '--batch-size', '4', '--eval-every', '3', '--eval-limit', '3'];

describe('foveate train captioner / caption / eval captioner', () => {
  it('takes --lambda, the doubly stochastic weight, into the model and its checkpoint', async () => {
    const r = join(dir, 'lambda');
    await cli(['train', 'captioner', ...common, '--steps', '1', '--lambda', '0.1', '--annotation-scale', '0.5', '--out', r]);
    expect(readCaptionerCheckpointInfo(join(r, 'checkpoint.safetensors')).config).toMatchObject({ doublyStochastic: 0.1, annotationScale: 0.5 });
    await expect(main(['train', 'captioner', ...common, '--steps', '1', '--annotation-scale', '0', '--out', join(dir, 'scale-bad')])).rejects.toThrow(/train captioner: --annotation-scale must be/);
    await expect(main(['train', 'captioner', ...common, '--steps', '1', '--lambda', '-1', '--out', join(dir, 'lambda-bad')])).rejects.toThrow(/train captioner: --lambda must be a number ≥ 0, got -1/);
    await expect(main(['train', 'captioner', ...common, '--steps', '1', '--lambda', 'x', '--out', join(dir, 'lambda-bad')])).rejects.toThrow(/--lambda must be a number ≥ 0, got x/);
  }, 120_000);

  it('trains a few steps, writes the run folder, and resumes where it stopped', async () => {
    const out = await cli(['train', 'captioner', ...common, '--steps', '3', '--out', run]);
    expect(out).toMatch(/captioner \(soft attention\) on karpathy:tiny, pixels\/pool4 L=16 D=3: 3 steps, best validation BLEU-4 [\d.]+ at step 3/);
    for (const f of ['metrics.jsonl', 'checkpoint.safetensors', 'best.safetensors', 'loss.svg', 'bleu.svg', 'results.json']) expect(existsSync(join(run, f))).toBe(true);
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
    expect(results.splits).toEqual({ train: 12, val: 3, test: 3 });
    expect(results.encoder).toMatchObject({ locations: 16, channels: 3 });
    // One feature cache folder, 18 images in one shard.
    expect(readdirSync(cache)).toHaveLength(1);
    const config = readCaptionerCheckpointInfo(join(run, 'checkpoint.safetensors')).config;
    expect(config.doublyStochastic).toBe(1);
    // auto: 1/std of the training features (pixels in [0, 1]: std well below 1).
    expect(config.annotationScale).toBeGreaterThan(1);
    expect(rows0(run)[0]).toHaveProperty('alphaEntropy');
    const again = await cli(['train', 'captioner', ...common, '--steps', '6', '--out', run, '--resume']);
    expect(again).toMatch(/6 steps/);
    const rows = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.step)).toEqual([3, 6]);
    expect(rows[1]).toHaveProperty('bleu4');
    expect(rows[1]).toHaveProperty('cider');
    expect(readCaptionerCheckpointInfo(join(run, 'checkpoint.safetensors')).metadata.captioner_encoder).toBe('pixels:32:4');
  }, 120_000);

  it('captions an image and writes attention.png and attention.gif', async () => {
    const pics = join(dir, 'pics');
    const out = await cli(['caption', '--checkpoint', join(run, 'checkpoint.safetensors'), '--image', join(imgDir, 'red-l-0.png'), '--beam', '2', '--max-length', '4', '--out', pics]);
    expect(out.split('\n')[0]).toMatch(/^[a-z<> ]*$|empty caption/);
    const png = await sharp(join(pics, 'attention.png')).metadata();
    expect(png.format).toBe('png');
    const gif = await sharp(join(pics, 'attention.gif'), { pages: -1 }).metadata();
    expect(gif.pages).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('evaluates a split: results JSON and the Table 1 layout', async () => {
    const res = join(dir, 'results.json');
    const out = await cli(['eval', 'captioner', '--checkpoint', join(run, 'best.safetensors'), '--split', 'test', '--beam', '2', '--cache', cache, '--out', res]);
    expect(out).toMatch(/\| BLEU-1 \| BLEU-2 \| BLEU-3 \| BLEU-4 \| METEOR \| CIDEr-D \| ROUGE-L \|/);
    expect(out).toMatch(/test: 3 images, 6 references, beam 2/);
    expect(out).toMatch(/attention correctness: n\/a \(karpathy:tiny has no object boxes\)/);
    const results = JSON.parse(readFileSync(res, 'utf8'));
    expect(results).toHaveLength(3);
    expect(results[0]).toHaveProperty('image_id');
    expect(typeof results[0].caption).toBe('string');
    const j = JSON.parse(await cli(['eval', 'captioner', '--checkpoint', join(run, 'best.safetensors'), '--cache', cache, '--out', res, '--json']));
    expect(j).toMatchObject({ split: 'test', images: 3, beam: 3 });
    expect(j.bleu4).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('answers bad input with clear errors and writes nothing half', async () => {
    const ck = join(run, 'checkpoint.safetensors');
    await expect(main(['caption', '--checkpoint', ck, '--image', join(imgDir, 'red-l-0.png'), '--beam', '0'])).rejects.toThrow(/caption: --beam must be an integer ≥ 1, got 0/);
    await expect(main(['eval', 'captioner', '--checkpoint', ck, '--beam', '0'])).rejects.toThrow(/eval captioner: --beam must be an integer ≥ 1, got 0/);
    // Not an image.
    const txt = join(dir, 'not-an-image.png');
    writeFileSync(txt, 'hello');
    const pics = join(dir, 'bad-pics');
    await expect(main(['caption', '--checkpoint', ck, '--image', txt, '--out', pics])).rejects.toThrow(/not-an-image\.png: not an image file/);
    expect(existsSync(pics)).toBe(false);
    // A checkpoint of another model.
    const dramLike = join(dir, 'other.safetensors');
    const { save } = await import('../../src/io/safetensors.js');
    const { tensor } = await import('../../src/creation.js');
    const t = tensor([1, 2], [2]);
    save(dramLike, { w: t }, { model: 'dram' });
    t.dispose();
    await expect(main(['caption', '--checkpoint', dramLike, '--image', join(imgDir, 'red-l-0.png')])).rejects.toThrow(/not a captioner checkpoint/);
    // A captioner of another vocabulary, claiming this data: refused before any caption is written.
    const vocab = { size: 6, padId: 0, startId: 1, eosId: 2, unkId: 3, words: ['<pad>', '<start>', '<eos>', '<unk>', 'x', 'y'] };
    const m = new Captioner({ vocab, annotationSize: 3, lstmSize: 4, embedSize: 4 });
    const foreign = join(dir, 'foreign.safetensors');
    saveCaptionerCheckpoint(foreign, m, undefined, 0, { captioner_data: JSON.stringify({ data: `karpathy:${json}`, minCount: 1, images: imgDir }), captioner_encoder: 'pixels:32:4' });
    m.dispose();
    const res = join(dir, 'foreign-results.json');
    await expect(main(['eval', 'captioner', '--checkpoint', foreign, '--cache', cache, '--out', res])).rejects.toThrow(/trained with another vocabulary \(6 words\)/);
    expect(existsSync(res)).toBe(false);
    // An encoder whose channels differ from the checkpoint's annotations.
    const wide = new Captioner({ vocab, annotationSize: 5, lstmSize: 4, embedSize: 4 });
    const wrongD = join(dir, 'wrong-d.safetensors');
    saveCaptionerCheckpoint(wrongD, wide, undefined, 0, { captioner_data: JSON.stringify({ data: `karpathy:${json}`, images: imgDir }), captioner_encoder: 'pixels:32:4' });
    wide.dispose();
    await expect(main(['caption', '--checkpoint', wrongD, '--image', join(imgDir, 'red-l-0.png'), '--out', pics])).rejects.toThrow(/reads annotations of 5 channels, the encoder pixels:32:4 gives 3/);
    await expect(main(['train', 'captioner', ...common, '--encoder', 'pixels:30:4', '--out', join(dir, 'r2')])).rejects.toThrow(/SIZE a multiple of GRID/);
    await expect(main(['train', 'captioner', '--data', 'flickr', '--out', join(dir, 'r3')])).rejects.toThrow(/--data must be scenes, clipart or karpathy:PATH, got 'flickr'/);
  }, 60_000);
});

describe('foveate train captioner with EfficientNet-Lite0', () => {
  const weights = join(process.env.FOVEATE_HOME || join(homedir(), '.cache', 'foveate'), 'efficientnet-lite0.safetensors');
  it.skipIf(!existsSync(weights))('encodes the images with block10 (14×14×112 at 224) and trains a step', async () => {
    const out = await cli(['train', 'captioner', ...common, '--encoder', 'efficientnet-lite0', '--steps', '1', '--out', join(dir, 'run-lite0')]);
    expect(out).toMatch(/efficientnet-lite0\/block10 L=196 D=112: 1 steps/);
  }, 300_000);
});
