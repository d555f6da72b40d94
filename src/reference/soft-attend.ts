// Show, Attend and Tell's soft attention (PAPERS.md §3, "attention MLP", "soft
// context"), in plain loops over b = 0..B−1, l = 0..L−1, k = 0..A−1, d = 0..D−1:
//   t_blk = tanh(proj_blk + hProj_bk)          proj = W_a a_i, hProj = W_d h_{t−1} + b
//   e_bl  = Σ_k v_k t_blk (+ bias)              e_ti = v_attᵀ tanh(…) (+ c)
//   α_bl  = exp(e_bl) / Σ_{l unmasked} exp(e_bl′), 0 where mask_bl = 0
//   ctx_bd = Σ_l α_bl a_bld                     ẑ_t = Σ_i α_ti a_i (before the gate β_t)
// Backward, from dctx [B,D] and dα [B,L] (either may be absent: zero):
//   gα_bl    = dα_bl + Σ_d dctx_bd a_bld
//   de_bl    = α_bl (gα_bl − Σ_l′ α_bl′ gα_bl′)          (softmax Jacobian; 0 where masked)
//   dproj_blk = de_bl v_k (1 − t_blk²);  dhProj_bk = Σ_l dproj_blk
//   dv_k     = Σ_bl de_bl t_blk;  dbias = Σ_bl de_bl (0 up to rounding: α ignores a shift)
//   da_bld   = α_bl dctx_bd
import { fail, fmtShape } from '../errors.js';
import { type RefArray } from './array.js';

export interface SoftAttendForward {
  /** [B,D]: ẑ = Σ_l α_l a_l. */
  context: RefArray;
  /** [B,L]: the attention weights. */
  alpha: RefArray;
  /** [B,L,A]: tanh(proj + hProj), kept for the backward. */
  hidden: RefArray;
}

/** A mask [B,L] of 0s and 1s with at least one 1 per row; anything else is an error naming the place. */
export function checkSoftAttendMask(op: string, mask: ArrayLike<number>, B: number, L: number): void {
  for (let b = 0; b < B; b++) {
    let kept = 0;
    for (let l = 0; l < L; l++) {
      const m = mask[b * L + l]!;
      if (m !== 0 && m !== 1) fail(op, `mask must hold 0 or 1, got ${m} at [${b},${l}] of [${B},${L}]`);
      kept += m;
    }
    if (kept === 0) fail(op, `mask row ${b} of [${B},${L}] masks every location; at least one must be 1`);
  }
}

export function softAttend(proj: RefArray, hProj: RefArray, v: RefArray, annotations: RefArray, bias: RefArray | undefined, mask: RefArray | undefined): SoftAttendForward {
  const [B, L, A] = proj.shape as [number, number, number];
  const D = annotations.shape[2]!;
  if (mask) checkSoftAttendMask('softAttend', mask.data, B, L);
  const hidden = new Float64Array(B * L * A);
  const alpha = new Float64Array(B * L);
  const context = new Float64Array(B * D);
  const c = bias?.data[0] ?? 0;
  for (let b = 0; b < B; b++) {
    const e = new Float64Array(L);
    let max = -Infinity;
    for (let l = 0; l < L; l++) {
      let s = 0;
      for (let k = 0; k < A; k++) {
        const t = Math.tanh(proj.data[(b * L + l) * A + k]! + hProj.data[b * A + k]!);
        hidden[(b * L + l) * A + k] = t;
        s += v.data[k]! * t;
      }
      e[l] = s + c;
      if ((mask?.data[b * L + l] ?? 1) === 1) max = Math.max(max, e[l]!);
    }
    let Z = 0;
    for (let l = 0; l < L; l++) {
      const w = (mask?.data[b * L + l] ?? 1) === 1 ? Math.exp(e[l]! - max) : 0;
      alpha[b * L + l] = w;
      Z += w;
    }
    for (let l = 0; l < L; l++) {
      alpha[b * L + l]! /= Z;
      for (let d = 0; d < D; d++) context[b * D + d]! += alpha[b * L + l]! * annotations.data[(b * L + l) * D + d]!;
    }
  }
  return { context: { shape: [B, D], data: context }, alpha: { shape: [B, L], data: alpha }, hidden: { shape: [B, L, A], data: hidden } };
}

export interface SoftAttendGrads {
  proj: RefArray;
  hProj: RefArray;
  v: RefArray;
  annotations: RefArray;
  /** [1]: the bias gradient. */
  bias: RefArray;
}

export function softAttendBackward(
  dContext: RefArray | undefined,
  dAlpha: RefArray | undefined,
  v: RefArray,
  annotations: RefArray,
  alpha: RefArray,
  hidden: RefArray,
): SoftAttendGrads {
  const [B, L, A] = hidden.shape as [number, number, number];
  const D = annotations.shape[2]!;
  if (alpha.shape.join() !== `${B},${L}`) fail('softAttendBackward', `alpha must be [${B},${L}], got ${fmtShape(alpha.shape)}`);
  const dproj = new Float64Array(B * L * A);
  const dhProj = new Float64Array(B * A);
  const dv = new Float64Array(A);
  const da = new Float64Array(B * L * D);
  let dbias = 0;
  for (let b = 0; b < B; b++) {
    const g = new Float64Array(L);
    let dot = 0;
    for (let l = 0; l < L; l++) {
      let s = dAlpha?.data[b * L + l] ?? 0;
      if (dContext) for (let d = 0; d < D; d++) s += dContext.data[b * D + d]! * annotations.data[(b * L + l) * D + d]!;
      g[l] = s;
      dot += alpha.data[b * L + l]! * s;
    }
    for (let l = 0; l < L; l++) {
      const a = alpha.data[b * L + l]!;
      const de = a * (g[l]! - dot);
      dbias += de;
      for (let k = 0; k < A; k++) {
        const t = hidden.data[(b * L + l) * A + k]!;
        const dp = de * v.data[k]! * (1 - t * t);
        dproj[(b * L + l) * A + k] = dp;
        dhProj[b * A + k]! += dp;
        dv[k]! += de * t;
      }
      if (dContext) for (let d = 0; d < D; d++) da[(b * L + l) * D + d] = a * dContext.data[b * D + d]!;
    }
  }
  return {
    proj: { shape: [B, L, A], data: dproj },
    hProj: { shape: [B, A], data: dhProj },
    v: { shape: [A], data: dv },
    annotations: { shape: [B, L, D], data: da },
    bias: { shape: [1], data: Float64Array.of(dbias) },
  };
}
