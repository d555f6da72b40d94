// The captioner as a model: parameter shapes and the count formula, overfitting one
// batch in each attention mode, the hard-attention baseline and coin, decoding (beam
// width 1 equals greedy, <eos> ends a caption, maxLength cuts it), checkpoints, and
// bad input.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { type Tensor } from '../../../src/index.js';
import { messageOf } from '../../helpers/errors.js';

const words = ['<pad>', '<start>', '<eos>', '<unk>', 'a', 'red', 'blue', 'square', 'circle', 'left', 'right', 'top'];
const vocab = { size: words.length, padId: 0, startId: 1, eosId: 2, unkId: 3, words };
const count = (m: fv.nn.Module): number => m.parameters().reduce((s, p) => s + p.size, 0);

describe('Captioner: shapes and parameter count', () => {
  it('the paper-sized decoder (K 10,000, m 512, n 1,000, D 512 over 196 locations): every weight named, count = the formula', () => {
    fv.seed(0);
    const big = { size: 10004, padId: 0, startId: 1, eosId: 2, unkId: 3 };
    const m = new fv.models.Captioner({ vocab: big, annotationSize: 512, lstmSize: 1000, embedSize: 512 });
    const shapes = Object.fromEntries(m.namedParameters().map(([n, p]) => [n, p.shape]));
    expect(shapes).toEqual({
      'embedding.weight': [10004, 512],
      'initH.weight': [1000, 512],
      'initH.bias': [1000],
      'initC.weight': [1000, 512],
      'initC.bias': [1000],
      'attentionProj.weight': [512, 512],
      'attentionProj.bias': [512],
      'attentionHidden.weight': [512, 1000],
      attentionV: [512],
      'selector.weight': [1, 1000],
      'selector.bias': [1],
      'lstm.weightIh': [4000, 1024],
      'lstm.weightHh': [4000, 1000],
      'lstm.biasIh': [4000],
      'lstm.biasHh': [4000],
      'outHidden.weight': [512, 1000],
      'outHidden.bias': [512],
      'outContext.weight': [512, 512],
      'outWord.weight': [10004, 512],
      'outWord.bias': [10004],
    });
    // By hand: E 5,122,048; init 1,026,000; attention 775,168; β 1,001; LSTM 8,104,000; output 5,906,708.
    expect(count(m)).toBe(20934925);
    expect(fv.models.captionerParameterCount(m.config)).toBe(20934925);
    m.dispose();
  });

  it('the formula holds for every mode and option (no attention drops the MLP and β; no selector drops β)', () => {
    fv.seed(0);
    for (const attention of ['soft', 'hard', 'none'] as const) {
      for (const selector of [true, false]) {
        const m = new fv.models.Captioner({ vocab, annotationSize: 6, attention, lstmSize: 5, embedSize: 4, attentionSize: 7, selector });
        expect(count(m), `${attention} selector ${selector}`).toBe(fv.models.captionerParameterCount(m.config));
        expect(m.baseline !== undefined).toBe(attention === 'hard');
        m.dispose();
      }
    }
  });
});

/** A batch where word 3 of each caption names the location of the one strong feature. */
function batch(B: number, L: number, D: number, seed: number): { annotations: Tensor; tokens: Tensor } {
  fv.seed(seed);
  const a = fv.randn([B, L, D], { std: 0.3 }).toFloat32Array();
  const toks = new Int32Array(B * 5);
  for (let b = 0; b < B; b++) {
    const where = b % L;
    for (let d = 0; d < D; d++) a[(b * L + where) * D + d]! += d === b % 3 ? 2 : 0;
    toks.set([4, [5, 6, 5][b % 3]!, [7, 8][b % 2]!, [9, 10, 11][where % 3]!, 2], b * 5);
  }
  return { annotations: fv.tensor(a, [B, L, D]), tokens: fv.tensor(toks, [B, 5]) };
}

