// Hard attention's learning rule on a task that needs it: L = 16 locations, each holding
// one of C = 8 classes (one-hot + noise); one location's marker channel is on, and the
// caption is "<class> <eos>" with the class written at the marked location. The other
// locations hold random classes, so ā says next to nothing of it: the model must look.
// With expectedProb 0 every batch samples its locations, so α learns from the REINFORCE
// term alone (the paper's mixture lets the expected-α half teach α as soft attention
// does, which would hide a broken estimator); λ_r = 0 is the control.
// Measured while tracing issue 12 (2-core Xeon under load; LSTM 32, Adam 1e-2, batches of
// 32; one run per seed, so these are counts of runs, not rates):
// - this test's set-up learns (100% right, α on the mark > 0.99 by step 400) at seeds 2 and
//   3; with the REINFORCE term's sign flipped it stays at chance (21%, α 0.04);
// - pure REINFORCE with dropout 0.5 took off by step 400 at 1 of 4 seeds;
// - with ten filler words before the class (T = 12, like a scenes caption) and dropout
//   0.5: soft attention 47% right at step 400, 100% at 800; the paper's mixture (expected α
//   half the time) at chance to step 1,200, and its first 400 steps are the same to two
//   decimals of the baseline for λ_r = 0, 0.01, 0.1, 1, 10 and for λ_e = 0 — the REINFORCE
//   term is not what moves α there; the mixture with dropout 0 learns by step 400;
// - three filler words, 300 steps, seeds 1–4: soft (dropout 0.5) 2 of 4, the mixture with
//   dropout 0.5 0 of 4, 0.2 2 of 4, 0 2 of 4; a reward read from a dropout-free pass (same
//   locations) did not help the 0.5 runs (tried, not kept).
// The estimator is checked exactly by enumeration in gradients.test.ts: it is right, and
// slow — the decoder must first learn to use a sampled location that is the mark 1 time
// in 16, and dropout 0.5 on the deep output slows that most.
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { type Tensor } from '../../../src/index.js';
import { trainCaptioner } from '../../../src/train/captioner.js';

const L = 16;
const C = 8;
const D = C + 1;
const words = ['<pad>', '<start>', '<eos>', '<unk>', ...Array.from({ length: C }, (_, i) => `class${i}`)];
const vocab = { size: words.length, padId: 0, startId: 1, eosId: 2, unkId: 3, words };
const T = 2;
const SEED = 2;
const STEPS = 400;

/** A small seeded generator (mulberry32), independent of fv's stream. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n images from `seed`: annotations [n,L,D], captions [n,T], and the marked location of each. */
function marked(n: number, seed: number): { annotations: Tensor; tokens: Tensor; where: number[] } {
  const r = rng(seed);
  const a = new Float32Array(n * L * D);
  const toks = new Int32Array(n * T);
  const where: number[] = [];
  for (let b = 0; b < n; b++) {
    const at = Math.floor(r() * L);
    where.push(at);
    let cls = 0;
    for (let i = 0; i < L; i++) {
      const k = Math.floor(r() * C);
      if (i === at) cls = k;
      const row = (b * L + i) * D;
      for (let j = 0; j < C; j++) a[row + j] = 0.1 * (r() - 0.5) + (j === k ? 1 : 0);
      a[row + C] = i === at ? 1 : 0;
    }
    toks.set([4 + cls, 2], b * T);
  }
  return { annotations: fv.tensor(a, [n, L, D]), tokens: fv.tensor(toks, [n, T]), where };
}

describe('hard attention on the marked-location task, every batch sampled', () => {
  /** Trains on fresh batches; scores greedy captions of 200 held-out images. */
  function learn(reinforceWeight: number, steps: number) {
    fv.seed(SEED);
    const hard = { expectedProb: 0, reinforceWeight };
    const model = new fv.models.Captioner({ vocab, annotationSize: D, attention: 'hard', lstmSize: 32, embedSize: 16, attentionSize: 16, doublyStochastic: 0, dropout: 0, hard });
    const optimizer = new fv.optim.Adam(model.parameters(), { lr: 1e-2 });
    const r = trainCaptioner({ model, optimizer, steps, train: { batch: (step) => { const d = marked(32, 1000 + step); return { annotations: d.annotations, tokens: d.tokens }; } } });
    const test = marked(200, 7);
    const caps = model.eval().greedy(test.annotations, { maxLength: T + 1 });
    const want = test.tokens.toInt32Array();
    let right = 0;
    let mass = 0;
    caps.forEach((c, b) => {
      right += c.tokens[0] === want[b * T] ? 1 : 0;
      mass += c.alphas[0]![test.where[b]!]!;
    });
    model.dispose();
    const out = { right: right / 200, mass: mass / 200 };
    console.log(`marked-location task, REINFORCE only (λ_r ${reinforceWeight}), ${steps} steps of 32: ${JSON.stringify(out)} (chance 0.125, α on the mark 1/16); ${((r.seconds * 1000) / steps).toFixed(0)} ms/step`);
    return out;
  }

  it('REINFORCE alone (λ_r 0.1, dropout 0) learns to look at the mark and name its class; with λ_r = 0 α stays put', () => {
    const taught = learn(0.1, STEPS);
    expect(taught.right).toBeGreaterThan(0.9);
    expect(taught.mass).toBeGreaterThan(0.8);
    const control = learn(0, STEPS);
    expect(control.right).toBeLessThan(0.3);
    expect(control.mass).toBeLessThan(0.15);
  });
});
