// DRAW's Gaussian attention filterbank, read and write (PAPERS.md §1 "Selective
// attention"), written straight from the equations with the paper's 1-based
// indices i, j = 1..N, a = 1..A, b = 1..B:
//   gX = (A+1)/2 · (g̃X + 1)           gY = (B+1)/2 · (g̃Y + 1)
//   δ  = (max(A,B) − 1)/(N − 1) · δ̃     μX_i = gX + (i − N/2 − 0.5)·δ
//   FX[i,a] = exp(−(a − μX_i)²/(2σ²)) / ZX_i,   ZX_i = max(Σ_a exp(…), 1e-8)
//   read = γ · FY x FXᵀ,   write = (1/γ) · FYᵀ w FX   (the same filters per channel)
// N = 1: (N − 1) is taken as max(N − 1, 1); the single filter sits on g (its
// offset i − N/2 − 0.5 is 0), so δ̃ has no effect and no gradient.
import { fail, fmtShape } from '../errors.js';
import { type RefArray } from './array.js';

/** The floor on each filter's normaliser Z (PAPERS.md: Z = max(Σ exp(…), 1e-8)). */
export const ATTENTION_Z_EPS = 1e-8;

export interface RefFilterbank {
  Fx: RefArray;
  Fy: RefArray;
  gamma: RefArray;
}

/** The five raw parameters of example `b`, as named in the paper. */
function paramsOf(params: RefArray, b: number): { gxt: number; gyt: number; logVar: number; logDelta: number; logGamma: number } {
  const p = params.data.subarray(b * 5, b * 5 + 5);
  for (let k = 0; k < 5; k++) {
    if (!Number.isFinite(p[k]!)) fail('attention.filterbank', `params must be finite, got ${p[k]} at [${b},${k}] of ${fmtShape(params.shape)}`);
  }
  return { gxt: p[0]!, gyt: p[1]!, logVar: p[2]!, logDelta: p[3]!, logGamma: p[4]! };
}

/** One axis of one example: grid centre g, stride δ, σ², for an image side of `len`. */
function axis(gTilde: number, logVar: number, logDelta: number, len: number, N: number, A: number, B: number) {
  const g = ((len + 1) / 2) * (gTilde + 1);
  const delta = ((Math.max(A, B) - 1) / Math.max(N - 1, 1)) * Math.exp(logDelta);
  const s2 = Math.exp(logVar);
  const mu = (i: number): number => g + (i - N / 2 - 0.5) * delta;
  /** exp(−(a − μ_i)²/(2σ²)) for a = 1..len, at index a − 1. */
  const row = (i: number): number[] => Array.from({ length: len }, (_, a0) => Math.exp(-((a0 + 1 - mu(i)) ** 2) / (2 * s2)));
  return { g, delta, s2, mu, row, dCentre: (len + 1) / 2 };
}

/** FX [batch,N,A], FY [batch,N,B], γ [batch] from params [batch,5]; A is the width, B the height. */
export function attentionFilterbank(params: RefArray, N: number, A: number, B: number): RefFilterbank {
  const batch = params.shape[0]!;
  const Fx = new Float64Array(batch * N * A);
  const Fy = new Float64Array(batch * N * B);
  const gamma = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const p = paramsOf(params, b);
    const sides: [ReturnType<typeof axis>, Float64Array, number][] = [
      [axis(p.gxt, p.logVar, p.logDelta, A, N, A, B), Fx, A],
      [axis(p.gyt, p.logVar, p.logDelta, B, N, A, B), Fy, B],
    ];
    for (const [ax, F, len] of sides) {
      for (let i = 1; i <= N; i++) {
        const e = ax.row(i);
        const Z = Math.max(e.reduce((s, v) => s + v, 0), ATTENTION_Z_EPS);
        for (let a = 1; a <= len; a++) F[(b * N + i - 1) * len + a - 1] = e[a - 1]! / Z;
      }
    }
    gamma[b] = Math.exp(p.logGamma);
  }
  return { Fx: { shape: [batch, N, A], data: Fx }, Fy: { shape: [batch, N, B], data: Fy }, gamma: { shape: [batch], data: gamma } };
}

/**
 * d params [batch,5] given dL/dFX, dL/dFY and dL/dγ (an absent one is zero). With
 * e_a the unnormalised row, S = Σ e and Z = max(S, ε):
 *   dL/de_a = (G_a − Σ G⊙F)/Z when S ≥ ε, G_a/Z when Z is the floor;
 *   de_a/dμ = e_a (a − μ)/σ²;  de_a/dlogσ² = e_a (a − μ)²/(2σ²);
 *   dμ_i/dg̃ = (len+1)/2;  dμ_i/dlogδ̃ = (i − N/2 − 0.5)·δ;  dγ/dlogγ = γ.
 */