describe('Captioner: training', () => {
  for (const attention of ['soft', 'hard', 'none'] as const) {
    it(`overfits one batch with ${attention} attention (Adam 1e-2, 150 steps): the loss falls by a large factor`, () => {
      const data = batch(8, 6, 10, 1);
      fv.seed(2);
      const m = new fv.models.Captioner({ vocab, annotationSize: 10, attention, lstmSize: 32, embedSize: 16, dropout: 0 });
      const opt = new fv.optim.Adam(m.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      const t0 = performance.now();
      for (let s = 0; s < 150; s++) {
        losses.push(
          fv.tidy(() => {
            opt.zeroGrad();
            const l = m.loss(data);
            l.backward();
            opt.step();
            return l.item();
          }),
        );
      }
      const ms = (performance.now() - t0) / 150;
      // The true −log p of the captions (expected α), in eval mode, before and after.
      m.eval();
      const nll = fv.tidy(() => fv.ops.mean(m.lossParts(data).nll).item());
      console.log(`${attention}: loss ${losses[0]!.toFixed(3)} → ${losses[149]!.toFixed(4)}; −log p per caption ${nll.toFixed(4)}; ${ms.toFixed(1)} ms/step (B 8, T 5, L 6)`);
      expect(losses[0]).toBeGreaterThan(9); // ≈ 5·log 12 + λ·reg at the start
      expect(nll).toBeLessThan(losses[0]! / 20);
      if (attention === 'hard') expect(m.baseline!.item()).toBeLessThan(0);
      // Greedy decoding now reproduces the captions it learned.
      const caps = m.greedy(data.annotations, { maxLength: 8 });
      const want = data.tokens.toInt32Array();
      caps.forEach((c, b) => expect(c.tokens).toEqual([...want.subarray(b * 5, b * 5 + 4)]));
      expect(caps[0]!.words).toEqual(caps[0]!.tokens.map((i) => words[i]));
      for (const t of [data.annotations, data.tokens]) t.dispose();
      m.dispose();
    });
  }

  it('hard attention flips one coin per mini-batch (about half sample) and the baseline follows b_k = 0.9 b_{k−1} + 0.1 r, r = log p per word', () => {
    const data = batch(4, 3, 5, 3);
    fv.seed(4);
    const m = new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'hard', lstmSize: 8, embedSize: 4 });
    let sampled = 0;
    let b = 0;
    for (let s = 0; s < 60; s++) {
      fv.tidy(() => {
        const p = m.lossParts(data);
        if (p.sampled) {
          sampled++;
          // Every caption here has 5 targets (4 words and <eos>, no <pad>).
          p.logPy.forEach((lp, i) => expect(p.reward[i]).toBeCloseTo(lp / 5, 12));
          b = 0.9 * b + 0.1 * (p.reward.reduce((x, y) => x + y, 0) / 4);
        }
        expect(m.baseline!.item()).toBeCloseTo(b, 4);
      });
    }
    expect(sampled).toBeGreaterThan(15);
    expect(sampled).toBeLessThan(45);
    // Out of training: always the expected α.
    m.eval();
    for (let s = 0; s < 5; s++) fv.tidy(() => expect(m.lossParts(data).sampled).toBe(false));
    m.dispose();
  });
});

