// DRAW attention: fv.attention.filterbank, its backward kernel, read and
// write against src/reference/attention.ts (written from PAPERS.md §1's
// equations). Sizes: N = 1, 2, 5, 12; images 28×28, 60×60 and 32 wide × 45 high
// (A ≠ B), 7×5; batch 1 and 3; grey and colour (C = 3). Params: g̃ in [-1.2,1.2],
// log σ² in [-1,2], log δ̃ in [-1,0.5], log γ in [-1,1], plus extremes: a grid far
// off the image (Z at its 1e-8 floor: all-zero rows), a needle-thin σ, a wide σ.
// Tolerances: the CPU kernel computes in f64 and rounds once (filters: atol 1e-7,
// rtol 1e-6). The CUDA kernel computes in f32: each exponent −d²/(2σ²) carries a
// relative error ~u, so a value e^−t (t ≲ 16 where it exceeds atol) is off by
// ~t·u ≈ 1e-6 relative. Backward: dparams sums N·(A+B) terms of size up to
// |G|·|a−μ|²/σ² that partly cancel (Σ_a K_a = 0), so atol 1e-4, rtol 1e-4.
// Read/write run the fused filter kernel (sums of up to H·W terms in f32): atol 1e-5, rtol 1e-4.
// Gradcheck (float64): the filterbank with respect to all five params (FX, FY and
// γ each on their own and together, and a filter whose Z sits at the 1e-8 floor),
// read w.r.t. image and params (grey and colour), write w.r.t. patch and params;
// and the float32 native backward of read/write against the float64 one.
import * as fv from '../../src/index.js';
import { native } from '../../src/native.js';
import { attentionFilterbank, attentionFilterbankBackward, attentionRead, attentionWrite, type RefArray } from '../../src/reference/index.js';
import { type Rng } from '../helpers/random.js';
import { expect } from 'vitest';
import { err, family, gradcheck, uniform, wrapNative, type ErrorCase, type GradCase, type InputMaker, type Sample } from './opinfo.js';

const RANGES: [number, number][] = [
  [-1.2, 1.2],
  [-1.2, 1.2],
  [-1, 2],
  [-1, 0.5],
  [-1, 1],
];

/** Random params [batch,5], each column in its range. */
export const randomParams =
  (batch: number): InputMaker =>
  (rng: Rng) => ({
    shape: [batch, 5],
    dtype: 'float32',
    data: Float32Array.from({ length: batch * 5 }, (_, i) => rng.uniform(...RANGES[i % 5]!)),
  });

/** Fixed params [rows.length,5]. */
const givenParams =
  (rows: number[][]): InputMaker =>
  () => ({ shape: [rows.length, 5], dtype: 'float32', data: Float32Array.from(rows.flat()) });

const EXTREMES: [string, number[][]][] = [
  ['grid far off the image (Z floor)', [[40, -40, -3, 0, 0]]],
  ['needle σ² = e^-8', [[0.1, -0.3, -8, 0, 0.5]]],
  ['wide σ² = e^6, centred', [[0, 0, 6, 0.3, -0.5]]],
  ['edges g̃ = ±1', [[-1, 1, 0, -0.5, 0]]],
];

const FILTER_TOL = { atol: 1e-7, rtol: 1e-6 };
const GRAD_TOL = { atol: 1e-4, rtol: 1e-4 };
const GEMM_TOL = { atol: 1e-5, rtol: 1e-4 };

/** Fx, Fy and γ of each example side by side: [batch, N·A + N·B + 1]. */
function packed(f: { Fx: fv.Tensor; Fy: fv.Tensor; gamma: fv.Tensor }): fv.Tensor {
  const b = f.gamma.shape[0]!;
  return fv.ops.concat([fv.ops.reshape(f.Fx, [b, -1]), fv.ops.reshape(f.Fy, [b, -1]), fv.ops.reshape(f.gamma, [b, 1])], 1);
}

function packedRef(f: { Fx: RefArray; Fy: RefArray; gamma: RefArray }): RefArray {
  const b = f.gamma.shape[0]!;
  const [nx, ny] = [f.Fx.data.length / b, f.Fy.data.length / b];
  const data = new Float64Array(b * (nx + ny + 1));
  for (let i = 0; i < b; i++) {
    data.set(f.Fx.data.subarray(i * nx, (i + 1) * nx), i * (nx + ny + 1));
    data.set(f.Fy.data.subarray(i * ny, (i + 1) * ny), i * (nx + ny + 1) + nx);
    data[i * (nx + ny + 1) + nx + ny] = f.gamma.data[i]!;
  }
  return { shape: [b, nx + ny + 1], data };
}

