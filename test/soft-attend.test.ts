// Soft attention's properties (PAPERS.md §3): α is a distribution over the
// unmasked locations, exactly 0 on masked ones; a bias shifts every score and so
// changes nothing (and gets a zero gradient); v = 0 attends uniformly (context =
// the mean annotation); proj computed once serves several words, its gradient
// summing theirs; no graph leaves only the results. (Samples against the float64
// reference, gradchecks and bad input: test/ops/soft-attend.ts.)
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';

const { softAttend, softAttendComposite } = fv.attention;
type Tensor = fv.Tensor;

function operands(B: number, L: number, A: number, D: number, seed: number): Tensor[] {
  fv.seed(seed);
  return [fv.randn([B, L, A]), fv.randn([B, A]), fv.randn([A]), fv.randn([B, L, D])];
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
};

describe.each([
  ['softAttend', softAttend],
  ['softAttendComposite', softAttendComposite],
] as const)('%s', (_, attend) => {
  it('α sums to 1 over the unmasked locations and is exactly 0 on masked ones', () => {
    fv.tidy(() => {
      const [p, h, v, a] = operands(3, 7, 5, 4, 1);
      const mask = fv.tensor([1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [3, 7]);
      const alpha = attend(p!, h!, v!, a!, { mask }).alpha.toFloat32Array();
      const m = mask.toFloat32Array();
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let l = 0; l < 7; l++) {
          if (m[b * 7 + l] === 0) expect(alpha[b * 7 + l]).toBe(0);
          else expect(alpha[b * 7 + l]).toBeGreaterThan(0);
          s += alpha[b * 7 + l]!;
        }
        expect(s).toBeCloseTo(1, 6);
      }
      // Row 1 keeps one location: all its weight is there, and the context is that annotation.
      expect(alpha[13]).toBeCloseTo(1, 6);
      const ctx = attend(p!, h!, v!, a!, { mask }).context.toFloat32Array().slice(4, 8);
      close(ctx, a!.toFloat32Array().slice((7 + 6) * 4, (7 + 7) * 4), 1e-6);
    });
  });

  it('a bias changes nothing and gets a zero gradient; v = 0 gives the mean annotation', () => {
    fv.tidy(() => {
      const [p, h, v, a] = operands(2, 5, 3, 6, 2);
      const bias = fv.tensor([3.5], [1]);
      bias.requiresGrad = true;
      const withBias = attend(p!, h!, v!, a!, { bias });
      close(withBias.alpha.toFloat32Array(), attend(p!, h!, v!, a!).alpha.toFloat32Array(), 1e-6);
      fv.ops.sum(fv.ops.mul(withBias.context, fv.randn([2, 6]))).backward();
      expect(Math.abs(bias.grad!.item())).toBeLessThan(1e-5);
      bias.grad!.dispose();
      const uniform = attend(p!, h!, fv.zeros([3]), a!);
      uniform.alpha.toFloat32Array().forEach((x) => expect(x).toBeCloseTo(0.2, 6));
      close(uniform.context.toFloat32Array(), fv.ops.mean(a!, [1]).toFloat32Array(), 1e-6);
    });
  });

  it('proj computed once serves several words: its gradient sums theirs', () => {
    fv.tidy(() => {
      const [p, h, v, a] = operands(2, 6, 4, 3, 3);
      const h2 = fv.randn([2, 4]);
      p!.requiresGrad = true;
      const loss = (hs: Tensor[]): Tensor => hs.map((x) => fv.ops.sum(fv.ops.square(attend(p!, x, v!, a!).context))).reduce((s, t) => fv.ops.add(s, t));
      loss([h!, h2]).backward();
      const both = p!.grad!.toFloat32Array();
      const each = [h!, h2].map((x) => {
        p!.grad!.dispose();
        p!.grad = undefined;
        loss([x]).backward();
        return p!.grad!.toFloat32Array();
      });
      close(both, each[0]!.map((g, i) => g + each[1]![i]!), 1e-5);
      p!.grad!.dispose();
    });
  });

  it('without a graph only context and α are left behind', () => {
    const xs = operands(2, 5, 3, 4, 4);
    const [mask, bias] = [fv.ones([2, 5]), fv.zeros([])];
    const before = fv.memory().numTensors;
    const r = attend(xs[0]!, xs[1]!, xs[2]!, xs[3]!, { mask, bias });
    expect(fv.memory().numTensors).toBe(before + 2);
    for (const t of [...xs, mask, bias, r.context, r.alpha]) t.dispose();
  });
});
