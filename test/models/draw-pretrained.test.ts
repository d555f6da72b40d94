// The shipped DRAW weights (weights/draw-mnist.safetensors, weights/draw-mnist-noattn.safetensors,
// in package.json "files"): float16 or int8 safetensors (the attention-free model is 5.5 MB
// even in float16) with the Table 3 config and the export record in the metadata, read
// back as float32 by loadDrawWeights; `eval draw
// --pretrained` and `sample draw --pretrained` use them. The weights are refreshed as
// the runs go on, so nothing here pins their values: only that they are a trained model.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { loadDrawCheckpoint, readDrawConfig, saveDrawCheckpoint } from '../../src/train/draw.js';
import { loadDrawWeights, PRETRAINED_DRAW, pretrainedDrawPath, readDrawExport } from '../../src/train/draw-weights.js';
import { evalDrawCommand, exportDrawCommand, sampleDrawCommand } from '../../src/cli/eval-draw.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'draw-pretrained-'));

describe.each(PRETRAINED_DRAW)('pretrained DRAW %s', (name) => {
  it('ships in the package, under 5 MB, float16 or int8, with the preset config and where it came from', () => {
    const path = pretrainedDrawPath(name);
    expect(path.endsWith(join('weights', `draw-${name}.safetensors`))).toBe(true);
    expect(statSync(path).size).toBeLessThan(5e6);
    expect((JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files).toContain('weights/*.safetensors');
    expect(readDrawConfig(path)).toEqual(fv.models.DRAW_PRESETS[name]);
    const info = readDrawExport(path)!;
    expect(['float16', 'int8']).toContain(info.dtype);
    expect(Number.isSafeInteger(info.step) && info.step > 0).toBe(true);
    // The tensors are stored as the record says (8-byte length, then the JSON header).
    const bytes = readFileSync(path);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<string, { dtype?: string; shape: number[] }>;
    const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
    if (info.dtype === 'float16') expect(new Set(entries.map(([, v]) => v.dtype))).toEqual(new Set(['F16']));
    else for (const [k, v] of entries) expect([k, v.dtype]).toEqual([k, k.startsWith('scale.') || v.shape.length !== 2 ? 'F32' : 'I8']);
  });

  it('eval draw --pretrained gives a trained model\'s bound: finite, far below an untrained one\'s', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await evalDrawCommand(['--pretrained', name, '--limit', '50', '--json']);
      const r = JSON.parse(String(log.mock.calls[0]![0])) as { nll: number; lx: number; lz: number; attention: boolean; testImages: number; step: number };
      expect(r.testImages).toBe(50);
      expect(r.attention).toBe(name === 'mnist');
      expect(r.step).toBe(readDrawExport(pretrainedDrawPath(name))!.step);
      expect(Number.isFinite(r.nll)).toBe(true);
      // An untrained DRAW is at ~550 nats (784 · log 2 with the canvas at 0); 230 is a loose mark of training.
      expect(r.nll).toBeLessThan(230);
      expect(r.nll).toBeGreaterThan(40);
    } finally {
      log.mockRestore();
    }
  });
});

