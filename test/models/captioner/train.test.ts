// trainCaptioner on a synthetic task where the caption depends on where a feature is:
// 9 locations (a 3×3 grid), each annotation = [kind channels (3), objectness (1),
// position code (one-hot of the location, 9)]; one location holds an object of one of
// 3 kinds, the others noise. Caption: "<kind> <where> <eos>". The mean-pooled baseline
// sees the kind (in ā) but not where (the position codes average to a constant), so
// it cannot say where; soft attention must find the object to name its place.
// Also: checkpoints, best weights and early stopping, resuming bit for bit.
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { type Tensor } from '../../../src/index.js';
import { RunFolder } from '../../../src/train/run-folder.js';
import { negativeNllPerWord, trainCaptioner, type CaptionBatches } from '../../../src/train/captioner.js';
import { makeRng } from '../../helpers/random.js';

const L = 9;
const D = 3 + 1 + L;
const KINDS = ['square', 'circle', 'star'];
const PLACES = ['top-left', 'top', 'top-right', 'left', 'centre', 'right', 'bottom-left', 'bottom', 'bottom-right'];
const words = ['<pad>', '<start>', '<eos>', '<unk>', ...KINDS, ...PLACES];
const vocab = { size: words.length, padId: 0, startId: 1, eosId: 2, unkId: 3, words };

/** A small seeded generator (mulberry32), independent of fv's stream. */
const rng = (seed: number): (() => number) => makeRng(seed).next;

/** n scenes from `seed`: annotations [n,L,D], tokens [n,3], and where each object is. */
function scenes(n: number, seed: number): { annotations: Tensor; tokens: Tensor; where: number[] } {
  const r = rng(seed);
  const a = new Float32Array(n * L * D);
  const toks = new Int32Array(n * 3);
  const where: number[] = [];
  for (let b = 0; b < n; b++) {
    const kind = Math.floor(r() * 3);
    const at = Math.floor(r() * L);
    where.push(at);
    for (let i = 0; i < L; i++) {
      const row = (b * L + i) * D;
      for (let k = 0; k < 3; k++) a[row + k] = 0.1 * (r() - 0.5) + (i === at && k === kind ? 1 : 0);
      a[row + 3] = i === at ? 1 : 0;
      a[row + 4 + i] = 1;
    }
    toks.set([4 + kind, 7 + at, 2], b * 3);
  }
  return { annotations: fv.tensor(a, [n, L, D]), tokens: fv.tensor(toks, [n, 3]), where };
}

const source = (batchSize: number): CaptionBatches => ({ batch: (step) => { const s = scenes(batchSize, 1000 + step); return { annotations: s.annotations, tokens: s.tokens }; } });

