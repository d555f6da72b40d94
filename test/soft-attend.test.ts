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

/** Context, α and the gradient of every input, for seed gradients on context and α. */
function everything(attend: typeof softAttend, dims: number[], withBias: boolean, withMask: boolean, dtype: 'float32' | 'float64'): Float64Array[] {
  return fv.tidy(() => {
    const [B, L, A, D] = dims as [number, number, number, number];
    const cast = (t: Tensor): Tensor => (dtype === 'float64' ? fv.tensor(t.toFloat64Array(), t.shape, { dtype }) : t);
    const xs = [...operands(B, L, A, D, 7), fv.randn([])].map(cast);
    const mask = withMask ? cast(fv.tensor(Float32Array.from({ length: B * L }, (_, i) => (i % L === L - 1 || i % 3 !== 0 ? 1 : 0)), [B, L])) : undefined;
    const [gc, ga] = [cast(fv.randn([B, D])), cast(fv.randn([B, L]))];
    const leaves = withBias ? xs : xs.slice(0, 4);
    for (const t of leaves) t.requiresGrad = true;
    const r = attend(xs[0]!, xs[1]!, xs[2]!, xs[3]!, { bias: withBias ? xs[4] : undefined, mask });
    fv.ops.add(fv.ops.sum(fv.ops.mul(r.context, gc)), fv.ops.sum(fv.ops.mul(r.alpha, ga))).backward();
    const out = [r.context, r.alpha, ...leaves.map((t) => t.grad!)].map((t) => t.toFloat64Array());
    for (const t of leaves) t.grad!.dispose();
    return out;
  });
}

describe('softAttend (fused kernel) vs softAttendComposite', () => {
  // Odd shapes: L = 1, primes, A and D off multiples of 16, B = 1; the captioner's A = 512.
  const SHAPES = [
    [1, 1, 1, 1],
    [1, 7, 5, 3],
    [3, 13, 17, 31],
    [2, 29, 16, 8],
    [5, 1, 9, 11],
    [4, 196, 33, 23],
    [2, 49, 512, 112],
  ];
  const NAMES = ['context', 'α', 'd proj', 'd hProj', 'd v', 'd annotations', 'd bias'];
  describe.each([
    ['no bias, no mask', false, false],
    ['bias', true, false],
    ['mask', false, true],
    ['bias and mask', true, true],
  ] as const)('%s', (_, withBias, withMask) => {
    it.each(SHAPES)('[%i,%i,%i,%i], float32 (native) and float64 (reference)', (...dims) => {
      for (const [dtype, tol] of [
        ['float32', 2e-5],
        ['float64', 1e-12],
      ] as const) {
        const fused = everything(softAttend, dims, withBias, withMask, dtype);
        const composite = everything(softAttendComposite, dims, withBias, withMask, dtype);
        fused.forEach((f, i) => {
          // α and context are O(1); the gradients sum up to L·D products of O(1) terms.
          const scale = composite[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
          const worst = f.reduce((m, v, j) => Math.max(m, Math.abs(v - composite[i]![j]!)), 0);
          expect(worst, `${dtype} ${NAMES[i]}: max |fused − composite| vs scale ${scale}`).toBeLessThanOrEqual(tol * scale);
        });
      }
    });
  });
});
