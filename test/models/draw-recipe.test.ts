// The DRAW training recipe: the validation bound picks best.safetensors and decays
// the learning rate on a plateau (PlateauLR); the schedule's state rides in the
// checkpoint, so a resumed run equals the straight one, and a checkpoint written
// before the schedule existed resumes with a fresh schedule at its lr. The test
// set is read only at the end, for the test bound of the best weights.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { readDrawExtras, saveDrawCheckpoint, trainDraw } from '../../src/train/draw.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { trainDrawRun } from '../../src/cli/train-draw.js';
import { plotDrawCommand } from '../../src/cli/plot-draw.js';
import { trailingMean } from '../../src/train/draw-curves.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'draw-recipe-'));
const sgd = (lr = 1): fv.optim.SGD => new fv.optim.SGD([fv.zeros([1])], { lr });

describe('PlateauLR', () => {
  it('decays after `patience` evaluations without a strictly better value, never below minLr', () => {
    const opt = sgd(1);
    const p = new fv.optim.PlateauLR(opt, { factor: 0.5, patience: 2, minLr: 0.2 });
    const seen = [5, 4, 4, 6, 3, 3, 3, 3, 3, 3, 3, 3].map((v, i) => ({ ...p.observe(v, i + 1), lr: opt.lr }));
    expect(seen.map((s) => s.improved)).toEqual([true, true, false, false, true, false, false, false, false, false, false, false]);
    expect(seen.map((s) => s.lr)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]);
    expect(seen.map((s) => s.decayed)).toEqual([false, false, false, true, false, false, true, false, true, false, false, false]);
    expect(p.stateDict()).toEqual({ lr: 0.2, best: 3, bestStep: 5, bad: 1 });
    expect(p.observe(NaN, 13).improved).toBe(false);
  });

  it('a state dict restores lr, best and the count; bad states and options are refused', () => {
    const a = sgd(1);
    const p = new fv.optim.PlateauLR(a, { patience: 3 });
    p.observe(2, 10);
    p.observe(2.5, 20);
    const b = sgd(7);
    const q = new fv.optim.PlateauLR(b, { patience: 3 });
    q.loadStateDict(JSON.parse(JSON.stringify(p.stateDict())));
    expect([b.lr, q.best, q.bestStep, q.bad]).toEqual([1, 2, 10, 1]);
    expect(new fv.optim.PlateauLR(sgd()).stateDict()).toEqual({ lr: 1, best: null, bestStep: 0, bad: 0 });
    expect(() => q.loadStateDict({ lr: -1, best: null, bestStep: 0, bad: 0 }, 'ck.safetensors')).toThrow(/PlateauLR\.loadStateDict: ck\.safetensors: lr -1 is not a non-negative number/);
    expect(() => q.loadStateDict({ lr: 1, best: 'x', bestStep: 0, bad: 0 })).toThrow(/best x is neither null nor a finite number/);
    expect(() => q.loadStateDict({ lr: 1, best: null, bestStep: 0, bad: 0.5 })).toThrow(/bad 0\.5 is not a non-negative integer/);
    expect(() => q.loadStateDict({ lr: 1, best: null, bestStep: 0, bad: 0, extra: 1 })).toThrow(/unknown option 'extra'/);
    expect(b.lr).toBe(1); // unchanged by the refused states
    expect(() => new fv.optim.PlateauLR(sgd(), { factor: 0 })).toThrow(/PlateauLR: factor must be a finite number in/);
    expect(() => new fv.optim.PlateauLR(sgd(), { patience: 0 })).toThrow(/PlateauLR: patience must be a positive integer/);
    expect(() => new fv.optim.PlateauLR(sgd(), { patiense: 2 } as never)).toThrow(/did you mean 'patience'/);
  });
});

const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

