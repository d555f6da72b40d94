// DRAW attention: the geometry that pins PAPERS.md §1's 1-based convention (and
// would catch the 0-based port's off-centre grid), the N = 1 rule, the colour
// rule, read/write adjointness and memory hygiene. (Samples, gradchecks and bad
// input: test/ops/attention.ts.)
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';

const { attention } = fv;

/** Float32 params [rows.length,5] on the CPU. */
const P = (...rows: number[][]): fv.Tensor => fv.tensor(Float32Array.from(rows.flat()), [rows.length, 5]);

/** Row i of an [1,N,len] filterbank as numbers. */
const rowOf = (F: fv.Tensor, i: number): number[] => {
  const len = F.shape[2]!;
  return Array.from(F.toFloat32Array().slice(i * len, (i + 1) * len));
};

/** The 1-based centre of mass Σ a·F[a] of a filter row. */
const centre = (row: number[]): number => row.reduce((s, v, a0) => s + (a0 + 1) * v, 0) / row.reduce((s, v) => s + v, 0);

describe('attention.filterbank geometry (1-based, PAPERS.md §1)', () => {
  it.each([
    [5, 60, 60],
    [4, 61, 40],
    [12, 100, 100],
  ])('N=%i on %i×%i: filter centres sit at gX + (i − N/2 − 0.5)·δ, symmetric about (A+1)/2 for g̃ = 0', (N, A, B) => {
    fv.tidy(() => {
      // σ² = 1: the sampled Gaussian's centre of mass equals μ to ~1e-8 (Poisson summation).
      const logDelta = Math.log(0.5);
      const { Fx, Fy } = attention.filterbank(P([0, 0, 0, logDelta, 0]), N, A, B);
      const delta = ((Math.max(A, B) - 1) / (N - 1)) * 0.5;
      for (let i = 1; i <= N; i++) {
        expect(centre(rowOf(Fx, i - 1))).toBeCloseTo((A + 1) / 2 + (i - N / 2 - 0.5) * delta, 3);
        expect(centre(rowOf(Fy, i - 1))).toBeCloseTo((B + 1) / 2 + (i - N / 2 - 0.5) * delta, 3);
      }
      // Mirror symmetry: FX[i,a] = FX[N+1−i, A+1−a] exactly about the image centre.
      for (let i = 0; i < N; i++) {
        const [r, m] = [rowOf(Fx, i), rowOf(Fx, N - 1 - i)];
        r.forEach((v, a) => expect(v).toBeCloseTo(m[A - 1 - a]!, 6));
      }
    });
  });

  it('g̃ = −1 and +1 put the grid centre at 0 and A+1: just outside pixels 1 and A', () => {
    fv.tidy(() => {
      // N = 1, σ² = 1: F[a] ∝ exp(−(a − g)²/2). A 0-based port would give the ratio e^−0.5.
      const left = rowOf(attention.filterbank(P([-1, 1, 0, 0, 0]), 1, 9, 6).Fx, 0);
      expect(left[1]! / left[0]!).toBeCloseTo(Math.exp(-1.5), 6);
      expect(left.indexOf(Math.max(...left))).toBe(0);
      const { Fx, Fy } = attention.filterbank(P([1, 1, 0, 0, 0]), 1, 9, 6);
      const right = rowOf(Fx, 0);
      expect(right[7]! / right[8]!).toBeCloseTo(Math.exp(-1.5), 6);
      const bottom = rowOf(Fy, 0);
      expect(bottom[4]! / bottom[5]!).toBeCloseTo(Math.exp(-1.5), 6);
    });
  });

  it('every on-image row of FX and FY sums to 1 and γ = exp(log γ)', () => {
    fv.tidy(() => {
      fv.seed(3);
      // Grids that stay on the image: |g̃| ≤ 0.5, δ = 11·e^(−1 ± 0.3) ≤ 5.4, σ² ∈ [e^−1, e].
      const p = fv.ops.add(fv.ops.mul(fv.rand([4, 5], { low: -1, high: 1 }), fv.tensor([0.5, 0.5, 1, 0.3, 2], [5])), fv.tensor([0, 0, 0, -1, 0], [5]));
      const { Fx, Fy, gamma } = attention.filterbank(p, 5, 32, 45);
      for (const F of [Fx, Fy]) {
        const sums = fv.ops.sum(F, [2]).toFloat32Array();
        sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
      }
      const logG = fv.ops.slice(p, [0, 4], [4, 5]).toFloat32Array();
      gamma.toFloat32Array().forEach((g, b) => expect(g).toBeCloseTo(Math.exp(logG[b]!), 5));
    });
  });

  it('N = 1: one filter centred on (gX, gY); δ̃ has no effect and gets no gradient', () => {
    fv.tidy(() => {
      const a = attention.filterbank(P([0, 0, 0, -2, 0]), 1, 11, 7);
      const b = attention.filterbank(P([0, 0, 0, 3, 0]), 1, 11, 7);
      expect(Array.from(a.Fx.toFloat32Array())).toEqual(Array.from(b.Fx.toFloat32Array()));
      expect(centre(rowOf(a.Fx, 0))).toBeCloseTo(6, 5);
      expect(centre(rowOf(a.Fy, 0))).toBeCloseTo(4, 5);
      const p = P([0.2, -0.3, 0.4, 1, 0.1]);
      p.requiresGrad = true;
      fv.ops.sum(attention.read(fv.rand([1, 7, 11]), p, 1)).backward();
      const g = p.grad!.toFloat32Array();
      expect(g[3]).toBe(0);
      expect(Math.abs(g[0]!)).toBeGreaterThan(0);
      p.grad!.dispose();
    });
  });

  it('a grid far off the image gives all-zero filters (Z floor), not NaN', () => {
    fv.tidy(() => {
      const { Fx, Fy } = attention.filterbank(P([50, -50, -2, 0, 0]), 3, 10, 10);
      expect(Fx.toFloat32Array().every((v) => v === 0)).toBe(true);
      expect(Fy.toFloat32Array().every((v) => v === 0)).toBe(true);
    });
  });
});