describe('trainCaptioner on "where is it" scenes', () => {
  const test = scenes(90, 7);

  /** Trains one mode on fresh batches and scores greedy captions of 90 held-out scenes. */
  function learn(attention: 'soft' | 'hard' | 'none', steps: number) {
    fv.seed(3);
    // λ = 0: with T = 3 words over L = 9 locations the doubly stochastic term (λ = 1) would ask
    // Σ_t α_ti ≈ 1 everywhere, i.e. near-uniform attention, and outweigh naming the place.
    const model = new fv.models.Captioner({ vocab, annotationSize: D, attention, lstmSize: 32, embedSize: 16, attentionSize: 16, doublyStochastic: 0 });
    const optimizer = new fv.optim.Adam(model.parameters(), { lr: 1e-2 });
    const r = trainCaptioner({ model, optimizer, train: source(32), steps });
    model.eval();
    const caps = model.greedy(test.annotations, { maxLength: 4 });
    const want = test.tokens.toInt32Array();
    let place = 0;
    let kind = 0;
    let mass = 0;
    let mass0 = 0;
    caps.forEach((c, b) => {
      kind += c.tokens[0] === want[b * 3] ? 1 : 0;
      place += c.tokens[1] === want[b * 3 + 1] ? 1 : 0;
      // α on the object's location at the word naming its kind (mass0) and its place (mass).
      if (attention !== 'none') {
        mass += c.alphas[1]![test.where[b]!]!;
        mass0 += c.alphas[0]![test.where[b]!]!;
      }
    });
    model.dispose();
    const out = { place: place / 90, kind: kind / 90, mass: mass / 90, mass0: mass0 / 90, msPerStep: (r.seconds * 1000) / steps };
    console.log(`where-scenes, ${attention}, ${steps} steps of 32: ${JSON.stringify(out)}`);
    return out;
  }

  it('soft attention learns to name the place (and looks there); the mean-pooled baseline cannot', () => {
    const soft = learn('soft', 250);
    const none = learn('none', 250);
    expect(soft.kind).toBeGreaterThan(0.95);
    expect(none.kind).toBeGreaterThan(0.95);
    expect(soft.place).toBeGreaterThan(0.9);
    // It looks at the object while naming its kind (α ≈ 1 there at word 1) and carries the
    // place in its state to word 2 (where α on the object is lower, ≈ 0.4 in this run).
    expect(soft.mass0).toBeGreaterThan(0.9);
    expect(soft.mass).toBeGreaterThan(1 / 9);
    // Chance is 1/9: ā carries no place.
    expect(none.place).toBeLessThan(0.3);
  });

  it('hard attention (REINFORCE, half the batches sampled) learns it too, more slowly', () => {
    const hard = learn('hard', 400);
    expect(hard.kind).toBeGreaterThan(0.95);
    expect(hard.place).toBeGreaterThan(0.9);
    expect(hard.mass0).toBeGreaterThan(0.9);
  });

  it('checkpoints, keeps the best weights, stops early, and a resumed run equals the straight one bit for bit (hard attention: coin, samples, baseline)', () => {
    const make = () => {
      fv.seed(5);
      const model = new fv.models.Captioner({ vocab, annotationSize: D, attention: 'hard', lstmSize: 8, embedSize: 4, attentionSize: 4 });
      return { model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 1e-2 }) };
    };
    const valid = [scenes(8, 99)].map((s) => ({ annotations: s.annotations, tokens: s.tokens }));
    const straight = make();
    trainCaptioner({ ...straight, train: source(4), steps: 6, valid, evalEvery: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'captioner-train-'));
    const first = make();
    trainCaptioner({ ...first, train: source(4), steps: 3, valid, evalEvery: 2, run: new RunFolder(dir) });
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(dir, 'best.safetensors'))).toBe(true);
    fv.seed(1234); // the checkpoint's RNG state must win over this
    const second = make();
    const r = trainCaptioner({ ...second, train: source(4), steps: 6, valid, evalEvery: 2, run: new RunFolder(dir), resume: true });
    expect(r.steps).toBe(6);
    const bits = (m: fv.nn.Module) => m.stateDict();
    const a = bits(straight.model);
    const b = bits(second.model);
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.toFloat32Array()), k).toEqual(Array.from(a[k]!.toFloat32Array()));
    expect(new RunFolder(dir).readMetrics().map((row) => row.step)).toEqual([2, 3, 4, 6]);
    // A validation score that never improves after the first stops the run after `patience` evaluations.
    let calls = 0;
    const stop = trainCaptioner({ ...make(), train: source(4), steps: 50, validate: () => (calls++ === 0 ? 1 : 0), evalEvery: 1, patience: 3 });
    expect(stop).toMatchObject({ steps: 4, stoppedEarly: true, bestStep: 1, bestScore: 1 });
    expect(negativeNllPerWord(first.model, valid)).toBeLessThan(0);
    expect(() => trainCaptioner({ ...make(), train: source(4), steps: 1, patiance: 2 } as never)).toThrow(/trainCaptioner: unknown option 'patiance' \(did you mean 'patience'\?\)/);
    expect(() => trainCaptioner({ ...make(), train: {} as never, steps: 1 })).toThrow(/train captioner: train must have a batch\(step\) method/);
  });
});