describe('--pretrained', () => {
  it('sample draw --pretrained mnist writes the pictures', async () => {
    const out = join(tmp(), 'pics');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await sampleDrawCommand(['--pretrained', 'mnist', '--out', out]);
    } finally {
      log.mockRestore();
    }
    expect(readdirSync(out).sort()).toEqual(['samples.png', 'sequence.gif', 'sequence.png']);
  });

  it('rejects an unknown name (with a suggestion), both sources at once, and touches nothing', async () => {
    const out = join(tmp(), 'never');
    await expect(sampleDrawCommand(['--pretrained', 'mnsit', '--out', out])).rejects.toThrow(/^sample draw: --pretrained must be one of mnist, mnist-noattn, got 'mnsit' \(did you mean 'mnist'\?\)$/);
    await expect(evalDrawCommand(['--pretrained', 'cifar'])).rejects.toThrow(/^eval draw: --pretrained must be one of mnist, mnist-noattn, got 'cifar'$/);
    await expect(evalDrawCommand(['--pretrained', 'mnist', '--checkpoint', 'x.safetensors'])).rejects.toThrow(/eval draw: give --checkpoint or --pretrained, not both/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('export draw', () => {
  const cfg: fv.models.DrawConfig = { width: 28, height: 28, channels: 1, T: 3, encoderSize: 16, decoderSize: 16, zSize: 4, attention: false, readN: 2, writeN: 3 };

  it('writes the weights alone in float16 (or float32) with config, step and validation bound; loading widens them back', async () => {
    const dir = tmp();
    fv.seed(8);
    const m = new fv.models.DRAW(cfg);
    const opt = new fv.optim.Adam(m.parameters());
    m.loss(fv.rand([2, 784])).loss.backward();
    opt.step(); // the source holds Adam's moments too
    const src = join(dir, 'best.safetensors');
    saveDrawCheckpoint(src, m, opt, 42, { best: { step: 42, validNll: 123.5, validImages: 500 } });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await exportDrawCommand(['--checkpoint', src, '--out', join(dir, 'w16.safetensors')]);
      expect(String(log.mock.calls[0]![0])).toMatch(/w16\.safetensors \(float16, [\d.]+ MB\): step 42 of .*best\.safetensors, validation ≤ 123\.50 nats on 500 images/);
      await exportDrawCommand(['--checkpoint', src, '--out', join(dir, 'w32.safetensors'), '--dtype', 'float32']);
    } finally {
      log.mockRestore();
    }
    const params = m.parameters().reduce((n, p) => n + p.size, 0);
    const s16 = statSync(join(dir, 'w16.safetensors')).size;
    const s32 = statSync(join(dir, 'w32.safetensors')).size;
    expect(s32 - s16).toBeGreaterThan(params * 2 - 64); // half the bytes
    expect(statSync(src).size).toBeGreaterThan(s32 + params * 8 - 64); // the optimiser's moments are left behind
    expect(readDrawExport(join(dir, 'w16.safetensors'))).toEqual({ source: 'best.safetensors', step: 42, dtype: 'float16', validNll: 123.5, validImages: 500 });
    expect(readDrawConfig(join(dir, 'w16.safetensors'))).toEqual(cfg);
    const log8 = vi.spyOn(console, 'log').mockImplementation(() => {});
    await exportDrawCommand(['--checkpoint', src, '--out', join(dir, 'w8.safetensors'), '--dtype', 'int8']).finally(() => log8.mockRestore());
    expect(statSync(join(dir, 'w8.safetensors')).size).toBeLessThan(s16 * 0.6);
    // A training checkpoint loader refuses the int8 file clearly (its scales are no checkpoint tensors).
    const probe = new fv.models.DRAW(cfg);
    expect(() => loadDrawCheckpoint(join(dir, 'w8.safetensors'), probe)).toThrow(/unexpected tensor "scale\./);
    probe.dispose();
    // float32 exactly, float16 within 2^-11 relative, int8 within half a step of its row (max|row| / 254).
    for (const file of ['w32.safetensors', 'w16.safetensors', 'w8.safetensors']) {
      const back = new fv.models.DRAW(readDrawConfig(join(dir, file)));
      expect(loadDrawWeights(join(dir, file), back)).toBe(42);
      back.parameters().forEach((p, i) => {
        const src32 = m.parameters()[i]!;
        const want = src32.toFloat32Array();
        const got = p.toFloat32Array();
        expect(p.dtype).toBe('float32');
        const cols = src32.shape.length === 2 ? src32.shape[1]! : want.length;
        for (let j = 0; j < got.length; j++) {
          const row = want.subarray(j - (j % cols), j - (j % cols) + cols);
          const tol = file === 'w32.safetensors' || (file === 'w8.safetensors' && src32.shape.length !== 2) ? 0 : file === 'w16.safetensors' ? Math.abs(want[j]!) * 2 ** -11 + 2 ** -25 : row.reduce((a, v) => Math.max(a, Math.abs(v)), 0) / 254 * 1.0001;
          if (!(Math.abs(got[j]! - want[j]!) <= tol)) throw new Error(`${file} param ${i} [${j}]: ${got[j]} vs ${want[j]} (tolerance ${tol})`);
        }
      });
      back.dispose();
    }
    m.dispose();
  });

  it('rejects a checkpoint of another model, a missing file, a bad dtype and missing options', async () => {
    const dir = tmp();
    const mlp = fv.models.mnistMlp({ hidden: 8 });
    fv.io.saveCheckpoint(join(dir, 'mlp.safetensors'), { model: mlp, step: 1 });
    mlp.dispose();
    const out = join(dir, 'out.safetensors');
    await expect(exportDrawCommand(['--checkpoint', join(dir, 'mlp.safetensors'), '--out', out])).rejects.toThrow(/not a DRAW checkpoint \(its metadata has no draw_config/);
    await expect(exportDrawCommand(['--checkpoint', join(dir, 'nope.safetensors'), '--out', out])).rejects.toThrow(/nope\.safetensors/);
    await expect(exportDrawCommand(['--checkpoint', join(dir, 'mlp.safetensors'), '--out', out, '--dtype', 'bfloat16'])).rejects.toThrow(/^export draw: --dtype must be float32, float16 or int8, got bfloat16$/);
    await expect(exportDrawCommand(['--out', out])).rejects.toThrow(/^export draw: --checkpoint is required$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the export record', () => {
  it('decides how a file loads, so a damaged one is an error naming the file and the record', () => {
    const path = join(tmp(), 'bad.safetensors');
    const config = JSON.stringify(fv.models.DRAW_PRESETS['mnist-noattn']);
    const cases: [string, RegExp][] = [
      ['{"source":"x","step":5,"dtype":"int4","validNll":null,"validImages":null}', /DRAW weights: .*bad\.safetensors: metadata draw_export .* is not \{ source, step, dtype: float32\|float16\|int8, validNll, validImages \}/],
      ['{"source":"x","step":-1,"dtype":"int8","validNll":null,"validImages":null}', /is not \{ source, step/],
      ['{"source":"x","step":5,"dtype":"int8","validNll":null,"validImages":null,"extra":1}', /draw_export: unknown option 'extra'/],
      ['not json', /metadata draw_export is not valid JSON/],
    ];
    for (const [record, want] of cases) {
      fv.io.save(path, { w: fv.ones([2]) }, { draw_config: config, draw_export: record });
      expect(() => readDrawExport(path), record).toThrow(want);
    }
  });
});