export function attentionFilterbankBackward(
  params: RefArray,
  dFx: RefArray | undefined,
  dFy: RefArray | undefined,
  dGamma: RefArray | undefined,
  N: number,
  A: number,
  B: number,
): RefArray {
  const batch = params.shape[0]!;
  const out = new Float64Array(batch * 5);
  for (let b = 0; b < batch; b++) {
    const p = paramsOf(params, b);
    const sides: [ReturnType<typeof axis>, RefArray | undefined, number, number][] = [
      [axis(p.gxt, p.logVar, p.logDelta, A, N, A, B), dFx, A, 0],
      [axis(p.gyt, p.logVar, p.logDelta, B, N, A, B), dFy, B, 1],
    ];
    for (const [ax, dF, len, col] of sides) {
      if (dF === undefined) continue;
      for (let i = 1; i <= N; i++) {
        const e = ax.row(i);
        const G = (a: number): number => dF.data[(b * N + i - 1) * len + a - 1]!;
        const S = e.reduce((s, v) => s + v, 0);
        const Z = Math.max(S, ATTENTION_Z_EPS);
        let GF = 0;
        for (let a = 1; a <= len; a++) GF += (G(a) * e[a - 1]!) / Z;
        let dMu = 0;
        for (let a = 1; a <= len; a++) {
          const dE = S >= ATTENTION_Z_EPS ? (G(a) - GF) / Z : G(a) / Z;
          const d = a - ax.mu(i);
          dMu += (dE * e[a - 1]! * d) / ax.s2;
          out[b * 5 + 2]! += (dE * e[a - 1]! * d * d) / (2 * ax.s2);
        }
        out[b * 5 + col]! += dMu * ax.dCentre;
        out[b * 5 + 3]! += dMu * (i - N / 2 - 0.5) * ax.delta;
      }
    }
    if (dGamma !== undefined) out[b * 5 + 4] = dGamma.data[b]! * Math.exp(p.logGamma);
  }
  return { shape: [batch, 5], data: out };
}

/** x [batch,H,W] or [batch,C,H,W] → γ·FY x_c FXᵀ per channel: [batch,N,N] or [batch,C,N,N]. */
export function attentionRead(x: RefArray, params: RefArray, N: number): RefArray {
  const colour = x.shape.length === 4;
  const [batch, C, H, W] = colour ? x.shape : [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!];
  const { Fx, Fy, gamma } = attentionFilterbank(params, N, W!, H!);
  const out = new Float64Array(batch! * C! * N * N);
  for (let b = 0; b < batch!; b++) {
    for (let c = 0; c < C!; c++) {
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let h = 0; h < H!; h++) {
            for (let w = 0; w < W!; w++) s += Fy.data[(b * N + i) * H! + h]! * x.data[((b * C! + c) * H! + h) * W! + w]! * Fx.data[(b * N + j) * W! + w]!;
          }
          out[((b * C! + c) * N + i) * N + j] = gamma.data[b]! * s;
        }
      }
    }
  }
  return { shape: colour ? [batch!, C!, N, N] : [batch!, N, N], data: out };
}

/** w [batch,N,N] or [batch,C,N,N] → (1/γ)·FYᵀ w_c FX per channel: [batch,H,W] or [batch,C,H,W]. */
export function attentionWrite(w: RefArray, params: RefArray, H: number, W: number): RefArray {
  const colour = w.shape.length === 4;
  const [batch, C, N] = colour ? w.shape : [w.shape[0]!, 1, w.shape[1]!];
  const { Fx, Fy, gamma } = attentionFilterbank(params, N!, W, H);
  const out = new Float64Array(batch! * C! * H * W);
  for (let b = 0; b < batch!; b++) {
    for (let c = 0; c < C!; c++) {
      for (let h = 0; h < H; h++) {
        for (let x = 0; x < W; x++) {
          let s = 0;
          for (let i = 0; i < N!; i++) {
            for (let j = 0; j < N!; j++) s += Fy.data[(b * N! + i) * H + h]! * w.data[((b * C! + c) * N! + i) * N! + j]! * Fx.data[(b * N! + j) * W + x]!;
          }
          out[((b * C! + c) * H + h) * W + x] = s / gamma.data[b]!;
        }
      }
    }
  }
  return { shape: colour ? [batch!, C!, H, W] : [batch!, H, W], data: out };
}
