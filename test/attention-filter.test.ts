// DRAW's fused read and write (src/attention/filter.ts) against the composite of
// the filterbank and batched matmuls they replace (readComposite, writeComposite),
// forward and gradients (float32, through autograd); the native backward kernel
// against the float64 reference (src/reference/attention-filter.ts) for every
// subset of wanted gradients; gradcheck of the fused op with respect to m, FX, FY
// and γ on their own; and the binding's errors. (Forward samples against the
// reference and gradchecks through params: test/ops/attention.ts.)
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { NativeTensor, native } from '../src/native.js';
import { applyFilters } from '../src/attention/filter.js';
import { attentionFilterBackward, type FilterMode, refArray } from '../src/reference/index.js';
import { gradcheck } from './ops/opinfo.js';

type Tensor = fv.Tensor;
const { ops } = fv;

const close = (what: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length, what).toBe(b.length);
  let scale = 1e-3;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  // One expect for the worst element (an expect per element would dominate the run time).
  let worst = 0;
  for (let i = 1; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > Math.abs(a[worst]! - b[worst]!)) worst = i;
  if (a.length > 0) expect(Math.abs(a[worst]! - b[worst]!), `${what}[${worst}]: ${a[worst]} vs ${b[worst]}`).toBeLessThanOrEqual(tol * scale);
};

/** Params [batch,5] in DRAW's working range, seeded. */
function params(batch: number, seed: number): Tensor {
  fv.seed(seed);
  const r = fv.rand([batch, 5], { low: -1, high: 1 }).toFloat32Array();
  const scale = [0.9, 0.9, 1, 0.5, 0.7];
  const shift = [0, 0, 0.3, -0.2, 0];
  return fv.tensor(Float32Array.from(r, (v, i) => v * scale[i % 5]! + shift[i % 5]!), [batch, 5]);
}

// [mode, m shape, N, H, W]: grey and colour, N = 1 (one filter), A ≠ B, DRAW's MNIST sizes.
const CASES: [FilterMode, number[], number, number, number][] = [
  ['read', [3, 28, 28], 2, 28, 28],
  ['read', [2, 2, 28, 28], 2, 28, 28],
  ['read', [2, 3, 45, 32], 5, 45, 32],
  ['read', [1, 7, 5], 1, 7, 5],
  ['read', [2, 60, 60], 12, 60, 60],
  ['write', [3, 5, 5], 5, 28, 28],
  ['write', [2, 3, 5, 5], 5, 45, 32],
  ['write', [1, 1, 1], 1, 7, 5],
  ['write', [2, 12, 12], 12, 60, 60],
  // Over 2^20 multiply-adds: the CPU kernel's parallel path.
  ['read', [400, 2, 28, 28], 2, 28, 28],
  ['write', [250, 5, 5], 5, 28, 28],
];

describe('fused attention read/write vs the composite', () => {
  it.each(CASES)('%s m %j N=%i onto %i×%i: output and gradients of m and params', (mode, shape, N, H, W) => {
    const run = (fused: boolean): Float32Array[] =>
      fv.tidy(() => {
        fv.seed(31);
        const m = fv.rand(shape, { low: -1, high: 1 });
        const p = params(shape[0]!, 32);
        m.requiresGrad = true;
        p.requiresGrad = true;
        const out =
          mode === 'read'
            ? (fused ? fv.attention.read : fv.attention.readComposite)(m, p, N)
            : (fused ? fv.attention.write : fv.attention.writeComposite)(m, p, H, W);
        fv.seed(33);
        ops.sum(ops.mul(out, fv.rand(out.shape as number[], { low: -1, high: 1 }))).backward();
        const r = [out.toFloat32Array(), m.grad!.toFloat32Array(), p.grad!.toFloat32Array()];
        m.grad!.dispose();
        p.grad!.dispose();
        return r;
      });
    const [fused, composite] = [run(true), run(false)];
    ['output', 'd m', 'd params'].forEach((what, i) => close(what, fused[i]!, composite[i]!, 2e-5));
  });
});

/** Random float32 operands of one call: m, FX, FY (rows of positive weights), γ, and an output gradient. */
function operands(mode: FilterMode, B: number, C: number, N: number, H: number, W: number, seed: number): Tensor[] {
  fv.seed(seed);
  const m = fv.rand(C === 0 ? [B, ...(mode === 'read' ? [H, W] : [N, N])] : [B, C, ...(mode === 'read' ? [H, W] : [N, N])], { low: -1, high: 1 });
  const out = C === 0 ? [B, ...(mode === 'read' ? [N, N] : [H, W])] : [B, C, ...(mode === 'read' ? [N, N] : [H, W])];
  return [m, fv.rand([B, N, W]), fv.rand([B, N, H]), fv.rand([B], { low: 0.5, high: 2 }), fv.rand(out, { low: -1, high: 1 })];
}

const f64 = (t: Tensor): fv.Tensor => fv.tensor(Float64Array.from(t.toFloat32Array()), t.shape as number[], { dtype: 'float64' });