function filterbankSample(label: string, params: InputMaker, N: number, A: number, B: number): Sample {
  return {
    name: `filterbank ${label} N=${N} A=${A} B=${B}`,
    inputs: [params],
    run: ([p]) => packed(fv.attention.filterbank(p!, N, A, B)),
    ref: ([p]) => packedRef(attentionFilterbank(p!, N, A, B)),
    tol: FILTER_TOL,
  };
}

/** The backward kernel given upstream gradients; `give` says which of dFx, dFy, dγ are passed. */
function backwardSample(label: string, params: InputMaker, batch: number, N: number, A: number, B: number, give = [true, true, true]): Sample {
  const grads = [uniform([batch, N, A]), uniform([batch, N, B]), uniform([batch])];
  return {
    name: `filterbankBackward ${label} N=${N} A=${A} B=${B} given ${give.map((g, i) => (g ? ['dFx', 'dFy', 'dγ'][i] : '')).join(' ')}`,
    inputs: [params, ...grads],
    run: ([p, gx, gy, gg]) => {
      const h = (t: fv.Tensor, i: number): number | undefined => (give[i] ? t.handle('test').id : undefined);
      return wrapNative(native.attentionFilterbankBackward(p!.handle('test').id, h(gx!, 0), h(gy!, 1), h(gg!, 2), N, A, B));
    },
    ref: ([p, gx, gy, gg]) => attentionFilterbankBackward(p!, give[0] ? gx : undefined, give[1] ? gy : undefined, give[2] ? gg : undefined, N, A, B),
    tol: GRAD_TOL,
  };
}

function readSample(batch: number, C: number, H: number, W: number, N: number): Sample {
  const shape = C === 0 ? [batch, H, W] : [batch, C, H, W];
  return {
    name: `read x [${shape}] N=${N}`,
    inputs: [uniform(shape, 0, 1), randomParams(batch)],
    run: ([x, p]) => fv.attention.read(x!, p!, N),
    ref: ([x, p]) => attentionRead(x!, p!, N),
    tol: GEMM_TOL,
  };
}

function writeSample(batch: number, C: number, N: number, H: number, W: number): Sample {
  const shape = C === 0 ? [batch, N, N] : [batch, C, N, N];
  return {
    name: `write w [${shape}] to ${H}×${W}`,
    inputs: [uniform(shape, -1, 1), randomParams(batch)],
    run: ([w, p]) => fv.attention.write(w!, p!, H, W),
    ref: ([w, p]) => attentionWrite(w!, p!, H, W),
    tol: GEMM_TOL,
  };
}

const SIZES: [number, number][] = [
  [28, 28],
  [60, 60],
  [32, 45],
  [7, 5],
];

type AttentionOp = 'filterbank' | 'filterbankBackward' | 'read' | 'write';

function samples(): Record<AttentionOp, Sample[]> {
  const out: Record<AttentionOp, Sample[]> = { filterbank: [], filterbankBackward: [], read: [], write: [] };
  for (const [A, B] of SIZES) {
    for (const N of [1, 2, 5, 12]) {
      for (const batch of [1, 3]) out.filterbank.push(filterbankSample(`random batch ${batch}`, randomParams(batch), N, A, B));
      out.filterbankBackward.push(backwardSample('random batch 3', randomParams(3), 3, N, A, B));
    }
    // Large enough for the CPU kernels' parallel paths (2^17 filter values).
    out.filterbank.push(filterbankSample('random batch 400', randomParams(400), 12, A, B));
    out.filterbankBackward.push(backwardSample('random batch 400', randomParams(400), 400, 12, A, B));
  }
  for (const [label, rows] of EXTREMES) {
    out.filterbank.push(filterbankSample(label, givenParams(rows), 5, 32, 45));
    out.filterbankBackward.push(backwardSample(label, givenParams(rows), rows.length, 5, 32, 45));
  }
  out.filterbankBackward.push(
    backwardSample('only dFx', randomParams(3), 3, 5, 32, 45, [true, false, false]),
    backwardSample('only dFy', randomParams(3), 3, 5, 32, 45, [false, true, false]),
    backwardSample('only dγ', randomParams(3), 3, 5, 32, 45, [false, false, true]),
    backwardSample('none', randomParams(2), 2, 2, 7, 5, [false, false, false]),
  );
  for (const N of [1, 2, 5, 12]) {
    out.read.push(readSample(3, 0, 28, 28, N), readSample(1, 0, 45, 32, N), readSample(3, 3, 45, 32, N));
    out.write.push(writeSample(3, 0, N, 28, 28), writeSample(1, 0, N, 45, 32), writeSample(3, 3, N, 45, 32));
  }
  out.read.push(readSample(2, 1, 60, 60, 12));
  out.write.push(writeSample(2, 1, 12, 60, 60));
  return out;
}

// ---- gradcheck ----

const { ops } = fv;
type Tensor = fv.Tensor;

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

