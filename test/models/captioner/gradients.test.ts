// The captioner's gradients in float64 on a tiny configuration: gradcheck of the loss
// for soft, no and hard attention (the expected-α loss, and the sampled path's
// −log p(y|s̃,a), log p(s̃|a) and entropy), and the hard-attention estimator's
// expectation, enumerated over every location sequence, against the exact gradient
// of the variational bound L_s = Σ_s p(s|a) log p(y|s,a) it estimates (PAPERS.md §3).
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { type Tensor } from '../../../src/index.js';
import { type CaptionerConfig, type CaptionerWeights } from '../../../src/models/captioner/index.js';

const vocab = { size: 7, padId: 0, startId: 1, eosId: 2, unkId: 3 };

/** A tiny model (K 7, m 3, n 4, D 3, A 3) and float64 copies of its weights, scaled up so every gate is exercised. */
function tiny(attention: 'soft' | 'hard' | 'none', extra: Partial<fv.models.CaptionerOptions> = {}, scale = 2) {
  fv.seed(5);
  const m = new fv.models.Captioner({ vocab, annotationSize: 3, attention, lstmSize: 4, embedSize: 3, attentionSize: 3, ...extra });
  const named = m.namedParameters();
  const weights = named.map(([, p]) => fv.tensor(Float64Array.from(p.toFloat64Array(), (v) => v * scale), p.shape, { dtype: 'float64' }));
  const byName = (ws: Tensor[]): CaptionerWeights => Object.fromEntries(named.map(([n], i) => [n, ws[i]!]));
  const config = m.config;
  m.dispose();
  return { config, weights, byName, names: named.map(([n]) => n) };
}

const f64 = (t: Tensor): Tensor => fv.tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });

describe('captioner gradients (float64)', () => {
  // Two captions of three targets; the second ends early and is padded (its <pad> carries no loss).
  const tokens = Int32Array.from([4, 5, 2, 6, 2, 0]);
  fv.seed(9);
  const annotations = f64(fv.randn([2, 3, 3]));

  for (const attention of ['soft', 'none', 'hard'] as const) {
    it(`gradchecks the ${attention === 'hard' ? 'expected-α ' : ''}loss with ${attention} attention (λ = 1, deep output with and without tanh)`, () => {
      for (const outputTanh of [false, true]) {
        const { config, weights, byName } = tiny(attention, { outputTanh });
        const r = fv.autograd.gradcheck((...ws) => fv.models.captionerLoss(config, byName(ws), annotations, tokens, 3, { training: false }).loss, weights, { atol: 1e-7, rtol: 1e-5 });
        expect(r.failures, r.failures.join('\n')).toEqual([]);
        expect(r.maxAbsError).toBeLessThan(1e-7);
      }
    });
  }

  it('gradchecks the sampled path of hard attention: −log p(y|s̃,a), log p(s̃|a), the entropy and the doubly stochastic term', () => {
    const { config, weights, byName } = tiny('hard');
    const forced = [Int32Array.from([2, 0]), Int32Array.from([1, 1]), Int32Array.from([0, 2])];
    const parts = (...ws: Tensor[]): Tensor => {
      const p = fv.models.captionerLoss({ ...config, hard: { ...config.hard, reinforceWeight: 0, entropyWeight: 0.3 } }, byName(ws), annotations, tokens, 3, { training: false, sample: true, forced });
      expect(p.sampled).toBe(true);
      const r = p.rollout;
      const logPs = fv.ops.concat(r.logAlphas!.map((t) => fv.ops.reshape(t, [1, 2])), 0);
      return fv.ops.concat([fv.ops.reshape(p.loss, [1]), p.nll, fv.ops.reshape(logPs, [6])], 0);
    };
    const r = fv.autograd.gradcheck(parts, weights, { atol: 1e-7, rtol: 1e-5 });
    expect(r.failures, r.failures.join('\n')).toEqual([]);
  });
});

