// DRAW (PAPERS.md §1): the optimised rollout equals the literal equations, the KL
// is exact, the loss gradchecks in float64, a few steps on real binarised MNIST
// lower the loss, generation shapes, exact resume, and clear errors on bad input.
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';
import { drawBatchAt, loadDrawCheckpoint, readDrawConfig, saveDrawCheckpoint, trainDraw } from '../../src/train/draw.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { evalDrawCommand, sampleDrawCommand } from '../../src/cli/eval-draw.js';
import { writeDrawPictures } from '../../src/train/draw-pictures.js';
import { literalDrawLoss } from './draw-literal.js';

type Config = fv.models.DrawConfig;
const tiny = (over: Partial<Config> = {}): Config => ({ width: 6, height: 5, channels: 1, T: 3, encoderSize: 4, decoderSize: 3, zSize: 2, attention: true, readN: 2, writeN: 3, ...over });
const f64 = (t: Tensor): Tensor => fv.tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });
const tmp = (): string => mkdtempSync(join(tmpdir(), 'draw-'));

/** Float64 copies of a model's weights, by name, and float64 noise for T steps. */
function float64Setup(c: Config, batch: number, seed = 1): { names: string[]; weights: Tensor[]; x: Tensor; eps: Tensor[] } {
  fv.seed(seed);
  const m = new fv.models.DRAW(c);
  const named = m.namedParameters();
  // Larger-than-init weights so every path (windows, gates) is exercised.
  const weights = named.map(([, p]) => fv.tensor(Float64Array.from(p.toFloat64Array(), (v) => v * 3), p.shape, { dtype: 'float64' }));
  const per = c.channels * c.height * c.width;
  const x = f64(fv.rand([batch, per]));
  const eps = Array.from({ length: c.T }, () => f64(fv.randn([batch, c.zSize])));
  m.dispose();
  return { names: named.map(([n]) => n), weights, x, eps };
}