/** Seeded uniform [0,1) values in float64 (an image or a patch). */
function image(shape: number[], seed: number): Tensor {
  fv.seed(seed);
  const x = fv.rand(shape);
  const data = Float64Array.from(x.toFloat32Array());
  x.dispose();
  return fv.tensor(data, shape, { dtype: 'float64' });
}

const flat = (t: Tensor): Tensor => ops.reshape(t, [t.shape[0]!, -1]);

const filterbankGrads: GradCase[] = [
  ...([
    // [N, A (width), B (height), batch]
    [1, 7, 5, 2],
    [2, 6, 9, 3],
    [5, 9, 9, 2],
    [3, 12, 4, 1],
  ] as const).map(([N, A, B, batch]) => ({
    name: `N=${N} A=${A} B=${B} batch ${batch}: FX, FY, γ together`,
    run: () =>
      gradcheck((p) => {
        const f = fv.attention.filterbank(p, N, A, B);
        return ops.concat([flat(f.Fx), flat(f.Fy), ops.reshape(f.gamma, [batch, 1])], 1);
      }, [params(batch, 10 + N)]),
  })),
  ...(['Fx', 'Fy', 'gamma'] as const).map((which) => ({ name: `N=4 A=8 B=6: ${which} alone`, run: () => gradcheck((p) => fv.attention.filterbank(p, 4, 8, 6)[which], [params(2, 3)]) })),
  {
    name: 'a filter off the image with Z at the 1e-8 floor (F = e/1e-8)',
    run: () => {
      // N = 1, gX = 4.5·(1.771 + 1) ≈ 12.47 on an 8-wide image, σ² = 0.5: pixel 8 is 4.47
      // away, Σ e ≈ e^-20 ≈ 2e-9 < 1e-8, so Z is the floor and FX sums to ≈ 0.2, not 1.
      const p = fv.tensor(new Float64Array([1.771, 0.1, Math.log(0.5), 0, 0.2]), [1, 5], { dtype: 'float64' });
      const rowSum = fv.attention.filterbank(p, 1, 8, 6).Fx.toFloat64Array().reduce((s, v) => s + v, 0);
      expect(rowSum).toBeLessThan(0.5); // floored, not normalised
      expect(rowSum).toBeGreaterThan(0.05); // …and still carries a gradient
      gradcheck((q) => flat(fv.attention.filterbank(q, 1, 8, 6).Fx), [p]);
    },
  },
];

/** The float32 native backward of read/write agrees with the float64 reference backward. */
function nativeBackward(op: 'read' | 'write', shape: number[], N: number): GradCase {
  return {
    name: `float32 native backward agrees with float64: ${op} ${JSON.stringify(shape)}`,
    run: () => {
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
    },
  };
}

const readGrads: GradCase[] = [
  ...([
    [[2, 6, 5], 2],
    [[1, 7, 7], 1],
    [[2, 5, 8], 3],
    [[2, 3, 5, 4], 2],
  ] as [number[], number][]).map(([shape, N]) => ({ name: `x ${JSON.stringify(shape)}, N=${N}`, run: () => gradcheck((x, p) => fv.attention.read(x, p, N), [image(shape, 5), params(shape[0]!, 6)]) })),
  nativeBackward('read', [3, 28, 28], 2),
  nativeBackward('read', [2, 3, 45, 32], 5),
];

const writeGrads: GradCase[] = [
  ...([
    [[2, 2, 2], 6, 5],
    [[1, 1, 1], 7, 7],
    [[2, 3, 3], 4, 9],
    [[2, 3, 2, 2], 5, 6],
  ] as [number[], number, number][]).map(([shape, H, W]) => ({ name: `w ${JSON.stringify(shape)} onto ${H}×${W}`, run: () => gradcheck((w, p) => fv.attention.write(w, p, H, W), [image(shape, 7), params(shape[0]!, 8)]) })),
  nativeBackward('write', [3, 5, 5], 0),
  nativeBackward('write', [2, 3, 12, 12], 0),
];

// ---- errors ----

const { attention: at } = fv;
const ok = (): Tensor => fv.zeros([2, 5]);
/** Float32 params [rows.length,5]. */
const P = (...rows: number[][]): Tensor => fv.tensor(Float32Array.from(rows.flat()), [rows.length, 5]);