describe('hard attention: the REINFORCE estimator against the exact gradient of the bound', () => {
  // One caption of T = 2 words over L = 3 locations: 9 location sequences.
  const T = 2;
  const L = 3;
  const tokens = Int32Array.from([5, 2]);
  fv.seed(11);
  const annotations = f64(fv.randn([1, L, 3]));
  const sequences: Int32Array[][] = [];
  for (let s0 = 0; s0 < L; s0++) for (let s1 = 0; s1 < L; s1++) sequences.push([Int32Array.from([s0]), Int32Array.from([s1])]);

  /** Gradients of `f` with respect to every weight (float64 leaves). */
  function gradsOf(weights: Tensor[], f: (ws: Tensor[]) => Tensor): Float64Array[] {
    const leaves = weights.map((w) => fv.tensor(w.toFloat64Array(), w.shape, { dtype: 'float64', requiresGrad: true }));
    fv.tidy(() => f(leaves).backward());
    return leaves.map((l) => l.grad?.toFloat64Array() ?? new Float64Array(l.size));
  }

  /** Σ_s p(s|a)·(the estimator's gradient with locations s), with p(s|a) from the same forward. */
  function expectedEstimate(config: CaptionerConfig, weights: Tensor[], byName: (ws: Tensor[]) => CaptionerWeights, baseline: number): Float64Array[] {
    const total = weights.map((w) => new Float64Array(w.size));
    let mass = 0;
    for (const forced of sequences) {
      let p = 0;
      const g = gradsOf(weights, (ws) => {
        const parts = fv.models.captionerLoss(config, byName(ws), annotations, tokens, T, { training: false, sample: true, forced, baseline });
        p = Math.exp(parts.rollout.logAlphas!.reduce((s, t) => s + t.item(), 0));
        return parts.loss;
      });
      mass += p;
      g.forEach((gi, i) => gi.forEach((v, j) => (total[i]![j]! += p * v)));
    }
    expect(mass).toBeCloseTo(1, 12);
    return total;
  }

  /** The exact gradient of −(Σ_s p(s|a) log p(y|s,a) [as written by `term`]) by enumeration, in one graph. */
  function exactBound(config: CaptionerConfig, weights: Tensor[], byName: (ws: Tensor[]) => CaptionerWeights, term: (logPs: Tensor, logPy: Tensor, entropy: Tensor) => Tensor): Float64Array[] {
    return gradsOf(weights, (ws) => {
      const terms = sequences.map((forced) => {
        const parts = fv.models.captionerLoss({ ...config, doublyStochastic: 0 }, byName(ws), annotations, tokens, T, { training: false, sample: true, forced });
        const r = parts.rollout;
        const logPs = fv.ops.add(r.logAlphas![0]!, r.logAlphas![1]!);
        const entropy = fv.ops.add(r.entropies![0]!, r.entropies![1]!);
        return term(logPs, fv.ops.neg(parts.nll), entropy);
      });
      return fv.ops.neg(terms.reduce((a, b) => fv.ops.add(a, b)));
    });
  }

  const maxDiff = (a: Float64Array[], b: Float64Array[]): number => Math.max(...a.map((ai, i) => Math.max(...ai.map((v, j) => Math.abs(v - b[i]![j]!)))));
  const maxAbs = (a: Float64Array[]): number => Math.max(...a.map((ai) => Math.max(...ai.map(Math.abs))));

  it('λ_r = 1, λ_e = 0: E_s[estimator] = −∇ Σ_s p(s|a) log p(y|s,a), whatever the baseline', () => {
    const { config, weights, byName } = tiny('hard', { doublyStochastic: 0, hard: { reinforceWeight: 1, entropyWeight: 0, reward: 'caption' } }, 3);
    const exact = exactBound(config, weights, byName, (logPs, logPy) => fv.ops.mul(fv.ops.exp(logPs), logPy));
    expect(maxAbs(exact)).toBeGreaterThan(0.05);
    for (const baseline of [0, -2.5]) {
      const est = expectedEstimate(config, weights, byName, baseline);
      const err = maxDiff(est, exact);
      console.log(`estimator vs exact bound gradient (baseline ${baseline}): max |Δ| = ${err.toExponential(2)} (max |g| ${maxAbs(exact).toFixed(3)})`);
      expect(err).toBeLessThan(1e-12);
    }
    // A single sample's gradient is not the exact one: the test can tell them apart.
    const one = gradsOf(weights, (ws) => fv.models.captionerLoss(config, byName(ws), annotations, tokens, T, { training: false, sample: true, forced: sequences[4]! }).loss);
    expect(maxDiff(one, exact)).toBeGreaterThan(1e-3);
  });

  it('λ_r = 0.1, λ_e = 0.002, λ = 0 and a baseline: E_s[estimator] = Σ_s p ∇log p(y|s) + λ_r Σ_s log p(y|s) ∇p + λ_e Σ_s p ∇H[s]', () => {
    const { config, weights, byName } = tiny('hard', { doublyStochastic: 0, hard: { reward: 'caption' } }, 3);
    expect(config.hard.reinforceWeight).toBe(0.1);
    expect(config.hard.entropyWeight).toBe(0.002);
    const cst = (t: Tensor): Tensor => fv.tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });
    const lr = config.hard.reinforceWeight;
    const le = config.hard.entropyWeight;
    // Each part differentiated where the estimator differentiates it: p(s) as a constant
    // weight of the pathwise terms, log p(y|s) as a constant weight of the score term.
    const exact = exactBound(config, weights, byName, (logPs, logPy, entropy) => {
      const p = cst(fv.ops.exp(logPs));
      return fv.ops.add(fv.ops.add(fv.ops.mul(p, logPy), fv.ops.mulScalar(fv.ops.mul(fv.ops.exp(logPs), cst(logPy)), lr)), fv.ops.mulScalar(fv.ops.mul(p, entropy), le));
    });
    const est = expectedEstimate(config, weights, byName, -4);
    const err = maxDiff(est, exact);
    console.log(`estimator (λ_r 0.1, λ_e 0.002, b −4) vs exact: max |Δ| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-12);
  });

  it("the default reward 'word' (log p per word, here 2 targets): E_s[estimator] = Σ_s p ∇log p(y|s) + (λ_r/2) Σ_s log p(y|s) ∇p + λ_e Σ_s p ∇H[s]", () => {
    const { config, weights, byName } = tiny('hard', { doublyStochastic: 0 }, 3);
    expect(config.hard.reward).toBe('word');
    const cst = (t: Tensor): Tensor => fv.tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });
    const lr = config.hard.reinforceWeight / tokens.length;
    const le = config.hard.entropyWeight;
    const exact = exactBound(config, weights, byName, (logPs, logPy, entropy) => {
      const p = cst(fv.ops.exp(logPs));
      return fv.ops.add(fv.ops.add(fv.ops.mul(p, logPy), fv.ops.mulScalar(fv.ops.mul(fv.ops.exp(logPs), cst(logPy)), lr)), fv.ops.mulScalar(fv.ops.mul(p, entropy), le));
    });
    // A baseline of the reward's size (nats per word).
    const err = maxDiff(expectedEstimate(config, weights, byName, -2), exact);
    expect(err).toBeLessThan(1e-12);
    // The per-caption reward's estimator is another gradient: the test tells them apart.
    const perCaption = expectedEstimate({ ...config, hard: { ...config.hard, reward: 'caption' } }, weights, byName, -2);
    expect(maxDiff(perCaption, exact)).toBeGreaterThan(1e-4);
  });
});