describe('DRAW model', () => {
  it('builds the Table 3 presets with the right sizes', () => {
    fv.seed(0);
    const m = new fv.models.DRAW('mnist');
    expect(m.config).toMatchObject({ T: 64, encoderSize: 256, decoderSize: 256, zSize: 100, readN: 2, writeN: 5, attention: true });
    // encoder input: 2 glimpses of 2×2 + h_dec (256) → [1024, 264]
    expect(m.encoder.weightIh.shape).toEqual([1024, 264]);
    expect(m.writePatch.weight.shape).toEqual([25, 256]);
    const n = new fv.models.DRAW('mnist-noattn');
    expect(n.encoder.weightIh.shape).toEqual([1024, 2 * 784 + 256]);
    expect(n.writePatch.weight.shape).toEqual([784, 256]);
    expect(n.readAttention).toBeUndefined();
    expect(fv.models.DRAW_PRESETS.cifar).toMatchObject({ width: 32, channels: 3, T: 64, encoderSize: 400, zSize: 200, readN: 5, writeN: 5 });
    expect(fv.models.DRAW_PRESETS.svhn).toMatchObject({ T: 32, encoderSize: 800, readN: 12, writeN: 12 });
    for (const t of [m, n]) t.dispose();
  });

  for (const cfg of [tiny(), tiny({ attention: false }), tiny({ channels: 3, width: 4, height: 5 })]) {
    const label = `${cfg.attention ? 'attention' : 'no attention'}, ${cfg.channels} channel(s)`;
    it(`the optimised rollout equals the literal equations, loss and KL exact (${label})`, () => {
      fv.tidy(() => {
        const { names, weights, x, eps } = float64Setup(cfg, 3);
        const w = Object.fromEntries(names.map((n, i) => [n, weights[i]!]));
        const fast = fv.models.drawLoss(cfg, w, x, (t) => eps[t]!);
        const lit = literalDrawLoss(cfg, w, x, (t) => eps[t]!);
        expect(Math.abs(fast.loss.item() - lit.loss.item())).toBeLessThan(1e-10);
        // The KL against the direct float64 formula ½ Σ_t Σ_k (μ² + σ² − log σ² − 1).
        let direct = 0;
        lit.mus.forEach((mu, t) => {
          const m = mu.toFloat64Array();
          const ls = lit.logSigmas[t]!.toFloat64Array();
          for (let k = 0; k < m.length; k++) direct += 0.5 * (m[k]! ** 2 + Math.exp(2 * ls[k]!) - 2 * ls[k]! - 1);
        });
        expect(Math.abs(fast.lzSum.item() - direct)).toBeLessThan(1e-10 * Math.max(1, direct));
        expect(direct).toBeGreaterThan(0);
        // L^x from logits: −Σ [x log σ(c) + (1−x) log(1−σ(c))].
        const { logits } = fv.models.drawRollout(cfg, w, x, (t) => eps[t]!);
        const cv = logits.toFloat64Array();
        const xv = x.toFloat64Array();
        let lx = 0;
        for (let i = 0; i < cv.length; i++) lx -= xv[i]! * Math.log(1 / (1 + Math.exp(-cv[i]!))) + (1 - xv[i]!) * Math.log(1 - 1 / (1 + Math.exp(-cv[i]!)));
        expect(Math.abs(fast.lxSum.item() - lx)).toBeLessThan(1e-9 * lx);
        expect(Math.abs(fast.loss.item() - (lx + direct) / 3)).toBeLessThan(1e-9 * lx);
      });
    });
  }

  for (const attention of [true, false]) {
    it(`gradchecks the loss in float64 (${attention ? 'attention' : 'no attention'})`, () => {
      const cfg = tiny({ attention, T: 2 });
      const { names, weights, x, eps } = float64Setup(cfg, 2, 5);
      const r = fv.autograd.gradcheck((...ws) => fv.models.drawLoss(cfg, Object.fromEntries(names.map((n, i) => [n, ws[i]!])), x, (t) => eps[t]!).loss, weights, { atol: 1e-6, rtol: 1e-4 });
      expect(r.failures).toEqual([]);
      expect(r.ok).toBe(true);
    });
  }

  it('draws fresh ε at every step from the seeded stream', () => {
    const cfg = tiny({ T: 4 });
    fv.seed(3);
    const m = new fv.models.DRAW(cfg);
    const x = fv.rand([2, 30]);
    const before = fv.getRngState().offset;
    const a = fv.tidy(() => m.loss(x).loss.item());
    expect(fv.getRngState().offset - before).toBe(cfg.T * 2 * cfg.zSize);
    const b = fv.tidy(() => m.loss(x).loss.item());
    expect(a).not.toBe(b); // another sample of z
    m.dispose();
    x.dispose();
  });

  it('generates T canvases in [0, 1] and a write window per sample and step', () => {
    for (const cfg of [tiny({ T: 5 }), tiny({ T: 4, attention: false }), tiny({ channels: 3, T: 2 })]) {
      fv.seed(2);
      const m = new fv.models.DRAW(cfg);
      const before = fv.memory().numTensors;
      const g = m.generate(7);
      expect(fv.memory().numTensors).toBe(before);
      expect(g.canvases).toHaveLength(cfg.T);
      for (const c of g.canvases) {
        expect(c.length).toBe(7 * cfg.channels * cfg.height * cfg.width);
        expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
      expect(g.windows).toHaveLength(cfg.T);
      for (const w of g.windows) {
        expect(w).toHaveLength(cfg.attention ? 7 : 0);
        for (const r of w) expect([r.x0, r.y0, r.x1, r.y1, r.sigma].every(Number.isFinite) && r.x1 >= r.x0).toBe(true);
      }
      m.dispose();
    }
  });

  it('places the write window as the paper says: g̃ = 0 centres it, δ̃ = 1 spans the image', () => {
    const w = fv.models.attentionWindow([0, 0, 0, 0, 0], 5, 28, 28);
    expect(w.x0).toBeCloseTo(0);
    expect(w.x1).toBeCloseTo(27);
    expect((w.y0 + w.y1) / 2).toBeCloseTo(13.5);
    const e = fv.models.attentionWindow([-1, 1, Math.log(4), Math.log(0.1), 0], 5, 28, 28);
    expect((e.x0 + e.x1) / 2).toBeCloseTo(-1); // gX = 0 (1-based) → pixel −1
    expect((e.y0 + e.y1) / 2).toBeCloseTo(28);
    expect(e.sigma).toBeCloseTo(2);
  });

  it('a few training steps on real binarised MNIST lower the loss', () => {
    const { train, test } = fv.data.binarizedMnist();
    fv.seed(0);
    const m = new fv.models.DRAW({ ...fv.models.DRAW_PRESETS.mnist, T: 4, encoderSize: 32, decoderSize: 32, zSize: 8 });
    const opt = new fv.optim.Adam(m.parameters(), { lr: 1e-2 });
    const sub = { images: test.images.subarray(0, 200 * 784), shape: [200, 28, 28] };
    const before = m.nllBound(sub).nll;
    const losses: number[] = [];
    trainDraw({ model: m, optimizer: opt, train, steps: 20, batchSize: 32, onStep: (_, l) => losses.push(l), stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream });
    const after = m.nllBound(sub).nll;
    expect(losses[0]).toBeGreaterThan(400); // σ(c) ≈ ½ everywhere: ≈ 784·log 2 = 543 nats
    expect(after).toBeLessThan(before - 150);
    expect(m.nllBound(sub).nll).toBe(after); // the bound's own noise stream: deterministic
    m.dispose();
  });
});

const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

describe('DRAW training runs', () => {
  const cfg = tiny({ width: 28, height: 28, T: 3, encoderSize: 8, decoderSize: 8, zSize: 4 });
  const data = (): fv.models.ImageSet => {
    const { test } = fv.data.binarizedMnist();
    return { images: test.images.subarray(0, 256 * 784), shape: [256, 28, 28] };
  };
  const make = (): { model: fv.models.DRAW; optimizer: fv.optim.Adam } => {
    const model = new fv.models.DRAW(cfg);
    return { model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 3e-3 }) };
  };

  it('an interrupted run resumed equals the straight run (weights, metrics, RNG)', () => {
    const ds = data();
    const straightDir = tmp();
    fv.seed(9);
    const a = make();
    trainDraw({ ...a, train: ds, valid: ds, evalLimit: 64, steps: 8, batchSize: 16, evalEvery: 4, checkpointEvery: 2, run: new RunFolder(straightDir), stream: quiet });
    const resumedDir = tmp();
    fv.seed(9);
    const b = make();
    const crash = (s: number): void => {
      if (s === 5) throw new Error('killed');
    };
    // Killed during step 5 (after its update, before its checkpoint): the last checkpoint is step 4's.
    expect(() => trainDraw({ ...b, train: ds, valid: ds, evalLimit: 64, steps: 8, batchSize: 16, evalEvery: 4, checkpointEvery: 2, run: new RunFolder(resumedDir), stream: quiet, onStep: crash })).toThrow('killed');
    fv.seed(123); // a fresh process: the RNG must come from the checkpoint
    const c = make();
    trainDraw({ ...c, train: ds, valid: ds, evalLimit: 64, steps: 8, batchSize: 16, evalEvery: 4, checkpointEvery: 2, run: new RunFolder(resumedDir), resume: true, stream: quiet });
    const wa = a.model.parameters().map((p) => Array.from(p.toFloat32Array()));
    const wc = c.model.parameters().map((p) => Array.from(p.toFloat32Array()));
    expect(wc).toEqual(wa);
    const strip = (rows: fv.models.ImageSet[] | Record<string, unknown>[]) => rows.map((r) => ({ ...(r as Record<string, unknown>), seconds: 0 }));
    expect(strip(new RunFolder(resumedDir).readMetrics())).toEqual(strip(new RunFolder(straightDir).readMetrics()));
    for (const m of [a, b, c]) m.model.dispose();
  });

  it('checkpoints hold the config; sample draw writes the pictures', () => {
    const dir = tmp();
    fv.seed(1);
    const { model, optimizer } = make();
    saveDrawCheckpoint(join(dir, 'ck.safetensors'), model, optimizer, 7);
    expect(readDrawConfig(join(dir, 'ck.safetensors'))).toEqual(cfg);
    const out = join(dir, 'pics');
    return sampleDrawCommand(['--checkpoint', join(dir, 'ck.safetensors'), '--out', out]).then(() => {
      expect(readdirSync(out).sort()).toEqual(['samples.png', 'sequence.gif', 'sequence.png']);
      model.dispose();
    });
  });

  it('eval draw prints the test bound of a checkpoint on its data, equal to nllBound', async () => {
    const dir = tmp();
    fv.seed(2);
    const m = new fv.models.DRAW(tiny({ width: 28, height: 28 }));
    saveDrawCheckpoint(join(dir, 'ck.safetensors'), m, undefined, 11);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await evalDrawCommand(['--checkpoint', join(dir, 'ck.safetensors'), '--limit', '32', '--json']);
      const r = JSON.parse(String(log.mock.calls[0]![0])) as { step: number; testImages: number; nll: number; lx: number; lz: number };
      expect(r.step).toBe(11);
      expect(r.testImages).toBe(32);
      const want = m.nllBound(fv.data.binarizedMnist().test, { seed: 0, limit: 32 });
      expect(r.nll).toBeCloseTo(want.nll, 4);
      expect(r.nll).toBeCloseTo(r.lx + r.lz, 4);
    } finally {
      log.mockRestore();
      m.dispose();
    }
    await expect(evalDrawCommand(['--limit', '3'])).rejects.toThrow(/eval draw: --checkpoint F or --pretrained mnist\|mnist-noattn is required/);
  });

  it('pictures of a colour model are written too', () => {
    const dir = tmp();
    fv.seed(1);
    const m = new fv.models.DRAW(tiny({ channels: 3, width: 8, height: 8, T: 3 }));
    const p = writeDrawPictures(m, dir, { samples: 4, rows: 2, columns: 3 });
    for (const f of Object.values(p)) expect(existsSync(f)).toBe(true);
    m.dispose();
  });
});

