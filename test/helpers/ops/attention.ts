// DRAW attention family: fv.attention.filterbank, its backward kernel, read and
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
// Read/write go through GEMM (k = H·W terms): atol 1e-5, rtol 1e-4.
import * as fv from '../../../src/index.js';
import { native, type NativeTensor } from '../../../src/native.js';
import { attentionFilterbank, attentionFilterbankBackward, attentionRead, attentionWrite, type RefArray } from '../../../src/reference/index.js';
import { type Rng } from '../random.js';
import { uniform, wrapNative, type Family, type InputMaker, type Sample } from '../samples.js';

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
      const h = (t: fv.Tensor, i: number): NativeTensor | undefined => (give[i] ? t.handle('test') : undefined);
      return wrapNative(native.attentionFilterbankBackward(p!.handle('test'), h(gx!, 0), h(gy!, 1), h(gg!, 2), N, A, B));
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

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const [A, B] of SIZES) {
    for (const N of [1, 2, 5, 12]) {
      for (const batch of [1, 3]) out.push(filterbankSample(`random batch ${batch}`, randomParams(batch), N, A, B));
      out.push(backwardSample('random batch 3', randomParams(3), 3, N, A, B));
    }
    // Large enough for the CPU kernels' parallel paths (2^17 filter values).
    out.push(filterbankSample('random batch 400', randomParams(400), 12, A, B), backwardSample('random batch 400', randomParams(400), 400, 12, A, B));
  }
  for (const [label, rows] of EXTREMES) {
    out.push(filterbankSample(label, givenParams(rows), 5, 32, 45));
    out.push(backwardSample(label, givenParams(rows), rows.length, 5, 32, 45));
  }
  out.push(
    backwardSample('only dFx', randomParams(3), 3, 5, 32, 45, [true, false, false]),
    backwardSample('only dFy', randomParams(3), 3, 5, 32, 45, [false, true, false]),
    backwardSample('only dγ', randomParams(3), 3, 5, 32, 45, [false, false, true]),
    backwardSample('none', randomParams(2), 2, 2, 7, 5, [false, false, false]),
  );
  for (const N of [1, 2, 5, 12]) {
    out.push(readSample(3, 0, 28, 28, N), readSample(1, 0, 45, 32, N), readSample(3, 3, 45, 32, N));
    out.push(writeSample(3, 0, N, 28, 28), writeSample(1, 0, N, 45, 32), writeSample(3, 3, N, 45, 32));
  }
  out.push(readSample(2, 1, 60, 60, 12), writeSample(2, 1, 12, 60, 60));
  return out;
}

export const attentionFamily: Family = {
  name: 'attention',
  tol: FILTER_TOL,
  samples: samples(),
};
