// The importance-weighted bound (IWAE, Burda et al. 2016) for DRAW: with K rollouts
// per image, each with its own noise ε,
//   log p(x) ≥ log (1/K) Σ_k w_k,   log w_k = log p(x | z_k) + Σ_t [log p(z_t) − log q(z_t | x, z_<t)].
// For z = μ + σε the Gaussian normalisers cancel:
//   log p(z) − log q(z) = −½ z² + ½ ε² + log σ   (per latent dimension),
// whose expectation over ε is −KL(q‖p): K = 1 is the one-sample bound with a
// sampled KL. The bound tightens as K grows and reaches log p(x) as K → ∞.
//
// The arithmetic is done here in float64 on plain arrays, from what one rollout
// exposes (logits, the latent heads, the noise), so it stays independent of the model.
import { fail } from '../errors.js';

/** What one rollout of a batch of b images leaves behind. */
export interface RolloutRecord {
  /** c_T, b × P logits of the pixel means. */
  logits: ArrayLike<number>;
  /** T × b × 2z latent heads [μ | log σ], step-major (the rollout's concatenation). */
  latents: ArrayLike<number>;
  /** T × b × z noise ε, step-major. */
  noise: ArrayLike<number>;
}

/**
 * log w for each of the b images of one rollout: −BCE(c_T, x) summed over pixels
 * plus Σ_t Σ_k (−½ z² + ½ ε² + log σ).
 */
export function importanceLogWeights(x: ArrayLike<number>, r: RolloutRecord, b: number, T: number, z: number): Float64Array {
  const op = 'DRAW.iwaeBound';
  const P = x.length / b;
  if (!Number.isInteger(P) || r.logits.length !== b * P) fail(op, `logits hold ${r.logits.length} values, expected ${b}×${P}`);
  if (r.latents.length !== T * b * 2 * z || r.noise.length !== T * b * z) fail(op, `latents/noise hold ${r.latents.length}/${r.noise.length} values, expected ${T * b * 2 * z}/${T * b * z}`);
  const logW = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let lx = 0;
    for (let p = i * P; p < (i + 1) * P; p++) {
      const l = r.logits[p]!;
      // BCE from logits, stable for any sign: max(l,0) − l·x + log(1 + e^−|l|).
      lx += Math.max(l, 0) - l * x[p]! + Math.log1p(Math.exp(-Math.abs(l)));
    }
    logW[i] = -lx;
  }
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < b; i++) {
      const head = (t * b + i) * 2 * z;
      const eps = (t * b + i) * z;
      let s = 0;
      for (let k = 0; k < z; k++) {
        const logSigma = r.latents[head + z + k]!;
        const e = r.noise[eps + k]!;
        const zt = r.latents[head + k]! + Math.exp(logSigma) * e;
        s += -0.5 * zt * zt + 0.5 * e * e + logSigma;
      }
      logW[i]! += s;
    }
  }
  return logW;
}

/** −log (1/K) Σ_k exp(logW[k]) for each image, from K rows of b log-weights. */
export function iwaeNll(logWeights: Float64Array[]): Float64Array {
  const K = logWeights.length;
  if (K < 1) fail('DRAW.iwaeBound', 'needs at least one sample');
  const b = logWeights[0]!.length;
  const out = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let m = -Infinity;
    for (const row of logWeights) m = Math.max(m, row[i]!);
    let s = 0;
    for (const row of logWeights) s += Math.exp(row[i]! - m);
    out[i] = -(m + Math.log(s / K));
  }
  return out;
}