describe('DRAW bad input', () => {
  it('rejects images of the wrong size for the model, naming the expected size', () => {
    fv.seed(0);
    const m = new fv.models.DRAW(tiny({ width: 28, height: 28 }));
    const x = fv.zeros([2, 32, 32]);
    expect(() => m.loss(x)).toThrow(/DRAW\.loss: images \[2,32,32\] do not fit this model: it takes \[batch,28,28\]/);
    expect(() => m.nllBound({ images: new Float32Array(3 * 1024), shape: [3, 32, 32] })).toThrow(/DRAW\.nllBound: dataset images \[3,32,32\] do not fit this model's 1×28×28 images/);
    const opt = new fv.optim.Adam(m.parameters());
    expect(() => trainDraw({ model: m, optimizer: opt, train: { images: new Float32Array(4 * 1024), shape: [4, 32, 32] }, steps: 1, batchSize: 2, stream: quiet })).toThrow(
      /train draw: training images are \[32,32\] but the model takes 1×28×28/,
    );
    expect(() => new fv.models.DRAW('mnistt' as 'mnist')).toThrow(/unknown preset 'mnistt'/);
    expect(() => new fv.models.DRAW({ ...tiny(), channels: 2 as 1 })).toThrow(/config\.channels must be 1 or 3, got 2/);
    expect(() => new fv.models.DRAW({ ...tiny(), T: 0 })).toThrow(/config\.T must be a positive integer, got 0/);
    m.dispose();
    x.dispose();
  });

  it('rejects a checkpoint of another model and a DRAW of another shape, changing nothing', () => {
    const dir = tmp();
    fv.seed(0);
    const mlp = fv.models.mnistMlp({ hidden: 8 });
    fv.io.saveCheckpoint(join(dir, 'mlp.safetensors'), { model: mlp, step: 1 });
    const m = new fv.models.DRAW(tiny());
    const w0 = m.parameters().map((p) => Array.from(p.toFloat32Array()));
    expect(() => loadDrawCheckpoint(join(dir, 'mlp.safetensors'), m)).toThrow(/not a DRAW checkpoint \(its metadata has no draw_config/);
    const other = new fv.models.DRAW(tiny({ T: 5, zSize: 3 }));
    saveDrawCheckpoint(join(dir, 'other.safetensors'), other, undefined, 3);
    expect(() => loadDrawCheckpoint(join(dir, 'other.safetensors'), m)).toThrow(/holds a different DRAW \(checkpoint vs this model: T: 5 vs 3, zSize: 3 vs 2\)/);
    expect(m.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(w0);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a safetensors file at all');
    expect(() => readDrawConfig(join(dir, 'junk.safetensors'))).toThrow(/junk\.safetensors/);
    const out = join(dir, 'never');
    return expect(sampleDrawCommand(['--checkpoint', join(dir, 'mlp.safetensors'), '--out', out]))
      .rejects.toThrow(/not a DRAW checkpoint/)
      .then(() => {
        expect(existsSync(out)).toBe(false); // nothing half-written
        for (const t of [mlp, m, other]) t.dispose();
      });
  });

  it('an output folder that cannot be written fails before any work', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new RunFolder(join(dir, 'file', 'run'))).toThrow(/run folder .* cannot be written/);
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      expect(() => new RunFolder(join(dir, 'ro'))).toThrow(/cannot be written/);
    }
  });

  it('step-addressed batches are a pure function of (step, seed)', () => {
    const ds = { images: Float32Array.from({ length: 10 * 4 }, (_, i) => i), shape: [10, 2, 2] };
    const a = drawBatchAt(ds, 7, 3, 5).toFloat32Array();
    drawBatchAt(ds, 1, 3, 9).dispose();
    expect(drawBatchAt(ds, 7, 3, 5).toFloat32Array()).toEqual(a);
  });
});