describe('Captioner: decoding', () => {
  it('beam width 1 equals greedy (tokens, scores, α) for every mode; wider beams find captions at least as probable here', () => {
    const data = batch(5, 4, 6, 7);
    for (const attention of ['soft', 'hard', 'none'] as const) {
      fv.seed(8);
      const m = new fv.models.Captioner({ vocab, annotationSize: 6, attention, lstmSize: 12, embedSize: 6 }).eval();
      const g = m.greedy(data.annotations, { maxLength: 7 });
      const b1 = m.beamSearch(data.annotations, { beam: 1, maxLength: 7 });
      const b4 = m.beamSearch(data.annotations, { beam: 4, maxLength: 7 });
      g.forEach((c, i) => {
        expect(b1[i]!.tokens).toEqual(c.tokens);
        expect(b1[i]!.ended).toBe(c.ended);
        expect(b1[i]!.score).toBeCloseTo(c.score, 5);
        expect(b1[i]!.alphas.length).toBe(c.alphas.length);
        c.alphas.forEach((a, t) => a.forEach((v, l) => expect(b1[i]!.alphas[t]![l]).toBeCloseTo(v, 6)));
        // Each step's α is a distribution over the 4 locations; one per step taken.
        if (attention !== 'none') {
          expect(c.alphas.length).toBe(c.tokens.length + (c.ended ? 1 : 0));
          for (const a of c.alphas) expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        } else expect(c.alphas).toEqual([]);
        if (!c.ended) expect(c.tokens.length).toBe(7);
        expect(b4[i]!.score).toBeGreaterThanOrEqual(c.score - 1e-9);
      });
      m.dispose();
    }
    for (const t of [data.annotations, data.tokens]) t.dispose();
  });

  it('lengthNormalize ranks the same finished hypotheses by log p per step instead of in total', () => {
    const data = batch(6, 4, 6, 18);
    fv.seed(19);
    const m = new fv.models.Captioner({ vocab, annotationSize: 6, lstmSize: 12, embedSize: 6 }).eval();
    // A likely 'a' and a fairly likely <eos> at every step: ending at once wins in total
    // log p, the longest 'a a a …' per step.
    const bias = m.outWord.bias!.toFloat32Array();
    bias[2] += 2;
    bias[4] += 3;
    m.outWord.bias!.assign(fv.tensor(bias, [bias.length]));
    const total = m.beamSearch(data.annotations, { beam: 4, maxLength: 6 });
    const perStep = m.beamSearch(data.annotations, { beam: 4, maxLength: 6, lengthNormalize: true });
    const steps = (c: fv.models.Caption): number => c.tokens.length + (c.ended ? 1 : 0);
    let differ = 0;
    total.forEach((t, i) => {
      const n = perStep[i]!;
      expect(t.score).toBeGreaterThanOrEqual(n.score);
      expect(n.score / steps(n)).toBeGreaterThanOrEqual(t.score / steps(t));
      differ += steps(t) === steps(n) ? 0 : 1;
    });
    expect(differ).toBe(6);
    m.dispose();
  });

  it('the scores are the log-probabilities of the decoded words under the model (checked by teacher forcing)', () => {
    const data = batch(3, 4, 6, 9);
    fv.seed(10);
    const m = new fv.models.Captioner({ vocab, annotationSize: 6, lstmSize: 12, embedSize: 6 }).eval();
    const caps = m.beamSearch(data.annotations, { beam: 3, maxLength: 4 });
    caps.forEach((c, i) => {
      const toks = c.ended ? [...c.tokens, 2] : c.tokens;
      const one = fv.ops.slice(data.annotations, [i, 0, 0], [i + 1, 4, 6]);
      // No <eos> to score past maxLength: the −log p of the caption as it stands.
      const nll = fv.tidy(() => m.lossParts({ annotations: one, tokens: fv.tensor(Int32Array.from(toks), [1, toks.length]) }).nll.item());
      expect(-nll).toBeCloseTo(c.score, 4);
      one.dispose();
    });
    m.dispose();
  });

  it('never emits <unk> unless allowUnk (greedy and beam), even where it is the likeliest word', () => {
    const data = batch(4, 4, 6, 21);
    fv.seed(22);
    const m = new fv.models.Captioner({ vocab, annotationSize: 6, lstmSize: 12, embedSize: 6 }).eval();
    // <unk> the likeliest word at every step, as on clip-art's rare-word titles.
    const bias = m.outWord.bias!.toFloat32Array();
    bias[3] += 6;
    m.outWord.bias!.assign(fv.tensor(bias, [bias.length]));
    const has = (caps: fv.models.Caption[]): boolean => caps.some((c) => c.tokens.includes(3));
    const greedyUnk = m.greedy(data.annotations, { maxLength: 5, allowUnk: true });
    expect(greedyUnk.every((c) => c.tokens[0] === 3)).toBe(true);
    expect(has(m.beamSearch(data.annotations, { beam: 3, maxLength: 5, allowUnk: true }))).toBe(true);
    const g = m.greedy(data.annotations, { maxLength: 5 });
    const b = m.beamSearch(data.annotations, { beam: 3, maxLength: 5 });
    expect(has(g) || has(b)).toBe(false);
    expect(g.every((c) => c.tokens.length > 0 || c.ended)).toBe(true);
    // The scores stay log p under the whole distribution (<unk> included), not renormalised.
    const one = fv.ops.slice(data.annotations, [0, 0, 0], [1, 4, 6]);
    const toks = g[0]!.ended ? [...g[0]!.tokens, 2] : g[0]!.tokens;
    const nll = fv.tidy(() => m.lossParts({ annotations: one, tokens: fv.tensor(Int32Array.from(toks), [1, toks.length]) }).nll.item());
    expect(-nll).toBeCloseTo(g[0]!.score, 4);
    expect(messageOf(() => m.greedy(data.annotations, { allowUnk: 1 } as never))).toBe('Captioner.greedy: allowUnk must be true or false, got 1');
    one.dispose();
    m.dispose();
  });
});