describe('DRAW training with validation selection and the plateau schedule', () => {
  const cfg: fv.models.DrawConfig = { width: 28, height: 28, channels: 1, T: 3, encoderSize: 8, decoderSize: 8, zSize: 4, attention: true, readN: 2, writeN: 3 };
  // Validation images inverted (1 − x: mostly ones where training images are mostly zeros): what the
  // model learns barely helps them, their bound stalls, and the schedule acts within a short run.
  const sets = (): { train: fv.models.ImageSet; valid: fv.models.ImageSet } => {
    const { train, valid } = fv.data.binarizedMnist();
    const inverted = Float32Array.from(valid.images.subarray(0, 64 * 784), (v) => 1 - v);
    return { train: { images: train.images.subarray(0, 256 * 784), shape: [256, 28, 28] }, valid: { images: inverted, shape: [64, 28, 28] } };
  };
  const make = (): { model: fv.models.DRAW; optimizer: fv.optim.Adam } => {
    const model = new fv.models.DRAW(cfg);
    return { model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 0.05 }) };
  };
  // Patience 1 and a floor: the lr halves on every stalled validation, down to 0.01.
  const opts = { steps: 16, batchSize: 16, evalEvery: 2, checkpointEvery: 3, plateau: { patience: 1, factor: 0.5, minLr: 0.01 }, stream: quiet };

  it('an interrupted run resumed equals the straight run: weights, metrics with lr and validation, best.safetensors, schedule', () => {
    const { train, valid } = sets();
    const straightDir = tmp();
    fv.seed(4);
    const a = make();
    const ra = trainDraw({ ...a, ...opts, train, valid, run: new RunFolder(straightDir) });
    const rows = new RunFolder(straightDir).readMetrics();
    const lrs = [...new Set(rows.map((r) => r.lr))];
    expect(lrs.length).toBeGreaterThan(1); // the schedule acted
    expect(lrs[0]).toBe(0.05);
    const evals = rows.filter((r) => typeof r.validNll === 'number');
    expect(evals.map((r) => r.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    const min = evals.reduce((m, r) => (Number(r.validNll) < Number(m.validNll) ? r : m));
    expect(readDrawExtras(join(straightDir, 'best.safetensors')).best).toEqual({ step: min.step, validNll: min.validNll, validImages: 64 });
    expect([ra.bestStep, ra.bestValidNll]).toEqual([min.step, min.validNll]);
    expect(readDrawExtras(join(straightDir, 'checkpoint.safetensors')).schedule).toMatchObject({ lr: ra.lr, best: min.validNll, bestStep: min.step });

    const resumedDir = tmp();
    fv.seed(4);
    const b = make();
    expect(() => trainDraw({ ...b, ...opts, train, valid, run: new RunFolder(resumedDir), onStep: (s) => { if (s === 11) throw new Error('killed'); } })).toThrow('killed');
    fv.seed(99);
    const c = make();
    const rc = trainDraw({ ...c, ...opts, train, valid, run: new RunFolder(resumedDir), resume: true });
    expect(c.model.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(a.model.parameters().map((p) => Array.from(p.toFloat32Array())));
    const strip = (rs: Record<string, unknown>[]) => rs.map((r) => ({ ...r, seconds: 0 }));
    expect(strip(new RunFolder(resumedDir).readMetrics())).toEqual(strip(rows));
    expect(readFileSync(join(resumedDir, 'best.safetensors'))).toEqual(readFileSync(join(straightDir, 'best.safetensors')));
    expect(readFileSync(join(resumedDir, 'checkpoint.safetensors'))).toEqual(readFileSync(join(straightDir, 'checkpoint.safetensors')));
    expect([rc.lr, rc.bestStep, rc.bestValidNll]).toEqual([ra.lr, ra.bestStep, ra.bestValidNll]);
    for (const m of [a, b, c]) m.model.dispose();
  });

  it('a checkpoint without schedule state (an earlier version) resumes at its lr with a fresh schedule, saying so once', () => {
    const { train, valid } = sets();
    const dir = tmp();
    fv.seed(5);
    const a = make();
    a.optimizer.lr = 0.02;
    saveDrawCheckpoint(join(dir, 'checkpoint.safetensors'), a.model, a.optimizer, 6); // as the earlier code wrote it: config only
    const said: string[] = [];
    const stream = { write: (s: string) => said.push(s), isTTY: false } as unknown as NodeJS.WriteStream;
    fv.seed(5);
    const b = make();
    const r = trainDraw({ ...b, ...opts, steps: 10, plateau: { patience: 100 }, train, valid, run: new RunFolder(dir), resume: true, stream });
    const notes = said.filter((s) => s.includes('no learning-rate schedule state'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/checkpoint\.safetensors \(step 6\) holds no learning-rate schedule state .*starts fresh at its lr 0\.02/);
    const rows = new RunFolder(dir).readMetrics();
    expect(rows.every((row) => row.lr === 0.02)).toBe(true);
    expect(rows.filter((row) => typeof row.validNll === 'number').map((row) => row.step)).toEqual([8, 10]);
    expect(readDrawExtras(join(dir, 'best.safetensors')).best?.step).toBe(r.bestStep);
    expect(readDrawExtras(join(dir, 'checkpoint.safetensors')).schedule).toMatchObject({ lr: 0.02, bestStep: r.bestStep });
    a.model.dispose();
    b.model.dispose();
  });

  it('train draw reports the test bound of the best-validation weights, logged once at the end', async () => {
    const dir = tmp();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const s = await trainDrawRun({ preset: 'mnist', override: { T: 2, encoderSize: 8, decoderSize: 8, zSize: 2 }, steps: 6, batchSize: 16, lr: 1e-2, clip: 10, seed: 0, evalEvery: 2, evalLimit: 32, testLimit: 48, run: new RunFolder(dir), resume: false, device: 'cpu' });
      const rows = new RunFolder(dir).readMetrics();
      const evals = rows.filter((r) => typeof r.validNll === 'number');
      const best = evals.reduce((m, r) => (Number(r.validNll) < Number(m.validNll) ? r : m));
      expect(s.bestStep).toBe(best.step);
      expect(s.bestValidNll).toBe(best.validNll);
      const tested = rows.filter((r) => 'testNllBest' in r);
      expect(tested).toHaveLength(1);
      expect(tested[0]).toMatchObject({ step: 6, bestStep: best.step, testImages: 48 });
      expect(rows.some((r) => 'testNll' in r)).toBe(false);
      // The number is the bound of best.safetensors on the first 48 test images.
      const m = new fv.models.DRAW({ ...fv.models.DRAW_PRESETS.mnist, T: 2, encoderSize: 8, decoderSize: 8, zSize: 2 });
      fv.io.loadCheckpoint(join(dir, 'best.safetensors'), { model: m, restoreRng: false });
      expect(s.testNllBound).toBeCloseTo(m.nllBound(fv.data.binarizedMnist().test, { limit: 48 }).nll, 4);
      m.dispose();
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
      expect(results.testNllBound).toBe(s.testNllBound);
      expect(String(log.mock.calls.at(-1)![0])).toMatch(/test NLL bound ≤ [\d.]+ nats on 48 test images, the best validation weights \(step \d, validation ≤ [\d.]+ on 32 images\)/);
      // Continued further: the clock goes on from the last timed row (not the test row), and a second test row follows.
      const before = Number(rows.filter((r) => typeof r.seconds === 'number').at(-1)!.seconds);
      await trainDrawRun({ preset: 'mnist', override: { T: 2, encoderSize: 8, decoderSize: 8, zSize: 2 }, steps: 8, batchSize: 16, lr: 1e-2, clip: 10, seed: 0, evalEvery: 2, evalLimit: 32, testLimit: 48, run: new RunFolder(dir), resume: true, device: 'cpu' });
      const more = new RunFolder(dir).readMetrics();
      expect(more.filter((r) => r.step > 6 && typeof r.seconds === 'number').every((r) => Number(r.seconds) >= before)).toBe(true);
      expect(more.filter((r) => 'testNllBest' in r).map((r) => r.step)).toEqual([6, 8]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});

describe('plot draw', () => {
  it('draws the bound (smoothed training, validation, earlier test rows) over the lr panel for several runs', async () => {
    const root = tmp();
    const runs = ['att', 'noattn'].map((name, k) => {
      const dir = join(root, name);
      mkdirSync(dir);
      const rows: Record<string, number>[] = [];
      for (let step = 50; step <= 3000; step += 50) {
        const lr = step <= 2000 ? 1e-3 : 5e-4;
        rows.push({ step, loss: 200 - step / 30 + k * 5 + (step % 100 ? 3 : -3), lx: 0, lz: 0, ...(step > 500 ? { lr } : {}), seconds: step / 10, ...(step % 500 === 0 ? (step <= 500 ? { testNll: 150 - k } : { validNll: 160 - step / 40 }) : {}) });
      }
      rows.push({ step: 3000, bestStep: 3000, testNllBest: 90 }); // the end-of-run row: not a curve point
      writeFileSync(join(dir, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''));
      return dir;
    });
    const out = join(root, 'curves.svg');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await plotDrawCommand(['--runs', runs.join(','), '--labels', 'attention,no attention', '--out', out]);
      expect(String(log.mock.calls[0]![0])).toBe(`wrote ${out} (attention: 3000 steps, no attention: 3000 steps)`);
    } finally {
      log.mockRestore();
    }
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/<svg /g)).toHaveLength(3); // the page and its two panels
    for (const label of ['attention: training (batches)', 'attention: validation', 'attention: test (before validation selection)', 'no attention: validation', 'Adam lr']) expect(svg).toContain(label);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(trailingMean([1, 3, 5, 7], 2)).toEqual([1, 2, 4, 6]);
    // The two panels' plot areas start at the same x, so their step axes line up.
    const lefts = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="none" stroke="#333"\/>/g)].map((m) => m[1]);
    expect(lefts).toHaveLength(2);
    expect(lefts[0]).toBe(lefts[1]);
    expect(() => fv.viz.linePlot([{ label: 'a', x: [1], y: [1] }], { legend: 'left' as 'right' })).toThrow(/linePlot: legend must be 'right' or 'below', got "left"/);
    await expect(plotDrawCommand(['--runs', join(root, 'none')])).rejects.toThrow(/^plot draw: .*none holds no metrics\.jsonl \(not a run folder\)$/);
    await expect(plotDrawCommand(['--runs', runs.join(','), '--labels', 'one'])).rejects.toThrow(/^plot draw: 1 --labels for 2 --runs$/);
    await expect(plotDrawCommand([])).rejects.toThrow(/^plot draw: --runs DIR\[,DIR\] is required$/);
  });
});
