// Gradcheck for DRAW's attention (float64, reference path): the filterbank with
// respect to all five params (FX, FY and γ each on their own and together,
// including a filter whose Z sits at the 1e-8 floor), read with respect to the
// image and the params (grey and colour), write with respect to the patch and
// the params. Also: the native (float32) backward agrees with the float64 one.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';

const { ops } = fv;

/** Seeded params [batch,5] in float64, columns scaled into DRAW's working range. */
function params(batch: number, seed: number, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  fv.seed(seed);
  const r = fv.rand([batch, 5], { low: -1, high: 1 });
  const scale = [0.9, 0.9, 1, 0.5, 0.7];
  const shift = [0, 0, 0.3, -0.2, 0];
  const data = Float64Array.from(r.toFloat32Array(), (v, i) => v * scale[i % 5]! + shift[i % 5]!);
  r.dispose();
  return fv.tensor(dtype === 'float64' ? data : Float32Array.from(data), [batch, 5], { dtype });
}

function f64(shape: number[], seed: number): Tensor {
  fv.seed(seed);
  const x = fv.rand(shape);
  const data = Float64Array.from(x.toFloat32Array());
  x.dispose();
  return fv.tensor(data, shape, { dtype: 'float64' });
}

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = fv.autograd.gradcheck(fn, inputs);
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.ok).toBe(true);
}

const flat = (t: Tensor): Tensor => ops.reshape(t, [t.shape[0]!, -1]);

describe('gradcheck: attention.filterbank (all five params)', () => {
  const cases: [number, number, number, number][] = [
    // [N, A (width), B (height), batch]
    [1, 7, 5, 2],
    [2, 6, 9, 3],
    [5, 9, 9, 2],
    [3, 12, 4, 1],
  ];
  it.each(cases)('N=%i A=%i B=%i batch %i: FX, FY, γ together', (N, A, B, batch) => {
    check((p) => {
      const f = fv.attention.filterbank(p, N, A, B);
      return ops.concat([flat(f.Fx), flat(f.Fy), ops.reshape(f.gamma, [batch, 1])], 1);
    }, [params(batch, 10 + N)]);
  });
  it.each(['Fx', 'Fy', 'gamma'] as const)('N=4 A=8 B=6: %s alone', (which) => {
    check((p) => fv.attention.filterbank(p, 4, 8, 6)[which], [params(2, 3)]);
  });
  it('a filter off the image with Z at the 1e-8 floor (F = e/1e-8)', () => {
    // N = 1, gX = 4.5·(1.771 + 1) ≈ 12.47 on an 8-wide image, σ² = 0.5: pixel 8 is 4.47
    // away, Σ e ≈ e^-20 ≈ 2e-9 < 1e-8, so Z is the floor and FX sums to ≈ 0.2, not 1.
    const p = fv.tensor(new Float64Array([1.771, 0.1, Math.log(0.5), 0, 0.2]), [1, 5], { dtype: 'float64' });
    const rowSum = fv.attention.filterbank(p, 1, 8, 6).Fx.toFloat64Array().reduce((s, v) => s + v, 0);
    expect(rowSum).toBeLessThan(0.5); // floored, not normalised
    expect(rowSum).toBeGreaterThan(0.05); // …and still carries a gradient
    check((q) => flat(fv.attention.filterbank(q, 1, 8, 6).Fx), [p]);
  });
});

describe('gradcheck: attention.read (image and params)', () => {
  it.each([
    [[2, 6, 5], 2],
    [[1, 7, 7], 1],
    [[2, 5, 8], 3],
    [[2, 3, 5, 4], 2],
  ] as [number[], number][])('x %j, N=%i', (shape, N) => {
    check((x, p) => fv.attention.read(x, p, N), [f64(shape, 5), params(shape[0]!, 6)]);
  });
});

describe('gradcheck: attention.write (patch and params)', () => {
  it.each([
    [[2, 2, 2], 6, 5],
    [[1, 1, 1], 7, 7],
    [[2, 3, 3], 4, 9],
    [[2, 3, 2, 2], 5, 6],
  ] as [number[], number, number][])('w %j onto %i×%i', (shape, H, W) => {
    check((w, p) => fv.attention.write(w, p, H, W), [f64(shape, 7), params(shape[0]!, 8)]);
  });
});

describe('attention: the float32 native backward agrees with the float64 reference backward', () => {
  it.each([
    ['read', [3, 28, 28], 2],
    ['read', [2, 3, 45, 32], 5],
    ['write', [3, 5, 5], 0],
    ['write', [2, 3, 12, 12], 0],
  ] as [string, number[], number][])('%s %j', (op, shape, N) => {
    const grads = (dtype: 'float32' | 'float64'): Float64Array[] =>
      fv.tidy(() => {
        fv.seed(21);
        const data = fv.rand(shape).toFloat32Array();
        const x = fv.tensor(dtype === 'float64' ? Float64Array.from(data) : data, shape, { dtype });
        const p = params(shape[0]!, 22, dtype);
        x.requiresGrad = true;
        p.requiresGrad = true;
        const out = op === 'read' ? fv.attention.read(x, p, N) : fv.attention.write(x, p, 45, 32);
        fv.seed(23);
        const w = fv.rand(out.shape as number[], { low: -1, high: 1 }).toFloat32Array();
        ops.sum(ops.mul(out, fv.tensor(dtype === 'float64' ? Float64Array.from(w) : w, out.shape as number[], { dtype }))).backward();
        const r = [x.grad!.toFloat64Array(), p.grad!.toFloat64Array()];
        x.grad!.dispose();
        p.grad!.dispose();
        return r;
      });
    const [[gx32, gp32], [gx64, gp64]] = [grads('float32'), grads('float64')];
    const close = (a: Float64Array, b: Float64Array, what: string): void => {
      const scale = Math.max(...b.map(Math.abs), 1e-3);
      a.forEach((v, i) => expect(Math.abs(v - b[i]!), `${what}[${i}]: ${v} vs ${b[i]}`).toBeLessThanOrEqual(1e-4 * scale));
    };
    close(gx32, gx64, 'd input');
    close(gp32, gp64, 'd params');
  });
});
