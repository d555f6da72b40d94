// DRAW's read and write with given filters (PAPERS.md §1), forward and backward,
// written straight from the equations, per example b and channel c:
//   read:  r[c,i,j] = γ · Σ_y Σ_x FY[i,y] m[c,y,x] FX[j,x]        (m the image [H,W])
//   write: o[c,y,x] = (1/γ) · Σ_i Σ_j FY[i,y] m[c,i,j] FX[j,x]    (m the patch [N,N])
// and the derivative of Σ G⊙out with respect to each of m, FX, FY and γ.
// m is [B,H,W] / [B,N,N] (one channel) or [B,C,H,W] / [B,C,N,N].
import { type RefArray } from './array.js';

export type FilterMode = 'read' | 'write';

interface Dims {
  batch: number;
  C: number;
  N: number;
  H: number;
  W: number;
}

function dims(m: RefArray, Fx: RefArray, Fy: RefArray): Dims {
  const [batch, N, W] = Fx.shape as [number, number, number];
  const H = Fy.shape[2]!;
  return { batch, C: m.shape.length === 4 ? m.shape[1]! : 1, N, H, W };
}

/** Accessors of one example: FY[i,y], FX[j,x], the image side Z[c,y,x] and the patch side A[c,i,j]. */
function views(d: Dims, b: number, Fx: RefArray, Fy: RefArray) {
  const { C, N, H, W } = d;
  return {
    fy: (i: number, y: number): number => Fy.data[(b * N + i) * H + y]!,
    fx: (j: number, x: number): number => Fx.data[(b * N + j) * W + x]!,
    big: (t: Float64Array, c: number, y: number, x: number): number => t[((b * C + c) * H + y) * W + x]!,
    small: (t: Float64Array, c: number, i: number, j: number): number => t[((b * C + c) * N + i) * N + j]!,
    bigAt: (c: number, y: number, x: number): number => ((b * C + c) * H + y) * W + x,
    smallAt: (c: number, i: number, j: number): number => ((b * C + c) * N + i) * N + j,
  };
}

/** read → [B,(C,)N,N], write → [B,(C,)H,W]. */
export function attentionFilter(mode: FilterMode, m: RefArray, Fx: RefArray, Fy: RefArray, gamma: RefArray): RefArray {
  const d = dims(m, Fx, Fy);
  const { batch, C, N, H, W } = d;
  const lead = m.shape.slice(0, -2);
  const read = mode === 'read';
  const out = new Float64Array(batch * C * (read ? N * N : H * W));
  for (let b = 0; b < batch; b++) {
    const v = views(d, b, Fx, Fy);
    const g = gamma.data[b]!;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          for (let y = 0; y < H; y++) {
            for (let x = 0; x < W; x++) {
              const f = v.fy(i, y) * v.fx(j, x);
              if (read) out[v.smallAt(c, i, j)]! += g * f * v.big(m.data, c, y, x);
              else out[v.bigAt(c, y, x)]! += (f * v.small(m.data, c, i, j)) / g;
            }
          }
        }
      }
    }
  }
  return { shape: [...lead, ...(read ? [N, N] : [H, W])], data: out };
}

export interface FilterGrads {
  dm: RefArray;
  dFx: RefArray;
  dFy: RefArray;
  dGamma: RefArray;
}

/** The gradients of Σ G⊙attentionFilter(mode, m, Fx, Fy, γ) with respect to m, FX, FY and γ. */
export function attentionFilterBackward(mode: FilterMode, m: RefArray, Fx: RefArray, Fy: RefArray, gamma: RefArray, grad: RefArray): FilterGrads {
  const d = dims(m, Fx, Fy);
  const { batch, C, N, H, W } = d;
  const read = mode === 'read';
  const dm = new Float64Array(m.data.length);
  const dFx = new Float64Array(Fx.data.length);
  const dFy = new Float64Array(Fy.data.length);
  const dGamma = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const v = views(d, b, Fx, Fy);
    const g = gamma.data[b]!;
    // read: out = γ·P, write: out = P/γ, with P the sum of products below.
    const scale = read ? g : 1 / g;
    const dScale = read ? 1 : -1 / (g * g);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          for (let y = 0; y < H; y++) {
            for (let x = 0; x < W; x++) {
              // One term FY[i,y]·M·FX[j,x] of output element `o`, M = m at `mi`.
              const o = read ? v.smallAt(c, i, j) : v.bigAt(c, y, x);
              const mi = read ? v.bigAt(c, y, x) : v.smallAt(c, i, j);
              const G = grad.data[o]!;
              const M = m.data[mi]!;
              const fy = v.fy(i, y);
              const fx = v.fx(j, x);
              dm[mi]! += scale * G * fy * fx;
              dFy[(b * N + i) * H + y]! += scale * G * M * fx;
              dFx[(b * N + j) * W + x]! += scale * G * fy * M;
              dGamma[b]! += dScale * G * fy * M * fx;
            }
          }
        }
      }
    }
  }
  return {
    dm: { shape: [...m.shape], data: dm },
    dFx: { shape: [...Fx.shape], data: dFx },
    dFy: { shape: [...Fy.shape], data: dFy },
    dGamma: { shape: [batch], data: dGamma },
  };
}