describe('Captioner: the pieces', () => {
  it("hard attention's expected-α branch is the soft loss (same weights, same value)", () => {
    const data = batch(4, 3, 5, 14);
    fv.seed(15);
    const hard = new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'hard', lstmSize: 8, embedSize: 4 }).eval();
    const soft = new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'soft', lstmSize: 8, embedSize: 4 }).eval();
    const { baseline: _b, ...weights } = hard.stateDict();
    soft.loadStateDict(weights);
    const [h, s] = fv.tidy(() => [hard.lossParts(data), soft.lossParts(data)].map((p) => [p.sampled, p.loss.item()] as const));
    expect(h).toEqual([false, s![1]]);
    for (const m of [hard, soft]) m.dispose();
  });

  it('annotationScale s reads annotations a as s·a (loss, gradients and captions), leaves nothing behind, and old configs without it read 1', () => {
    const data = batch(3, 4, 6, 18);
    fv.seed(19);
    const scaled = new fv.models.Captioner({ vocab, annotationSize: 6, attention: 'soft', lstmSize: 8, embedSize: 4, annotationScale: 0.25 }).eval();
    const plain = new fv.models.Captioner({ vocab, annotationSize: 6, attention: 'soft', lstmSize: 8, embedSize: 4 }).eval();
    plain.loadStateDict(scaled.stateDict());
    const quarter = fv.tidy(() => fv.ops.mulScalar(data.annotations, 0.25));
    const before = fv.memory().numTensors;
    const [ls, lp, unscaled] = fv.tidy(() => [scaled.loss(data).item(), plain.loss({ ...data, annotations: quarter }).item(), plain.loss(data).item()]);
    expect(ls).toBeCloseTo(lp!, 5);
    expect(ls).not.toBeCloseTo(unscaled!, 2);
    const cs = scaled.beamSearch(data.annotations, { beam: 2, maxLength: 5 });
    const cp = plain.beamSearch(quarter, { beam: 2, maxLength: 5 });
    expect(cs.map((c) => c.tokens)).toEqual(cp.map((c) => c.tokens));
    expect(Array.from(cs[0]!.alphas[0]!)).toEqual(Array.from(cp[0]!.alphas[0]!));
    expect(fv.memory().numTensors).toBe(before);
    expect(scaled.config.annotationScale).toBe(0.25);
    const { annotationScale: _s, ...old } = scaled.config;
    expect(fv.models.Captioner.fromConfig(old as never).config.annotationScale).toBe(1);
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 6, annotationScale: 0 })).toThrow(/Captioner: annotationScale must be a finite number > 0, got 0/);
    // Hard attention's reward: per word by default; configs written before the option trained per caption, and read so.
    const hard = new fv.models.Captioner({ vocab, annotationSize: 6, attention: 'hard', lstmSize: 8, embedSize: 4 });
    expect(hard.config.hard.reward).toBe('word');
    const { reward: _r, ...oldHard } = hard.config.hard;
    const oldModel = fv.models.Captioner.fromConfig({ ...hard.config, hard: oldHard } as never);
    expect(oldModel.config.hard.reward).toBe('caption');
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 6, hard: { reward: 'sentence' as never } })).toThrow(/Captioner: hard.reward must be 'caption' or 'word', got "sentence"/);
    for (const m of [hard, oldModel]) m.dispose();
    for (const m of [scaled, plain]) m.dispose();
  });

  it('decoding and the loss leave no tensors behind', () => {
    const data = batch(3, 4, 6, 16);
    fv.seed(17);
    const m = new fv.models.Captioner({ vocab, annotationSize: 6, attention: 'hard', lstmSize: 8, embedSize: 4 });
    const before = fv.memory().numTensors;
    fv.tidy(() => m.loss(data).backward());
    for (const p of m.parameters()) p.grad?.dispose();
    m.eval();
    m.greedy(data.annotations, { maxLength: 5 });
    m.beamSearch(data.annotations, { beam: 3, maxLength: 5 });
    // With the gradients freed, the count is back where it was: nothing else outlived its call.
    expect(fv.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('the doc example runs', () => {
    fv.seed(0);
    const v = { size: 10, padId: 0, startId: 1, eosId: 2, unkId: 3 };
    const model = new fv.models.Captioner({ vocab: v, annotationSize: 8, attention: 'soft', lstmSize: 16, embedSize: 8 });
    const annotations = fv.randn([2, 4, 8]);
    const tokens = fv.tensor(Int32Array.from([5, 6, 2, 7, 2, 0]), [2, 3]);
    const loss = model.loss({ annotations, tokens });
    expect(loss.item()).toBeGreaterThan(0);
    const [first] = model.eval().beamSearch(annotations, { beam: 3, maxLength: 5 });
    expect(first!.tokens.length).toBeLessThanOrEqual(5);
  });
});

describe('Captioner: the caption datasets\' conventions', () => {
  it('a vocabulary naming its specials pad/start/eos/unk (as fv.data.captions does) builds the same model', () => {
    const datasetStyle = { size: words.length, pad: 0, start: 1, eos: 2, unk: 3, words, encode: () => new Int32Array(0) };
    fv.seed(20);
    const a = new fv.models.Captioner({ vocab: datasetStyle, annotationSize: 5, lstmSize: 8, embedSize: 4 });
    expect(a.config).toEqual(new fv.models.Captioner({ vocab, annotationSize: 5, lstmSize: 8, embedSize: 4 }).config);
    expect(() => new fv.models.Captioner({ vocab: { size: 12, pad: 0, start: 1, eos: 2 }, annotationSize: 5 })).toThrow(/Captioner: vocab has no unkId \(or unk\)/);
    a.dispose();
  });

  it('rows beginning with <start> ([<start>, words, <eos>, <pad>…]) and Int32Array tokens with a shape give the same loss', () => {
    const data = batch(4, 3, 5, 21);
    fv.seed(22);
    const m = new fv.models.Captioner({ vocab, annotationSize: 5, lstmSize: 8, embedSize: 4 }).eval();
    const plain = data.tokens.toInt32Array();
    const withStart = new Int32Array(4 * 6);
    for (let b = 0; b < 4; b++) withStart.set([1, ...plain.subarray(b * 5, b * 5 + 5)], b * 6);
    const loss = (tokens: Tensor | Int32Array, shape?: number[]): number => fv.tidy(() => m.loss({ annotations: data.annotations, tokens, ...(shape ? { shape } : {}) }).item());
    const base = loss(data.tokens);
    expect(loss(fv.tensor(withStart, [4, 6]))).toBe(base);
    expect(loss(withStart, [4, 6])).toBe(base);
    expect(loss(plain)).toBe(base);
    const mixed = withStart.slice();
    mixed.set([4, 5, 7, 9, 2, 0], 6);
    expect(messageOf(() => m.loss({ annotations: data.annotations, tokens: mixed, shape: [4, 6] }))).toBe('Captioner.loss: either every row of tokens begins with <start> (id 1) or none does; rows 0, 2, 3 do');
    const inner = plain.slice();
    inner[7] = 1;
    expect(messageOf(() => m.loss({ annotations: data.annotations, tokens: inner }))).toBe('Captioner.loss: <start> (id 1) inside caption 1: it may only begin a row');
    expect(messageOf(() => m.loss({ annotations: data.annotations, tokens: plain, shape: [4, 4] }))).toBe('Captioner.loss: tokens hold 20 ids but shape is [4,4]');
    expect(messageOf(() => m.loss({ annotations: data.annotations, tokens: plain.subarray(0, 18) }))).toBe('Captioner.loss: tokens [4,4.5] must be [4, T] with T ≥ 1 (one caption per image of annotations [4,…])');
    m.dispose();
  });
});

describe('Captioner: checkpoints', () => {
  it('round trip: same config, weights, hard baseline, losses and captions; another vocabulary or model is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'captioner-'));
    const path = join(dir, 'checkpoint.safetensors');
    const data = batch(4, 3, 5, 12);
    fv.seed(13);
    const m = new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'hard', lstmSize: 8, embedSize: 4, outputTanh: true, hard: { entropyWeight: 0.01 } });
    const opt = new fv.optim.Adam(m.parameters(), { lr: 1e-2 });
    for (let s = 0; s < 5; s++) fv.tidy(() => { opt.zeroGrad(); m.loss(data).backward(); opt.step(); });
    fv.models.saveCaptionerCheckpoint(path, m, opt, 5);
    const { model: back, step } = fv.models.captionerFromCheckpoint(path);
    expect(step).toBe(5);
    expect(back.config).toEqual(m.config);
    expect(back.config.words).toEqual(words);
    expect(back.baseline!.item()).toBe(m.baseline!.item());
    m.eval();
    back.eval();
    expect(fv.tidy(() => back.loss(data).item())).toBe(fv.tidy(() => m.loss(data).item()));
    expect(back.beamSearch(data.annotations, { beam: 2 })).toEqual(m.beamSearch(data.annotations, { beam: 2 }));
    // Into a model of the same config with its optimiser: the step comes back.
    const again = fv.models.Captioner.fromConfig(m.config);
    expect(fv.models.loadCaptionerCheckpoint(path, again, new fv.optim.Adam(again.parameters(), { lr: 1e-2 }))).toBe(5);
    // Another vocabulary (same size), another size, another model's file.
    const other = new fv.models.Captioner({ vocab: { ...vocab, words: words.map((w) => w.toUpperCase()) }, annotationSize: 5, attention: 'hard', lstmSize: 8, embedSize: 4, outputTanh: true, hard: { entropyWeight: 0.01 } });
    expect(messageOf(() => fv.models.loadCaptionerCheckpoint(path, other))).toMatch(/captioner checkpoint: .*checkpoint.safetensors holds a different model \(checkpoint vs this model: words: the vocabularies differ\)/);
    const wider = new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'soft', lstmSize: 9, embedSize: 4 });
    expect(messageOf(() => fv.models.loadCaptionerCheckpoint(path, wider))).toMatch(/attention: "hard" vs "soft", lstmSize: 8 vs 9/);
    const dram = new fv.models.DRAM({ glimpses: 1, readN: 2, lstmSize: 3 });
    const dramPath = join(dir, 'dram.safetensors');
    fv.io.saveCheckpoint(dramPath, { model: dram, step: 1 });
    expect(messageOf(() => fv.models.captionerFromCheckpoint(dramPath))).toMatch(/captioner checkpoint: .*dram.safetensors: not a captioner checkpoint \(its metadata has no captioner_config/);
    for (const x of [m, back, again, other, wider, dram]) x.dispose();
  });
});

