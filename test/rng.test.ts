// The seeded Philox stream: reproducible, continued across draws, resumable from
// (seed, offset), equal to src/reference/random.ts, and with the right moments.
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { sample, type Distribution } from '../src/reference/index.js';
import { expectClose, U32 } from './helpers/compare.js';

type Draw = (shape: number[]) => fv.Tensor;

const values = (f: () => fv.Tensor): Float32Array => fv.tidy(() => f().toFloat32Array());

/** Draws `shape` with `draw` at stream position (seed, offset). */
function at(seed: number, offset: number, draw: () => fv.Tensor): Float32Array {
  fv.setRngState({ seed, offset });
  return values(draw);
}

const DISTS: { name: string; draw: Draw; dist: Distribution; tol: { atol: number; rtol: number; exact?: boolean } }[] = [
  // Uniform: one float32 multiply of an exact 24-bit fraction, so exact.
  { name: 'rand [0,1)', draw: (s) => fv.rand(s), dist: { kind: 'uniform', low: 0, high: 1 }, tol: { atol: 0, rtol: 0, exact: true } },
  // low + (high-low)·u in float32: three roundings.
  { name: 'rand [-3,5)', draw: (s) => fv.rand(s, { low: -3, high: 5 }), dist: { kind: 'uniform', low: -3, high: 5 }, tol: { atol: 8 * U32 * 5, rtol: 0 } },
  // Box-Muller in float32 (ln, sqrt, cos of 2π·u): within 1e-5 of float64.
  { name: 'randn', draw: (s) => fv.randn(s), dist: { kind: 'normal', mean: 0, std: 1 }, tol: { atol: 1e-5, rtol: 0 } },
  { name: 'randn mean 3 std 2', draw: (s) => fv.randn(s, { mean: 3, std: 2 }), dist: { kind: 'normal', mean: 3, std: 2 }, tol: { atol: 2e-5, rtol: 0 } },
  { name: 'bernoulli p=0.3', draw: (s) => fv.bernoulli(s, 0.3), dist: { kind: 'bernoulli', p: 0.3 }, tol: { atol: 0, rtol: 0, exact: true } },
];