const filterbankErrors: ErrorCase[] = [
  err('params of rank 1', () => at.filterbank(fv.zeros([5]), 2, 28, 28), /attention\.filterbank: params must be \[batch,5\].*got \[5\]/),
  err('params [2,4]', () => at.filterbank(fv.zeros([2, 4]), 2, 28, 28), /attention\.filterbank: params must be \[batch,5\].*got \[2,4\]/),
  err('int32 params', () => at.filterbank(fv.tensor(new Int32Array(10), [2, 5]), 2, 28, 28), /attention\.filterbank: params must be float32 or float64, got int32 \[2,5\]/),
  err('N = 0', () => at.filterbank(ok(), 0, 28, 28), /attention\.filterbank: N must be a positive integer, got 0/),
  err('N = 2.5', () => at.filterbank(ok(), 2.5, 28, 28), /attention\.filterbank: N must be a positive integer, got 2\.5/),
  err('width 0', () => at.filterbank(ok(), 2, 0, 28), /attention\.filterbank: A \(width\) must be a positive integer, got 0/),
  err('NaN param', () => at.filterbank(P([0, 0, 0, 0, 0], [0, 0, NaN, 0, 0]), 2, 28, 28), /attention\.filterbank: params must be finite, got NaN at \[1,2\] of \[2,5\]/),
  err('Infinity param (float64)', () => at.filterbank(fv.tensor(new Float64Array([0, 0, 0, Infinity, 0]), [1, 5], { dtype: 'float64' }), 2, 8, 8), /attention\.filterbank: params must be finite, got Infinity at \[0,3\] of \[1,5\]/),
  err('binding: N = 0', () => native.attentionFilterbank(ok().handle('test').id, 0, 28, 28), /attention\.filterbank: N must be at least 1, got 0/),
];

const filterbankBackwardErrors: ErrorCase[] = [
  err('binding: dFx shape', () => native.attentionFilterbankBackward(ok().handle('test').id, fv.zeros([2, 3, 27]).handle('test').id, null, null, 3, 28, 28), /attention\.filterbankBackward: dFx must be \[2,3,28\], got \[2,3,27\]/),
  err('binding: dgamma shape', () => native.attentionFilterbankBackward(ok().handle('test').id, null, null, fv.zeros([3]).handle('test').id, 3, 28, 28), /attention\.filterbankBackward: dgamma must be \[2\], got \[3\]/),
];

const readErrors: ErrorCase[] = [
  err('x of rank 2', () => at.read(fv.zeros([28, 28]), ok(), 2), /attention\.read: x must be \[batch,H,W\] or \[batch,C,H,W\], got \[28,28\]/),
  err('batch mismatch', () => at.read(fv.zeros([3, 28, 28]), ok(), 2), /attention\.read: batch mismatch, x \[3,28,28\] vs params \[2,5\]/),
  err('params [2,6]', () => at.read(fv.zeros([2, 28, 28]), fv.zeros([2, 6]), 2), /attention\.read: params must be \[batch,5\].*got \[2,6\]/),
  err('NaN param', () => at.read(fv.zeros([1, 28, 28]), P([0, NaN, 0, 0, 0]), 2), /attention\.read: params must be finite, got NaN at \[0,1\] of \[1,5\]/),
  err('float64 x, float32 params', () => at.read(fv.zeros([2, 8, 8], { dtype: 'float64' }), ok(), 2), /attention\.read: x is float64 but params is float32/),
  err('N = 0', () => at.read(fv.zeros([2, 8, 8]), ok(), 0), /attention\.read: N must be a positive integer, got 0/),
];

const writeErrors: ErrorCase[] = [
  err('w not square', () => at.write(fv.zeros([2, 3, 4]), ok(), 28, 28), /attention\.write: w must hold square N×N patches.*got \[2,3,4\]/),
  err('w of rank 5', () => at.write(fv.zeros([2, 1, 1, 3, 3]), ok(), 28, 28), /attention\.write: w must be \[batch,N,N\] or \[batch,C,N,N\], got \[2,1,1,3,3\]/),
  err('batch mismatch', () => at.write(fv.zeros([1, 3, 3]), ok(), 28, 28), /attention\.write: batch mismatch, w \[1,3,3\] vs params \[2,5\]/),
  err('H = 0', () => at.write(fv.zeros([2, 3, 3]), ok(), 0, 28), /attention\.write: H must be a positive integer, got 0/),
  err('NaN param', () => at.write(fv.zeros([1, 3, 3]), P([0, 0, 0, 0, NaN]), 8, 8), /attention\.write: params must be finite, got NaN at \[0,4\] of \[1,5\]/),
];

const all = samples();

export const attention = family('attention', FILTER_TOL, [
  { name: 'filterbank', samples: all.filterbank, grad: filterbankGrads, errors: filterbankErrors },
  // The filterbank's gradient kernel, through the binding (float32 only): it is the
  // analytic side of the filterbank's gradcheck.
  { name: 'filterbankBackward', samples: all.filterbankBackward, grad: false, errors: filterbankBackwardErrors, devices: ['cpu', 'cuda'] },
  { name: 'read', samples: all.read, grad: readGrads, errors: readErrors },
  { name: 'write', samples: all.write, grad: writeGrads, errors: writeErrors },
]);