describe('Captioner: bad input', () => {
  fv.seed(0);
  const m = new fv.models.Captioner({ vocab, annotationSize: 5, lstmSize: 8, embedSize: 4 });
  const a = fv.randn([2, 3, 5]);

  it('options: unknown keys (with a suggestion), attention kinds, sizes, ids, dropout', () => {
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 5, lstmSize: 8, embedSize: 4, hiddenSize: 3 } as never)).toThrow(/Captioner: unknown option 'hiddenSize'.*accepted: vocab, annotationSize/);
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 5, attention: 'hardd' as never })).toThrow(/Captioner: attention must be 'soft', 'hard' or 'none', got "hardd"/);
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 5, hard: { entropy: 1 } as never })).toThrow(/Captioner \(hard\): unknown option 'entropy' \(did you mean 'entropyWeight'\?\)/);
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 0 })).toThrow(/Captioner: annotationSize must be an integer ≥ 1, got 0/);
    expect(() => new fv.models.Captioner({ vocab: { ...vocab, eosId: 12 }, annotationSize: 5 })).toThrow(/Captioner: eosId 12 is outside the vocabulary of 12 words/);
    expect(() => new fv.models.Captioner({ vocab: { ...vocab, words: ['a'] }, annotationSize: 5 })).toThrow(/Captioner: words must be 12 strings \(one per id\), got 1 entries/);
    expect(() => new fv.models.Captioner({ vocab, annotationSize: 5, dropout: 1 })).toThrow(/Captioner: dropout must be below 1/);
    expect(() => new fv.models.Captioner({ annotationSize: 5 } as never)).toThrow(/Captioner: vocab must be a vocabulary \{ size, padId, startId, eosId, unkId, words\? \}/);
  });

  it('tokens of the wrong shape, dtype or ids; an empty caption', () => {
    const tok = (v: number[], shape: number[]): Tensor => fv.tensor(Int32Array.from(v), shape);
    expect(messageOf(() => m.loss({ annotations: a, tokens: tok([4, 2, 4, 2, 4, 2], [3, 2]) }))).toBe('Captioner.loss: tokens [3,2] must be [2, T] with T ≥ 1 (one caption per image of annotations [2,…])');
    expect(messageOf(() => m.loss({ annotations: a, tokens: tok([4, 2], [2]) }))).toMatch(/tokens \[2\] must be \[2, T\]/);
    expect(messageOf(() => m.loss({ annotations: a, tokens: fv.tensor([4, 2, 4, 2], [2, 2]) }))).toBe('Captioner.loss: tokens must be int32 word ids, got float32 [2,2]');
    expect(messageOf(() => m.loss({ annotations: a, tokens: tok([4, 2, 4, 12], [2, 2]) }))).toBe('Captioner.loss: tokens[1][1] = 12 is outside the vocabulary of 12 words');
    expect(messageOf(() => m.loss({ annotations: a, tokens: tok([4, 2, 0, 0], [2, 2]) }))).toBe('Captioner.loss: caption 1 is empty (all <pad>)');
    expect(messageOf(() => m.loss(undefined as never))).toMatch(/Captioner.loss: batch must be \{ annotations, tokens \}/);
  });

  it('annotations of the wrong size; decoding options', () => {
    expect(messageOf(() => m.loss({ annotations: fv.randn([2, 3, 4]), tokens: fv.tensor(Int32Array.from([4, 2, 4, 2]), [2, 2]) }))).toBe('Captioner.loss: annotations [2,3,4] must be [batch, locations, 5] (annotationSize D = 5)');
    expect(messageOf(() => m.greedy(fv.randn([6, 5])))).toBe('Captioner.greedy: annotations [6,5] must be [batch, locations, 5] (annotationSize D = 5)');
    expect(messageOf(() => m.beamSearch(a, { beam: 0 }))).toBe('Captioner.beamSearch: beam must be a positive integer, got 0');
    expect(messageOf(() => m.beamSearch(a, { beam: 2, maxLength: -1 }))).toBe('Captioner.beamSearch: maxLength must be a positive integer, got -1');
    expect(messageOf(() => m.beamSearch(a, { width: 3 } as never))).toMatch(/Captioner.beamSearch: unknown option 'width'; accepted: beam, maxLength, lengthNormalize/);
    expect(messageOf(() => m.greedy(a, { beam: 3 } as never))).toMatch(/Captioner.greedy: unknown option 'beam'; accepted: maxLength/);
  });
});