describe('rng: native stream equals src/reference sample', () => {
  // Seeds and offsets past 2^32 exercise the high key and counter words; the
  // last offset makes a draw cross the 2^32 counter boundary.
  const positions: [number, number][] = [[0, 0], [42, 0], [7, 12345], [2 ** 40 + 5, 3], [1, 2 ** 32 - 5], [2 ** 52 + 1, 2 ** 45]];
  for (const d of DISTS) {
    for (const [seed, offset] of positions) {
      it(`${d.name} at seed ${seed}, offset ${offset}`, () => {
        const n = 997;
        const got = at(seed, offset, () => d.draw([n]));
        expectClose(`${d.name} (${seed}, ${offset})`, got, sample(d.dist, seed, offset, n), d.tol);
      });
    }
  }

  it('shapes of rank 0..4 take their element count from the stream, row-major', () => {
    for (const shape of [[], [1], [7, 13], [2, 3, 5], [2, 1, 3, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      fv.setRngState({ seed: 9, offset: 100 });
      const t = fv.randn(shape);
      expect(t.shape).toEqual(shape);
      expectClose(`randn [${shape}]`, t.toFloat32Array(), sample({ kind: 'normal', mean: 0, std: 1 }, 9, 100, n), { atol: 1e-5, rtol: 0 });
      t.dispose();
    }
  });
});

describe('rng: seeding and stream state', () => {
  it('the same seed gives the same stream; a different seed a different one', () => {
    fv.seed(123);
    const a = values(() => fv.randn([500]));
    fv.seed(123);
    const b = values(() => fv.randn([500]));
    fv.seed(124);
    const c = values(() => fv.randn([500]));
    expect(Array.from(b)).toEqual(Array.from(a));
    const same = a.filter((v, i) => v === c[i]).length;
    expect(same).toBeLessThan(5);
  });

  it('consecutive draws continue the stream', () => {
    fv.seed(7);
    const a = values(() => fv.randn([100]));
    const b = values(() => fv.rand([3, 17]));
    const c = values(() => fv.randn([50]));
    fv.seed(7);
    const whole = values(() => fv.randn([100 + 51 + 50]));
    expect(Array.from(a)).toEqual(Array.from(whole.subarray(0, 100)));
    expect(Array.from(c)).toEqual(Array.from(whole.subarray(151)));
    expectClose('rand continues', b, sample({ kind: 'uniform', low: 0, high: 1 }, 7, 100, 51), { atol: 0, rtol: 0, exact: true });
  });

  it('getRngState offsets advance by the element count of each draw', () => {
    fv.seed(5);
    expect(fv.getRngState()).toEqual({ seed: 5, offset: 0 });
    const steps: [() => fv.Tensor, number][] = [
      [() => fv.randn([3, 4]), 12],
      [() => fv.rand([]), 1],
      [() => fv.bernoulli([0], 0.5), 0],
      [() => fv.bernoulli([2, 3, 5], 0.5), 30],
      [() => fv.randn([7], { mean: 1, std: 0 }), 7],
    ];
    let expected = 0;
    for (const [draw, n] of steps) {
      fv.tidy(draw);
      expected += n;
      expect(fv.getRngState()).toEqual({ seed: 5, offset: expected });
    }
  });

  it('setRngState replays exactly from a saved state', () => {
    fv.seed(77);
    fv.tidy(() => fv.randn([123]));
    const saved = fv.getRngState();
    const a = values(() => fv.randn([64]));
    const b = values(() => fv.bernoulli([64], 0.5));
    fv.seed(1);
    fv.tidy(() => fv.rand([10]));
    fv.setRngState(saved);
    expect(Array.from(values(() => fv.randn([64])))).toEqual(Array.from(a));
    expect(Array.from(values(() => fv.bernoulli([64], 0.5)))).toEqual(Array.from(b));
    expect(fv.getRngState()).toEqual({ seed: 77, offset: 123 + 128 });
  });

  it('getRngState returns a copy that later draws do not change', () => {
    fv.seed(3);
    const s = fv.getRngState();
    fv.tidy(() => fv.rand([10]));
    expect(s).toEqual({ seed: 3, offset: 0 });
  });

  it('rejects bad seeds and states', () => {
    expect(() => fv.seed(-1)).toThrow(/seed/);
    expect(() => fv.seed(1.5)).toThrow(/seed/);
    expect(() => fv.seed(NaN)).toThrow(/seed/);
    expect(() => fv.setRngState({ seed: 1, offset: -3 })).toThrow(/setRngState.*offset/);
    expect(() => fv.setRngState({ seed: 1, offset: Infinity })).toThrow(/setRngState/);
  });
});

describe('rng: distributions', () => {
  const N = 1_000_000;

  it('1e6 normals have mean 0 ± 0.01 and std 1 ± 0.01', () => {
    fv.seed(2024);
    const v = values(() => fv.randn([N]));
    let s = 0;
    let s2 = 0;
    for (const x of v) {
      s += x;
      s2 += x * x;
    }
    const mean = s / N;
    const std = Math.sqrt(s2 / N - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('randn with mean and std scales the stream', () => {
    fv.seed(11);
    const z = values(() => fv.randn([1000]));
    fv.seed(11);
    const y = values(() => fv.randn([1000], { mean: -2, std: 0.5 }));
    expectClose('mean -2, std 0.5', y, Float64Array.from(z, (v) => -2 + 0.5 * v), { atol: 4 * U32 * 4, rtol: 0 });
  });

  it('1e6 uniforms lie in [0, 1) with mean 0.5 ± 0.01; rand(low, high) in [low, high)', () => {
    fv.seed(99);
    const v = values(() => fv.rand([N]));
    let min = Infinity;
    let max = -Infinity;
    let s = 0;
    for (const x of v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      s += x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(s / N - 0.5)).toBeLessThan(0.01);
    const w = values(() => fv.rand([10000], { low: -2, high: 3 }));
    expect(w.every((x) => x >= -2 && x < 3)).toBe(true);
  });

  it('bernoulli gives 0/1 at rate p (1e6 draws, ± 0.005); p = 0 and p = 1 are exact', () => {
    fv.seed(5150);
    for (const p of [0.3, 0.9]) {
      const v = values(() => fv.bernoulli([N], p));
      let ones = 0;
      for (const x of v) {
        if (x !== 0 && x !== 1) throw new Error(`bernoulli gave ${x}`);
        ones += x;
      }
      expect(Math.abs(ones / N - p)).toBeLessThan(0.005);
    }
    expect(values(() => fv.bernoulli([1000], 0)).every((x) => x === 0)).toBe(true);
    expect(values(() => fv.bernoulli([1000], 1)).every((x) => x === 1)).toBe(true);
  });
});