describe('attention.read / write', () => {
  it('colour uses the same filters for every channel', () => {
    fv.tidy(() => {
      fv.seed(4);
      const x = fv.rand([2, 3, 45, 32]);
      const p = fv.ops.mul(fv.rand([2, 5], { low: -1, high: 1 }), fv.tensor([0.8, 0.8, 1, 0.5, 1], [5]));
      const all = attention.read(x, p, 5).toFloat32Array();
      for (let c = 0; c < 3; c++) {
        const one = attention.read(fv.ops.reshape(fv.ops.slice(x, [0, c], [2, c + 1]), [2, 45, 32]), p, 5).toFloat32Array();
        for (let b = 0; b < 2; b++) for (let k = 0; k < 25; k++) expect(all[(b * 3 + c) * 25 + k]).toBeCloseTo(one[b * 25 + k]!, 5);
      }
      const w = fv.rand([2, 3, 5, 5]);
      const canvas = attention.write(w, p, 45, 32).toFloat32Array();
      const one = attention.write(fv.ops.reshape(fv.ops.slice(w, [0, 1], [2, 2]), [2, 5, 5]), p, 45, 32).toFloat32Array();
      for (let b = 0; b < 2; b++) for (let k = 0; k < 45 * 32; k++) expect(canvas[(b * 3 + 1) * 1440 + k]).toBeCloseTo(one[b * 1440 + k]!, 5);
    });
  });

  it('write is the adjoint of read up to γ²: ⟨read(x), w⟩ = γ²·⟨x, write(w)⟩', () => {
    fv.tidy(() => {
      fv.seed(5);
      const p = P([0.1, -0.2, 0.5, -0.3, 0.4]);
      const x = fv.rand([1, 28, 28]);
      const w = fv.rand([1, 4, 4]);
      const lhs = fv.ops.sum(fv.ops.mul(attention.read(x, p, 4), w)).item();
      const rhs = Math.exp(0.8) * fv.ops.sum(fv.ops.mul(x, attention.write(w, p, 28, 28))).item();
      expect(lhs).toBeCloseTo(rhs, 4);
    });
  });

  it('without a graph, read and write leave only their result behind', () => {
    const before = fv.memory().numTensors;
    const x = fv.rand([3, 28, 28]);
    const p = fv.zeros([3, 5]);
    const r = attention.read(x, p, 2);
    const c = attention.write(r, p, 28, 28);
    expect(fv.memory().numTensors).toBe(before + 4);
    for (const t of [x, p, r, c]) t.dispose();
  });
});
