// The captioner's losses (PAPERS.md §3, "Losses"), per caption, averaged over the batch.
//   Soft (and hard with the expected α, and no attention):
//     L_d = −Σ_t log p(y_t | a, y_<t) + λ Σ_i (1 − Σ_t α_ti)²       (doubly stochastic)
//   Hard, with locations s̃ sampled from α: the surrogate whose gradient is the paper's
//   estimator of the variational bound L_s = Σ_s p(s|a) log p(y|s,a):
//     S = −log p(y|s̃,a) − λ_r (log p(y|s̃,a) − b) log p(s̃|a) − λ_e H[s̃] + λ Σ_i (1 − Σ_t α_ti)²
//   with (log p(y|s̃,a) − b) a constant (no gradient), so
//     −∂S/∂W = ∂log p(y|s̃,a)/∂W + λ_r (log p(y|s̃,a) − b) ∂log p(s̃|a)/∂W + λ_e ∂H[s̃]/∂W (− λ ∂reg)
//   exactly the summand of PAPERS.md's ∂L_s/∂W; H[s̃] = Σ_t H(α_t) along the sampled path.
//   The baseline b_k = 0.9 b_{k−1} + 0.1 log p(y|s̃_k,a) (batch mean) is the model's
//   state (`nextBaseline`). With hard.reward 'word' (the default, as the authors' code)
//   log p(y|s̃,a) is divided by the caption's words, in the coefficient and the baseline:
//   batches hold captions of one length, drawn at random, so a per-caption reward moves
//   with the batch's length (≈ 2.5 nats a word on scenes) far more than with the locations,
//   and b, averaged over batches of other lengths, cannot remove that. The doubly stochastic term is kept in hard mode too, as in
//   the authors' code (its α is the distribution the locations are drawn from).
// `<pad>` targets carry no loss and their steps count in neither Σ_t α_ti, log p(s̃|a) nor H.
import { tensor } from '../../creation.js';
import { add, crossEntropy, mean, mul, mulScalar, reshape, square, sub, sum } from '../../ops/index.js';
import { type Tensor } from '../../tensor.js';
import { type CaptionerWeights } from './attend.js';
import { type CaptionerConfig } from './config.js';
import { captionerRollout, stackSteps, type Rollout } from './decoder.js';

export interface CaptionerLossOptions {
  /** Dropout active. */
  training: boolean;
  /** Hard attention: sample the locations (true) or use the expected α (false, the default). */
  sample?: boolean;
  /** Hard attention: forced locations [T][B] instead of samples (tests). */
  forced?: Int32Array[];
  /** Hard attention: the baseline b (default 0). */
  baseline?: number;
}

export interface CaptionerLossParts {
  /** The scalar to minimise. */
  loss: Tensor;
  /** −log p(y | a) per caption [B] (given the sampled locations when sampling). */
  nll: Tensor;
  /** log p(y | ·) per caption, as numbers. */
  logPy: Float64Array;
  /** Hard attention's REINFORCE reward per caption (the baseline's input): logPy, or logPy per word (config.hard.reward). */
  reward: Float64Array;
  /** Targets that carry loss (non-`<pad>`). */
  words: number;
  /** Whether the locations were sampled (hard attention). */
  sampled: boolean;
  rollout: Rollout;
}

/** [T,B] 1/0 of the non-pad targets, or undefined when there are none to mask. */
function padMask(c: CaptionerConfig, targets: Int32Array, T: number, B: number, like: Tensor): Tensor | undefined {
  if (!targets.includes(c.padId)) return undefined;
  const data = like.dtype === 'float64' ? new Float64Array(T * B) : new Float32Array(T * B);
  targets.forEach((y, i) => (data[i] = y === c.padId ? 0 : 1));
  return tensor(data, [T, B], { device: like.device });
}

/** Σ_t of per-step [B] tensors, skipping masked steps → [B]. */
function sumSteps(xs: Tensor[], mask: Tensor | undefined): Tensor {
  const s = stackSteps(xs);
  return sum(mask ? mul(s, mask) : s, 0);
}

/** The loss of captions tokens [B,T] (int32 values, row-major) for annotations [B,L,D]. */
export function captionerLoss(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor, tokens: Int32Array, T: number, o: CaptionerLossOptions): CaptionerLossParts {
  const B = annotations.shape[0]!;
  const r = captionerRollout(c, w, annotations, tokens, T, { training: o.training, sample: o.sample, forced: o.forced });
  const targets = tensor(r.targets, [T * B], { device: annotations.device });
  const perWord = crossEntropy(r.logits, targets, { reduction: 'none', ignoreIndex: c.padId });
  const nll = sum(reshape(perWord, [T, B]), 0);
  const mask = padMask(c, r.targets, T, B, annotations);
  let total = nll;
  if (r.alphas.length > 0 && c.doublyStochastic > 0) {
    const alphas = stackSteps(r.alphas); // [T,B,L]
    const attended = sum(mask ? mul(alphas, reshape(mask, [T, B, 1])) : alphas, 0); // Σ_t α_ti [B,L]
    total = add(total, mulScalar(sum(square(sub(1, attended)), 1), c.doublyStochastic));
  }
  const nllValues = nll.dtype === 'float64' ? nll.toFloat64Array() : Float64Array.from(nll.toFloat32Array());
  const logPy = nllValues.map((v) => -v);
  const sampled = r.samples !== undefined;
  const reward = c.hard.reward === 'word' ? perWordOf(logPy, r.targets, c.padId) : logPy;
  if (sampled) {
    const { reinforceWeight, entropyWeight } = c.hard;
    const b = o.baseline ?? 0;
    const coef = reward.map((x) => reinforceWeight * (x - b));
    const coefT = tensor(nll.dtype === 'float64' ? coef : Float32Array.from(coef), [B], { device: annotations.device });
    total = sub(total, mul(coefT, sumSteps(r.logAlphas!, mask)));
    if (entropyWeight > 0) total = sub(total, mulScalar(sumSteps(r.entropies!, mask), entropyWeight));
  }
  const words = r.targets.reduce((n, y) => n + (y === c.padId ? 0 : 1), 0);
  return { loss: mean(total), nll, logPy, reward, words, sampled, rollout: r };
}

/** log p per caption divided by its non-`<pad>` targets (targets time-major [T·B]). */
function perWordOf(logPy: Float64Array, targets: Int32Array, padId: number): Float64Array {
  const B = logPy.length;
  const n = new Float64Array(B);
  targets.forEach((y, i) => (n[i % B] += y === padId ? 0 : 1));
  return logPy.map((v, b) => v / n[b]!);
}

/** b_k = decay·b_{k−1} + (1 − decay)·mean_n of the reward, log p(y|s̃ⁿ,a) or that per word (PAPERS.md §3, decay 0.9). */
export function nextBaseline(b: number, reward: Float64Array, decay: number): number {
  const m = reward.reduce((s, v) => s + v, 0) / reward.length;
  return decay * b + (1 - decay) * m;
}
