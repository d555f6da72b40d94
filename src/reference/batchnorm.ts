// Batch normalisation straight from Ioffe & Szegedy (2015), PAPERS.md §2, on x
// [N,C,…] with one activation per channel over the N·H·W values of that channel:
// Algorithm 1 (training), its backward by the paper's chain rule (not the fused
// form the kernels use, so each is a check on the other), and Algorithm 2's affine map.
import { size, type RefArray } from './array.js';

/** (n, c, inner) and the flat positions of channel ch. */
function channels(x: RefArray): { n: number; c: number; inner: number; at: (ch: number) => number[] } {
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const inner = size(x.shape.slice(2));
  const at = (ch: number): number[] => {
    const out: number[] = [];
    for (let b = 0; b < n; b++) for (let k = 0; k < inner; k++) out.push((b * c + ch) * inner + k);
    return out;
  };
  return { n, c, inner, at };
}

export interface BatchNormForward {
  y: RefArray;
  /** μ_B (training) or the given E[x] (inference), per channel. */
  mean: RefArray;
  /** 1/√(σ² + ε) with the variance used. */
  invstd: RefArray;
  /** σ²_B, biased (training), or the given Var[x] (inference). */
  var: RefArray;
}

/**
 * Algorithm 1 when `stats` is undefined, else Algorithm 2 with the given E[x],
 * Var[x]; then max(y, 0) when `relu` (NaN passes, as the relu op).
 */
export function batchNorm(x: RefArray, weight: RefArray, bias: RefArray, eps: number, stats?: { mean: RefArray; var: RefArray }, relu = false): BatchNormForward {
  const { c, at } = channels(x);
  const y = new Float64Array(x.data.length);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const invstd = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const idx = at(ch);
    const m = idx.length;
    let mu: number;
    let s2: number;
    if (stats) {
      mu = stats.mean.data[ch]!;
      s2 = stats.var.data[ch]!;
    } else {
      mu = idx.reduce((s, i) => s + x.data[i]!, 0) / m; // μ_B = (1/m) Σ x_i
      s2 = idx.reduce((s, i) => s + (x.data[i]! - mu) ** 2, 0) / m; // σ²_B = (1/m) Σ (x_i − μ_B)²
    }
    for (const i of idx) {
      const xhat = (x.data[i]! - mu) / Math.sqrt(s2 + eps); // x̂_i
      const yi = weight.data[ch]! * xhat + bias.data[ch]!; // y_i = γ x̂_i + β
      y[i] = relu && yi <= 0 ? 0 : yi;
    }
    mean[ch] = mu;
    variance[ch] = s2;
    invstd[ch] = 1 / Math.sqrt(s2 + eps);
  }
  const vec = (d: Float64Array): RefArray => ({ shape: [c], data: d });
  return { y: { shape: [...x.shape], data: y }, mean: vec(mean), invstd: vec(invstd), var: vec(variance) };
}

export interface BatchNormGrads {
  dx: RefArray;
  dweight: RefArray;
  dbias: RefArray;
}

/**
 * Gradients of BN for x, γ and β. Training: the paper's chain rule through
 * σ²_B and μ_B; inference: the affine map's dx = γ dy/√(Var + ε). With
 * `reluBias` (the forward's β when a ReLU followed), dy first passes the ReLU:
 * it is kept where γ x̂ + β > 0 and zeroed elsewhere.
 */
export function batchNormBackward(g: RefArray, x: RefArray, weight: RefArray, mean: RefArray, invstd: RefArray, training: boolean, reluBias?: RefArray): BatchNormGrads {
  const { c, at } = channels(x);
  if (reluBias) {
    const passed = new Float64Array(g.data.length);
    for (let ch = 0; ch < c; ch++) {
      for (const i of at(ch)) {
        const pre = weight.data[ch]! * (x.data[i]! - mean.data[ch]!) * invstd.data[ch]! + reluBias.data[ch]!;
        passed[i] = pre > 0 ? g.data[i]! : 0;
      }
    }
    g = { shape: g.shape, data: passed };
  }
  const dx = new Float64Array(x.data.length);
  const dweight = new Float64Array(c);
  const dbias = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const idx = at(ch);
    const m = idx.length;
    const mu = mean.data[ch]!;
    const is = invstd.data[ch]!; // 1/√(σ² + ε)
    const gamma = weight.data[ch]!;
    let dvar = 0;
    let dmu = 0;
    let sumDev = 0;
    for (const i of idx) {
      const dxhat = g.data[i]! * gamma; // dx̂_i = dy_i γ
      dvar += dxhat * (x.data[i]! - mu) * -0.5 * is ** 3; // dσ² = Σ dx̂_i (x_i − μ)(−½)(σ² + ε)^(−3/2)
      dmu += -dxhat * is;
      sumDev += -2 * (x.data[i]! - mu);
      dweight[ch] += g.data[i]! * (x.data[i]! - mu) * is; // dγ = Σ dy_i x̂_i
      dbias[ch] += g.data[i]!; // dβ = Σ dy_i
    }
    dmu += (dvar * sumDev) / m; // dμ = Σ dx̂_i (−1/√(σ²+ε)) + dσ² Σ (−2)(x_i − μ)/m
    for (const i of idx) {
      const dxhat = g.data[i]! * gamma;
      dx[i] = training ? dxhat * is + (dvar * 2 * (x.data[i]! - mu)) / m + dmu / m : dxhat * is;
    }
  }
  const vec = (d: Float64Array): RefArray => ({ shape: [c], data: d });
  return { dx: { shape: [...x.shape], data: dx }, dweight: vec(dweight), dbias: vec(dbias) };
}

/** In place, as PyTorch: r ← (1 − momentum) r + momentum·batch, Var unbiased by m/(m − 1). */
export function batchNormUpdateRunning(runningMean: RefArray, runningVar: RefArray, mean: RefArray, variance: RefArray, momentum: number, count: number): void {
  for (let ch = 0; ch < mean.data.length; ch++) {
    runningMean.data[ch] = (1 - momentum) * runningMean.data[ch]! + momentum * mean.data[ch]!;
    runningVar.data[ch] = (1 - momentum) * runningVar.data[ch]! + (momentum * count * variance.data[ch]!) / (count - 1);
  }
}