describe('attentionFilterBackward: native float32 vs the float64 reference', () => {
  const NEEDS = [
    [true, true, true, true],
    [true, false, false, false],
    [false, true, false, false],
    [false, false, true, false],
    [false, false, false, true],
    [false, true, true, false],
    [false, false, false, false],
  ];
  it.each([
    ['read', 3, 0, 2, 28, 28],
    ['read', 2, 3, 5, 9, 13],
    ['write', 3, 0, 5, 28, 28],
    ['write', 2, 2, 3, 11, 6],
    // Enough examples (over 2^20 multiply-adds) for the CPU kernel's parallel groups.
    ['read', 120, 2, 2, 28, 28],
    ['write', 120, 0, 5, 28, 28],
  ] as [FilterMode, number, number, number, number, number][])('%s B=%i C=%i N=%i %i×%i, every subset of gradients', (mode, B, C, N, H, W) => {
    fv.tidy(() => {
      const [m, fx, fy, g, grad] = operands(mode, B, C, N, H, W, 40 + N);
      const want = attentionFilterBackward(mode, ...([m, fx, fy, g, grad].map((t) => refArray(t!.toFloat32Array(), t!.shape)) as [ReturnType<typeof refArray>, ReturnType<typeof refArray>, ReturnType<typeof refArray>, ReturnType<typeof refArray>, ReturnType<typeof refArray>]));
      const wants = [want.dm, want.dFx, want.dFy, want.dGamma];
      for (const need of NEEDS) {
        const got = native.attentionFilterBackward(mode, m!.handle('t').id, fx!.handle('t').id, fy!.handle('t').id, g!.handle('t').id, grad!.handle('t').id, need).map((t) => (t ? new NativeTensor(t) : undefined));
        got.forEach((t, i) => {
          if (!need[i]) return expect(t ?? undefined).toBeUndefined();
          expect(t!.shape).toEqual(wants[i]!.shape);
          close(`${mode} need ${need} grad ${i}`, t!.toFloat32(), wants[i]!.data, 1e-5);
          t!.dispose();
        });
      }
    });
  });
});

describe('the fused op: gradcheck with respect to m, FX, FY and γ (float64)', () => {
  it.each([
    ['read', 2, 0, 2, 5, 6],
    ['read', 1, 2, 3, 4, 5],
    ['write', 2, 0, 2, 5, 6],
    ['write', 1, 2, 3, 4, 5],
  ] as [FilterMode, number, number, number, number, number][])('%s B=%i C=%i N=%i %i×%i', (mode, B, C, N, H, W) => {
    fv.tidy(() => {
      const xs = operands(mode, B, C, N, H, W, 50).slice(0, 4).map(f64);
      gradcheck((m, Fx, Fy, gamma) => applyFilters(mode, m, { Fx: Fx!, Fy: Fy!, gamma: gamma! }), xs);
    });
  });
});

describe('attentionFilter binding errors', () => {
  const h = (t: Tensor): number => t.handle('test').id;
  it('names the op, the argument and the shapes', () => {
    fv.tidy(() => {
      const [m, fx, fy, g, grad] = operands('read', 2, 0, 3, 8, 7, 1);
      expect(() => native.attentionFilter('glance', h(m!), h(fx!), h(fy!), h(g!))).toThrow(/attention\.filter: mode must be 'read' or 'write', got 'glance'/);
      expect(() => native.attentionFilter('read', h(fv.zeros([2, 8, 6])), h(fx!), h(fy!), h(g!))).toThrow(/attention\.read: m must be the image \[2,8,7\] or \[2,C,8,7\] for Fx \[2,3,7\] and Fy \[2,3,8\], got \[2,8,6\]/);
      expect(() => native.attentionFilter('write', h(m!), h(fx!), h(fy!), h(g!))).toThrow(/attention\.write: m must be the patch \[2,3,3\].*got \[2,8,7\]/);
      expect(() => native.attentionFilter('read', h(m!), h(fx!), h(fv.zeros([2, 4, 8])), h(g!))).toThrow(/attention\.read: Fx must be \[batch,N,W\] and Fy \[batch,N,H\] with the same batch and N, got Fx \[2,3,7\] and Fy \[2,4,8\]/);
      expect(() => native.attentionFilter('read', h(m!), h(fx!), h(fy!), h(fv.zeros([3])))).toThrow(/attention\.read: gamma has shape \[3\], expected \[2\]/);
      expect(() => native.attentionFilter('read', h(fv.tensor(new Int32Array(112), [2, 8, 7])), h(fx!), h(fy!), h(g!))).toThrow(/attention\.read: m/);
      expect(() => native.attentionFilterBackward('read', h(m!), h(fx!), h(fy!), h(g!), h(fv.zeros([2, 3, 2])), [true, true, true, true])).toThrow(/attention\.readBackward: grad has shape \[2,3,2\], expected \[2,3,3\]/);
      expect(() => native.attentionFilter('read', h(fv.zeros([2, 8, 0])), h(fv.zeros([2, 3, 0])), h(fy!), h(g!))).toThrow(/attention\.read: N, W and H must be at least 1, got Fx \[2,3,0\] and Fy \[2,3,8\]/);
      expect(() => native.attentionFilterBackward('read', h(m!), h(fx!), h(fy!), h(g!), h(grad!), [true])).toThrow(/attention\.filterBackward: need must hold 4 flags, got 1/);
    });
  });
});
