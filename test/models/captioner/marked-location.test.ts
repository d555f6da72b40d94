// Hard attention's learning rule on a task that needs it: L = 16 locations, each holding
// one of C = 8 classes (one-hot + noise); one location's marker channel is on, and the
// caption begins with the class written at the marked location. The other locations hold
// random classes, so ā says next to nothing of it: the model must look.
// 1. Every batch sampled (expectedProb 0), so α learns from the REINFORCE term alone (the
//    paper's mixture lets the expected-α half teach α as soft attention does, which would
//    hide a broken estimator); λ_r = 0 is the control. With the term's sign flipped this
//    stays at chance (21% right, α on the mark 0.04).
// 2. The paper's recipe (half the batches expected α, dropout 0.5) on captions of 1–11
//    words, one length per batch as the paper's buckets: with the reward per caption (the
//    paper's notation; foveate's default before issue 12) it stays at chance (10%, α 0.08)
//    at step 500; per word (the authors' code; now the default) 100%, α 0.999.
// Measured while tracing issue 12 with the same task in a script (2-core Xeon under load;
// LSTM 32, Adam 1e-2, batches of 32; one run per seed, so counts of runs, not rates):
// - recipe 2, 600 steps, seeds 1–4: per word learns at 2 (by step 500) and 4 (600), is
//   taking off at 3 (40% right, α 0.72), not at 1; per caption: none (α ≤ 0.08). Soft
//   attention, seed 2: by step 400. The per-caption reward moves with the batch's length
//   (baseline −9.7 to −13.9 nats against −1.7 to −1.8 per word), which b cannot follow.
// - one length (ten fixed fillers before the class, T = 12), dropout 0.5: the mixture's
//   first 400 steps are the same to two decimals of the baseline for λ_r = 0, 0.01, 0.1,
//   1, 10 and for λ_e = 0 (the REINFORCE term moves nothing there), and it is at chance to
//   step 1,200 while soft attention is at 100% by 800; with dropout 0 it learns by 400.
//   Three fillers, 300 steps, seeds 1–4: soft 2 of 4; the mixture with dropout 0.5 0 of 4,
//   0.2 2 of 4, 0 2 of 4. A reward from a dropout-free pass did not help (tried, not kept).
// - pure REINFORCE, captions "<class> <eos>", dropout 0: learns by step 300–400 at 3 of 4
//   seeds; dropout 0.5: 1 of 4 by step 400.
// The estimator is exact in expectation (gradients.test.ts enumerates it); what is slow is
// the decoder learning to use a sampled location that is the mark 1 time in 16, which
// dropout 0.5 slows further, and (fixed here) a reward that moves with caption length.
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { type Tensor } from '../../../src/index.js';
import { trainCaptioner } from '../../../src/train/captioner.js';
import { makeRng } from '../../helpers/random.js';

const L = 16;
const C = 8;
const D = C + 1;
const FILLERS = ['the', 'is', 'here', 'look'];
const words = ['<pad>', '<start>', '<eos>', '<unk>', ...FILLERS, ...Array.from({ length: C }, (_, i) => `class${i}`)];
const vocab = { size: words.length, padId: 0, startId: 1, eosId: 2, unkId: 3, words };
const CLASS0 = 4 + FILLERS.length;

/** A small seeded generator (mulberry32), independent of fv's stream. */
const rng = (seed: number): (() => number) => makeRng(seed).next;

/**
 * n images from `seed`: annotations [n,L,D], captions "<class> <eos>", or with `fillers`
 * "<class>" then 0–10 filler words drawn at random (one count per batch, as the paper's
 * batches hold captions of one length) and <eos>; and the marked location of each.
 */
function marked(n: number, seed: number, fillers = false): { annotations: Tensor; tokens: Tensor; where: number[] } {
  const r = rng(seed);
  const F = fillers ? Math.floor(r() * 11) : 0;
  const T = F + 2;
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
    const caption = [CLASS0 + cls];
    for (let f = 0; f < F; f++) caption.push(4 + Math.floor(r() * 4));
    toks.set([...caption, 2], b * T);
  }
  return { annotations: fv.tensor(a, [n, L, D]), tokens: fv.tensor(toks, [n, T]), where };
}

/** Trains on fresh batches from `seed`; scores the first word of greedy captions of 200 held-out images. */
function learn(seed: number, steps: number, options: Partial<fv.models.CaptionerOptions>, fillers: boolean) {
  fv.seed(seed);
  const model = new fv.models.Captioner({ vocab, annotationSize: D, attention: 'hard', lstmSize: 32, embedSize: 16, attentionSize: 16, doublyStochastic: 0, ...options });
  const optimizer = new fv.optim.Adam(model.parameters(), { lr: 1e-2 });
  const r = trainCaptioner({ model, optimizer, steps, train: { batch: (step) => { const d = marked(32, 1000 + step, fillers); return { annotations: d.annotations, tokens: d.tokens }; } } });
  const test = marked(200, 7);
  const caps = model.eval().greedy(test.annotations, { maxLength: 3 });
  const want = test.tokens.toInt32Array();
  let right = 0;
  let mass = 0;
  caps.forEach((c, b) => {
    right += c.tokens[0] === want[b * 2] ? 1 : 0;
    mass += c.alphas[0]![test.where[b]!]!;
  });
  model.dispose();
  const out = { right: right / 200, mass: mass / 200 };
  console.log(`marked-location task${fillers ? ' with 0–10 filler words' : ''}, ${JSON.stringify(options)}, ${steps} steps of 32: ${JSON.stringify(out)} (chance 0.125, α on the mark 1/16); ${((r.seconds * 1000) / steps).toFixed(0)} ms/step`);
  return out;
}

describe('hard attention on the marked-location task', () => {
  it('REINFORCE alone (every batch sampled, λ_r 0.1, dropout 0) learns to look at the mark and name its class; with λ_r = 0 α stays put', () => {
    const taught = learn(2, 400, { dropout: 0, hard: { expectedProb: 0 } }, false);
    expect(taught.right).toBeGreaterThan(0.9);
    expect(taught.mass).toBeGreaterThan(0.8);
    const control = learn(2, 400, { dropout: 0, hard: { expectedProb: 0, reinforceWeight: 0 } }, false);
    expect(control.right).toBeLessThan(0.3);
    expect(control.mass).toBeLessThan(0.15);
  });

  it("the paper's recipe (mixture, dropout 0.5) on captions of 1–11 words learns it with the reward per word (the default)", () => {
    const r = learn(2, 500, {}, true);
    expect(r.right).toBeGreaterThan(0.9);
    expect(r.mass).toBeGreaterThan(0.8);
  });
});
