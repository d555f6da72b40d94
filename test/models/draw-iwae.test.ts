// The importance-weighted bound (IWAE) of DRAW: its log-weights are the right
// estimator (the sampled log p(z) − log q(z) averages to −KL), the log-mean-exp is
// stable, K = 1 is exactly the one-sample bound, and more samples tighten it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { importanceLogWeights, iwaeNll } from '../../src/models/draw-iwae.js';
import { saveDrawCheckpoint } from '../../src/train/draw.js';
import { evalDrawCommand } from '../../src/cli/eval-draw.js';

/** A seeded normal sampler (Box–Muller on a small LCG) for the estimator test. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('DRAW IWAE bound', () => {
  it('the sampled log p(z) − log q(z) averages to −KL, and the pixel term is the stable BCE', () => {
    const z = 3;
    const mu = [0.7, -1.2, 0.1];
    const logSigma = [-0.5, 0.3, -1.5];
    const kl = mu.reduce((s, m, k) => s + 0.5 * (m * m + Math.exp(2 * logSigma[k]!) - 2 * logSigma[k]! - 1), 0);
    const draw = normals(7);
    const M = 20000;
    let sum = 0;
    let sq = 0;
    const logits = [50, -50, 0.3, -2];
    const x = [1, 1, 0, 1];
    const bce = logits.reduce((s, l, p) => s + (x[p] ? Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l))), 0);
    for (let i = 0; i < M; i++) {
      const noise = mu.map(() => draw());
      const w = importanceLogWeights(x, { logits, latents: [...mu, ...logSigma], noise }, 1, 1, z)[0]!;
      const ratio = w + bce;
      sum += ratio;
      sq += ratio * ratio;
    }
    const mean = sum / M;
    const se = Math.sqrt((sq / M - mean * mean) / M);
    expect(Math.abs(mean + kl)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.02);
    // With ε = 0 at μ = 0, σ = 1 the latent term vanishes: log w = −BCE exactly.
    const w0 = importanceLogWeights(x, { logits, latents: [0, 0, 0, 0, 0, 0], noise: [0, 0, 0] }, 1, 1, z)[0]!;
    expect(w0).toBeCloseTo(-bce, 10);
  });

  it('log-mean-exp is exact for equal weights and stable far from 0', () => {
    const rows = [Float64Array.of(-10000, -3), Float64Array.of(-10000, -3), Float64Array.of(-10000, -3)];
    expect(Array.from(iwaeNll(rows))).toEqual([10000, 3]);
    const two = iwaeNll([Float64Array.of(-5000), Float64Array.of(-5000 + Math.log(3))]);
    expect(two[0]).toBeCloseTo(5000 - Math.log(2), 9); // −log((1 + 3)/2 · e^−5000)
    expect(() => importanceLogWeights([1, 0], { logits: [1], latents: [0, 0], noise: [0] }, 1, 1, 1)).toThrow(/DRAW.iwaeBound: logits hold 1 values, expected 1×2/);
  });

  it('K = 1 is the one-sample bound; more samples tighten it', () => {
    fv.seed(3);
    const m = new fv.models.DRAW({ width: 28, height: 28, channels: 1, T: 4, encoderSize: 16, decoderSize: 16, zSize: 4, attention: true, readN: 2, writeN: 3 });
    const { test } = fv.data.binarizedMnist();
    try {
      const one = m.nllBound(test, { seed: 5, limit: 40 }).nll;
      expect(m.iwaeBound(test, { samples: 1, seed: 5, limit: 40 }).iwae).toBe(one);
      const k4 = m.iwaeBound(test, { samples: 4, seed: 5, limit: 40 });
      const k32 = m.iwaeBound(test, { samples: 32, seed: 5, limit: 40 });
      expect(k4).toMatchObject({ samples: 4, images: 40 });
      expect(k4.iwae).toBeLessThan(one);
      expect(k32.iwae).toBeLessThan(k4.iwae);
      // The same seed gives the same number; the training noise stream is left where it was.
      fv.seed(9);
      const next = fv.randn([2]).toFloat32Array();
      fv.seed(9);
      expect(m.iwaeBound(test, { samples: 4, seed: 5, limit: 40 }).iwae).toBe(k4.iwae);
      expect(fv.randn([2]).toFloat32Array()).toEqual(next);
      expect(() => m.iwaeBound(test, { samples: 0 })).toThrow(/DRAW.iwaeBound: samples must be a positive integer, got 0/);
      expect(() => m.iwaeBound(test, { sample: 4 } as never)).toThrow(/sample.*did you mean .samples./);
      expect(() => m.iwaeBound(test, { samples: 2, limit: 0 })).toThrow(/DRAW.iwaeBound: no images to evaluate/);
    } finally {
      m.dispose();
    }
  });

  it('eval draw --samples K prints both bounds, labelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'draw-iwae-'));
    fv.seed(2);
    const m = new fv.models.DRAW({ width: 28, height: 28, channels: 1, T: 3, encoderSize: 8, decoderSize: 8, zSize: 3, attention: false, readN: 2, writeN: 3 });
    saveDrawCheckpoint(join(dir, 'ck.safetensors'), m, undefined, 4);
    m.dispose();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await evalDrawCommand(['--checkpoint', join(dir, 'ck.safetensors'), '--limit', '16', '--samples', '8', '--json']);
      const r = JSON.parse(String(log.mock.calls[0]![0])) as { nll: number; iwae: number; iwaeSamples: number };
      expect(r.iwaeSamples).toBe(8);
      expect(r.iwae).toBeLessThan(r.nll);
      log.mockClear();
      await evalDrawCommand(['--checkpoint', join(dir, 'ck.safetensors'), '--limit', '8', '--samples', '2']);
      const text = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(text).toMatch(/one-sample bound: +−log p\(x\) ≤ [\d.]+ nats/);
      expect(text).toMatch(/IWAE bound, K = 2 +−log p\(x\) ≤ [\d.]+ nats/);
    } finally {
      log.mockRestore();
    }
    await expect(evalDrawCommand(['--checkpoint', join(dir, 'ck.safetensors'), '--samples', '0'])).rejects.toThrow(/eval draw: --samples/);
  });
});
