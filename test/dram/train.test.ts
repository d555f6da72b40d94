// DRAM runs: a resumed run equals the straight run, best.safetensors holds the
// best validation weights, checkpoints round-trip, eval dram on the fixed test
// set and on IDX files, pictures, data cluttered, and bad input at the CLI.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { errorRate, loadDramCheckpoint, modelFromCheckpoint, readDramCheckpointInfo, saveDramCheckpoint, trainDram, dramLrAt, type LabelledImages } from '../../src/train/dram.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { writeGlimpsePictures } from '../../src/train/dram-pictures.js';
import { dataClutteredCommand, evalDramCommand, trainDramCommand } from '../../src/cli/train-dram.js';
import { saveDrawCheckpoint } from '../../src/train/draw.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dram-'));
const small = { glimpses: 2, readN: 4, lstmSize: 8 };

/** An IDX file: magic, big-endian dims, bytes. */
function writeIdx(path: string, magic: number, dims: number[], bytes: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([head, Buffer.from(bytes)]));
}

/** Runs a CLI command with console.log captured; returns the printed lines. */
async function captured(f: () => Promise<void>): Promise<string[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await f();
    return log.mock.calls.map((c) => String(c[0]));
  } finally {
    log.mockRestore();
  }
}

describe('DRAM training runs', () => {
  const make = (): { model: fv.models.DRAM; optimizer: fv.optim.Adam } => {
    const model = new fv.models.DRAM(small);
    return { model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 3e-3 }) };
  };
  const train = fv.data.clutteredMnist({ split: 'train', seed: 1 });
  const valid = fv.data.clutteredMnist({ split: 'valid', count: 32 });
  const common = { train, valid, steps: 8, batchSize: 8, lr: 3e-3, halveEvery: 4, evalEvery: 2, checkpointEvery: 2 };

  it('the learning rate halves every halveEvery steps', () => {
    expect([0, 49999, 50000, 100000].map((s) => dramLrAt(1e-3, 50000, s))).toEqual([1e-3, 1e-3, 5e-4, 2.5e-4]);
    expect(dramLrAt(1e-3, 0, 10 ** 6)).toBe(1e-3);
  });

  it('an interrupted run resumed equals the straight run; best.safetensors holds the best validation weights', () => {
    const straight = tmp();
    fv.seed(9);
    const a = make();
    const ra = trainDram({ ...a, ...common, run: new RunFolder(straight) });
    const resumed = tmp();
    fv.seed(9);
    const b = make();
    // Killed after step 5's update, before its checkpoint: the last checkpoint is step 4's.
    expect(() =>
      trainDram({
        ...b,
        ...common,
        run: new RunFolder(resumed),
        onProgress: (p) => {
          if (p.step === 5) throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    fv.seed(123);
    const c = make();
    const rc = trainDram({ ...c, ...common, run: new RunFolder(resumed), resume: true });
    expect(c.model.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(a.model.parameters().map((p) => Array.from(p.toFloat32Array())));
    const strip = (rows: Record<string, unknown>[]): Record<string, unknown>[] => rows.map((r) => ({ ...r, seconds: 0 }));
    expect(strip(new RunFolder(resumed).readMetrics())).toEqual(strip(new RunFolder(straight).readMetrics()));
    expect(rc.bestValidError).toBe(ra.bestValidError);
    expect(rc.bestStep).toBe(ra.bestStep);
    // best.safetensors: the weights of the best validation step, whose error it reproduces.
    const info = readDramCheckpointInfo(join(straight, 'best.safetensors'));
    expect(info.best).toEqual({ step: ra.bestStep, error: ra.bestValidError });
    const best = modelFromCheckpoint(join(straight, 'best.safetensors'));
    expect(best.step).toBe(ra.bestStep);
    expect(errorRate(best.model, valid).error).toBe(ra.bestValidError);
    const rows = new RunFolder(straight).readMetrics().filter((r) => typeof r.validError === 'number');
    expect(Math.min(...rows.map((r) => Number(r.validError)))).toBe(ra.bestValidError);
    // The lr each logged step was taken with: steps 1–4 at 3e-3, 5–8 halved.
    expect(rows.map((r) => r.lr)).toEqual([3e-3, 3e-3, 1.5e-3, 1.5e-3]);
    for (const m of [a, b, c]) m.model.dispose();
    best.model.dispose();
  });

  it('checkpoints round-trip (weights, optimiser, config) and refuse another model', () => {
    const dir = tmp();
    fv.seed(2);
    const { model, optimizer } = make();
    trainDram({ model, optimizer, train, steps: 2, batchSize: 4, lr: 1e-3 });
    const path = join(dir, 'ck.safetensors');
    saveDramCheckpoint(path, model, optimizer, 2);
    fv.seed(3);
    const other = make();
    expect(loadDramCheckpoint(path, other.model, other.optimizer)).toBe(2);
    expect(other.model.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(model.parameters().map((p) => Array.from(p.toFloat32Array())));
    const four = new fv.models.DRAM({ ...small, glimpses: 4 });
    expect(() => loadDramCheckpoint(path, four)).toThrow(/holds a different model \(checkpoint vs this model: glimpses: 2 vs 4\)/);
    const conv = new fv.models.ClutteredConvNet();
    expect(() => loadDramCheckpoint(path, conv)).toThrow(/holds a different model/);
    const drawPath = join(dir, 'draw.safetensors');
    const draw = new fv.models.DRAW({ width: 6, height: 6, channels: 1, T: 2, encoderSize: 3, decoderSize: 3, zSize: 2, attention: true, readN: 2, writeN: 2 });
    saveDrawCheckpoint(drawPath, draw, undefined, 1);
    expect(() => readDramCheckpointInfo(drawPath)).toThrow(/draw.safetensors: not a DRAM or cluttered conv-net checkpoint \(its metadata has no dram_config/);
    for (const m of [model, other.model, four, conv, draw]) m.dispose();
  });

  it('eval dram: the test error on the fixed test set and on IDX files; clear errors', async () => {
    const dir = tmp();
    fv.seed(5);
    const { model } = make();
    const path = join(dir, 'ck.safetensors');
    saveDramCheckpoint(path, model, undefined, 17);
    const pics = join(dir, 'pics');
    const [line] = await captured(() => evalDramCommand(['--checkpoint', path, '--limit', '40', '--json', '--out', pics]));
    expect(readdirSync(pics).sort()).toEqual(['glimpses.gif', 'glimpses.png']);
    const r = JSON.parse(line!) as { step: number; images: number; testError: number; wrong: number; glimpses: number };
    expect(r.step).toBe(17);
    expect(r.images).toBe(40);
    expect(r.glimpses).toBe(2);
    const test = fv.data.clutteredMnist({ split: 'test' });
    expect(r.testError).toBe(errorRate(model, test, { limit: 40 }).error);

    // The same 40 images written as IDX bytes give the same error (pixels quantised to bytes).
    const b = test.batch(0, 40);
    const imgs = join(dir, 'images.idx');
    const labs = join(dir, 'labels.idx');
    writeIdx(imgs, fv.data.IDX_IMAGES, [40, 100, 100], Uint8Array.from(b.images, (v) => Math.round(v * 255)));
    writeIdx(labs, fv.data.IDX_LABELS, [40], Uint8Array.from(b.labels));
    const [idxLine] = await captured(() => evalDramCommand(['--checkpoint', path, '--images', imgs, '--labels', labs, '--json']));
    const q = JSON.parse(idxLine!) as { images: number; testError: number };
    expect(q.images).toBe(40);
    const asBytes: LabelledImages = { count: 40, batch: (s, n) => ({ images: Float32Array.from(b.images.subarray(s * 1e4, (s + n) * 1e4), (v) => Math.round(v * 255) / 255), labels: b.labels.slice(s, s + n), shape: [n, 100, 100] }) };
    expect(q.testError).toBe(errorRate(model, asBytes).error);

    // Bad input: wrong image size, missing files, mismatched labels, no checkpoint, not a checkpoint.
    const small28 = join(dir, 'small.idx');
    writeIdx(small28, fv.data.IDX_IMAGES, [3, 28, 28], new Uint8Array(3 * 784));
    await expect(evalDramCommand(['--checkpoint', path, '--images', small28, '--labels', labs])).rejects.toThrow(/eval dram: --images .*small.idx: images are 28×28 but the checkpoint's model takes 100×100/);
    const fewLabels = join(dir, 'few.idx');
    writeIdx(fewLabels, fv.data.IDX_LABELS, [5], new Uint8Array(5));
    await expect(evalDramCommand(['--checkpoint', path, '--images', imgs, '--labels', fewLabels])).rejects.toThrow(/--labels .*few.idx: 5 labels for 40 images/);
    await expect(evalDramCommand(['--checkpoint', path, '--images', imgs])).rejects.toThrow(/--images and --labels go together/);
    await expect(evalDramCommand([])).rejects.toThrow(/eval dram: --checkpoint F or --pretrained is required/);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a file');
    await expect(evalDramCommand(['--checkpoint', join(dir, 'junk.safetensors')])).rejects.toThrow(/junk.safetensors/);
    model.dispose();
  });

  it('train dram --model conv writes a run folder; --glimpses 0 is refused; data cluttered writes PNGs', async () => {
    const out = join(tmp(), 'run');
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await captured(() => trainDramCommand(['--model', 'conv', '--steps', '3', '--batch-size', '4', '--eval-every', '2', '--eval-limit', '8', '--test-limit', '8', '--out', out]));
    } finally {
      quiet.mockRestore();
    }
    expect(readdirSync(out).sort()).toEqual(['best.safetensors', 'checkpoint.safetensors', 'error.svg', 'metrics.jsonl', 'results.json']);
    expect(readDramCheckpointInfo(join(out, 'checkpoint.safetensors')).config.model).toBe('conv');
    await expect(trainDramCommand(['--glimpses', '0', '--out', join(tmp(), 'x')])).rejects.toThrow(/train dram: --glimpses must be an integer ≥ 1, got 0/);
    await expect(trainDramCommand(['--read-n', '0', '--out', join(tmp(), 'x')])).rejects.toThrow(/train dram: --read-n must be an integer ≥ 1, got 0/);
    await expect(trainDramCommand(['--model', 'ram'])).rejects.toThrow(/--model must be dram or conv, got ram/);
    const dataDir = join(tmp(), 'data');
    await captured(() => dataClutteredCommand(['--out', dataDir, '--count', '3']));
    const files = readdirSync(dataDir).sort();
    expect(files[0]).toBe('cluttered-000-label8.png');
    expect(files).toContain('cluttered.png');
    expect(files).toContain('labels.txt');
  });

  it('glimpses.png and glimpses.gif are written for a DRAM', () => {
    const dir = tmp();
    fv.seed(6);
    const m = new fv.models.DRAM(small);
    const p = writeGlimpsePictures(m, fv.data.clutteredMnist({ split: 'test' }), dir, { count: 3 });
    expect(existsSync(p.png) && existsSync(p.gif)).toBe(true);
    expect(p.images.length).toBe(3);
    expect(p.images[0]!.windows.length).toBe(2);
    m.dispose();
  });
});
