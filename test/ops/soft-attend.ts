// Show, Attend and Tell's soft attention (PAPERS.md §3): fv.attention.softAttend
// and its composite twin against src/reference/soft-attend.ts — context and α
// packed side by side ([B, D + L]), and the gradient of each of proj, hProj, v,
// annotations and bias for random seed gradients on (context, α).
// Shapes (B, L, A, D): L = 1, primes, A and D off multiples of 16 (and of 8),
// B = 1, and a 64 × 49 batch for the parallel paths; with and without bias and
// mask (random 0/1 with a 1 in every row, and a row masked down to one location).
// Tolerance: e sums A float32 products |v_k t_k| ≤ 2, so e is off by ~A·2u and
// α by as much relatively; context and gradients sum L or D such terms:
// atol 2e-5, rtol 2e-4 (as the LSTM cell's GEMM-fed gates).
// Gradcheck (float64): every input, with and without bias and mask — for the fused
// op that is its reference kernel's backward (src/reference/soft-attend.ts).
import * as fv from '../../src/index.js';
import { native } from '../../src/native.js';
import * as ref from '../../src/reference/index.js';
import { type RefArray } from '../../src/reference/index.js';
import { type Rng } from '../helpers/random.js';
import { err, f64, family, gradOf, gradcheck, uniform, type ErrorCase, type GradCase, type InputMaker, type Sample } from './opinfo.js';

type Tensor = fv.Tensor;
type Dims = [number, number, number, number];
type Attend = typeof fv.attention.softAttend;

const SHAPES: Dims[] = [
  [1, 1, 1, 1],
  [2, 5, 8, 16],
  [3, 7, 13, 5],
  [1, 13, 17, 3],
  [2, 1, 33, 31],
  [5, 11, 3, 47],
  [64, 49, 37, 23],
];

/** A [B,L] mask of 0s and 1s, each row keeping at least one location (row 0 keeps exactly one). */
const randomMask =
  (B: number, L: number): InputMaker =>
  (rng: Rng) => {
    const data = Float32Array.from({ length: B * L }, () => (rng.next() < 0.6 ? 1 : 0));
    for (let b = 0; b < B; b++) {
      const keep = rng.int(0, L);
      if (b === 0) data.fill(0, 0, L);
      data[b * L + keep] = 1;
    }
    return { shape: [B, L], dtype: 'float32', data };
  };

interface Variant {
  bias: boolean;
  mask: boolean;
}
const VARIANTS: Variant[] = [
  { bias: false, mask: false },
  { bias: true, mask: false },
  { bias: false, mask: true },
  { bias: true, mask: true },
];
const tagOf = (s: Dims, o: Variant): string => `[${s}]${o.bias ? ' bias' : ''}${o.mask ? ' mask' : ''}`;

/** proj, hProj, v, annotations, bias, mask, then seed gradients for context and α. */
function inputs([B, L, A, D]: Dims): InputMaker[] {
  return [uniform([B, L, A]), uniform([B, A]), uniform([A], -2, 2), uniform([B, L, D]), uniform([], -1, 1), randomMask(B, L), uniform([B, D]), uniform([B, L])];
}

const optionsOf = (t: (Tensor | undefined)[], o: Variant) => ({ bias: o.bias ? t[4] : undefined, mask: o.mask ? t[5] : undefined });
const attend = (f: Attend, t: Tensor[], o: Variant) => f(t[0]!, t[1]!, t[2]!, t[3]!, optionsOf(t, o));

function packed(r: fv.attention.SoftAttention): Tensor {
  return fv.ops.concat([r.context, r.alpha], 1);
}

function refForward(xs: RefArray[], o: Variant) {
  return ref.softAttend(xs[0]!, xs[1]!, xs[2]!, xs[3]!, o.bias ? xs[4] : undefined, o.mask ? xs[5] : undefined);
}

function refPacked(xs: RefArray[], o: Variant): RefArray {
  const { context, alpha } = refForward(xs, o);
  const [B, D, L] = [context.shape[0]!, context.shape[1]!, alpha.shape[1]!];
  const data = new Float64Array(B * (D + L));
  for (let b = 0; b < B; b++) {
    data.set(context.data.subarray(b * D, (b + 1) * D), b * (D + L));
    data.set(alpha.data.subarray(b * L, (b + 1) * L), b * (D + L) + D);
  }
  return { shape: [B, D + L], data };
}

const GRAD_NAMES = ['proj', 'hProj', 'v', 'annotations', 'bias'] as const;

function refGrad(xs: RefArray[], o: Variant, k: number): RefArray {
  const f = refForward(xs, o);
  const g = ref.softAttendBackward(xs[6], xs[7], xs[2]!, xs[3]!, f.alpha, f.hidden);
  const r = g[GRAD_NAMES[k]!];
  // The bias input is a [] scalar here; the reference returns its gradient as [1].
  return k === 4 ? { shape: [], data: r.data } : r;
}

function samples(name: string, f: Attend, shapes: Dims[]): Sample[] {
  const out: Sample[] = [];
  for (const shape of shapes) {
    const made = inputs(shape);
    for (const o of VARIANTS) {
      const tag = tagOf(shape, o);
      out.push({ name: `${name} ${tag}`, inputs: made, run: (t) => packed(attend(f, t, o)), ref: (xs) => refPacked(xs, o) });
      for (let k = 0; k < (o.bias ? 5 : 4); k++) {
        out.push({
          name: `${name} d${GRAD_NAMES[k]} ${tag}`,
          inputs: made,
          run: (t) =>
            gradOf(t.slice(0, 5), k, () => {
              const r = attend(f, t, o);
              return fv.ops.add(fv.ops.sum(fv.ops.mul(r.context, t[6]!)), fv.ops.sum(fv.ops.mul(r.alpha, t[7]!)));
            }),
          ref: (xs) => refGrad(xs, o, k),
        });
      }
    }
  }
  return out;
}

// ---- gradcheck ----

/** Float64 operands for (B, L, A, D), with a fixed 0/1 mask when asked. */
function gradInputs([B, L, A, D]: Dims, seed: number): Tensor[] {
  return [f64([B, L, A], seed, 0.8), f64([B, A], seed + 1, 0.8), f64([A], seed + 2), f64([B, L, D], seed + 3), f64([], seed + 4)];
}
const maskF64 = (B: number, L: number): Tensor =>
  fv.tensor(Float64Array.from({ length: B * L }, (_, i) => (i % L === 0 || (i * 7) % 3 !== 0 ? 1 : 0)), [B, L], { dtype: 'float64' });

function grads(f: Attend): GradCase[] {
  const dims: Dims[] = [
    [2, 5, 3, 4],
    [1, 1, 2, 3],
    [3, 7, 5, 2],
  ];
  const out: GradCase[] = [];
  for (const shape of dims) {
    for (const o of VARIANTS) {
      const mask = o.mask ? maskF64(shape[0], shape[1]) : undefined;
      out.push({
        name: `${tagOf(shape, o)}: context and α, every input`,
        run: () => {
          const xs = gradInputs(shape, 40 + shape[1]);
          gradcheck((p, h, v, a, c) => packed(f(p, h, v, a, { bias: o.bias ? c : undefined, mask })), o.bias ? xs : xs.slice(0, 4));
        },
      });
    }
  }
  out.push({
    name: 'α alone and context alone, bias and mask',
    run: () => {
      const mask = maskF64(2, 5);
      for (const which of ['alpha', 'context'] as const) gradcheck((p, h, v, a, c) => f(p, h, v, a, { bias: c, mask })[which], gradInputs([2, 5, 3, 4], 50));
    },
  });
  return out;
}

// ---- errors ----

const z = (s: number[]): Tensor => fv.zeros(s);
const h = (s: number[]): number => fv.ones(s).handle('test').id;
const ALL = [true, true, true, true, true];
const { softAttend } = fv.attention;
const errors: ErrorCase[] = [
  err('annotations disagree on L', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([2, 6, 16])), /^softAttend: proj \[B,L,A\] and annotations \[B,L,D\] disagree on L, got \[2,5,8\] vs \[2,6,16\]$/),
  err('annotations disagree on B', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([3, 5, 16])), /^softAttend: proj \[B,L,A\] and annotations \[B,L,D\] disagree on B, got \[2,5,8\] vs \[3,5,16\]$/),
  err('proj of rank 2', () => softAttend(z([5, 8]), z([2, 8]), z([8]), z([2, 5, 16])), /^softAttend: proj must be \[B,L,A\], got \[5,8\]$/),
  err('annotations of rank 2', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([10, 16])), /^softAttend: annotations must be \[B,L,D\], got \[10,16\]$/),
  err('hProj wrong A', () => softAttend(z([2, 5, 8]), z([2, 7]), z([8]), z([2, 5, 16])), /^softAttend: hProj must be \[B,A\] = \[2,8\] for proj \[B,L,A\] \[2,5,8\], got \[2,7\]$/),
  err('v wrong size', () => softAttend(z([2, 5, 8]), z([2, 8]), z([9]), z([2, 5, 16])), /^softAttend: v must be \[A\] = \[8\] for proj \[B,L,A\] \[2,5,8\], got \[9\]$/),
  err('bias not scalar', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([2, 5, 16]), { bias: z([2]) }), /^softAttend: bias must be a scalar tensor \(\[\] or \[1\]\), got \[2\]$/),
  err('mask wrong shape', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([2, 5, 16]), { mask: z([5, 2]) }), /^softAttend: mask must be \[B,L\] = \[2,5\] for proj \[2,5,8\], got \[5,2\]$/),
  err('mask row all zero', () => softAttend(z([2, 3, 4]), z([2, 4]), z([4]), z([2, 3, 2]), { mask: fv.tensor([1, 0, 1, 0, 0, 0], [2, 3]) }), /^softAttend: mask row 1 of \[2,3\] masks every location; at least one must be 1$/),
  err('mask value 0.5', () => softAttend(z([1, 3, 4]), z([1, 4]), z([4]), z([1, 3, 2]), { mask: fv.tensor([1, 0.5, 1], [1, 3]) }), /^softAttend: mask must hold 0 or 1, got 0\.5 at \[0,1\] of \[1,3\]$/),
  err('mask row all zero (float64)', () => softAttend(z64([1, 2, 3]), z64([1, 3]), z64([3]), z64([1, 2, 2]), { mask: z64([1, 2]) }), /^softAttend: mask row 0 of \[1,2\] masks every location/),
  err('int32 v', () => softAttend(z([2, 5, 8]), z([2, 8]), fv.tensor(new Int32Array(8), [8]), z([2, 5, 16])), /^softAttend: v must be float32 or float64, got int32 \[8\]$/),
  err('float64 annotations with float32 proj', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z64([2, 5, 16])), /^softAttend: annotations is float64 but proj is float32/),
  err('missing v', () => softAttend(z([2, 5, 8]), z([2, 8]), undefined as unknown as Tensor, z([2, 5, 16])), /^softAttend: v must be a Tensor, got undefined$/),
  err('L = 0', () => softAttend(z([2, 0, 8]), z([2, 8]), z([8]), z([2, 0, 16])), /^softAttend: L must be at least 1, got proj \[2,0,8\] and annotations \[2,0,16\]$/),
  err('unknown option', () => softAttend(z([2, 5, 8]), z([2, 8]), z([8]), z([2, 5, 16]), { masks: z([2, 5]) } as never), /^softAttend: unknown option 'masks' \(did you mean 'mask'\?\); accepted: bias, mask$/),
  // The kernels check their own operands (callers other than the op: the binding, the reference).
  err('binding: mask row all zero', () => native.softAttend(h([1, 2, 3]), h([1, 3]), h([3]), h([1, 2, 2]), undefined, z([1, 2]).handle('test').id, false), /^softAttend: mask row 0 of \[1,2\] masks every location; at least one must be 1$/),
  err('binding: mask value 2', () => native.softAttend(h([1, 2, 3]), h([1, 3]), h([3]), h([1, 2, 2]), undefined, fv.tensor([1, 2], [1, 2]).handle('test').id, false), /^softAttend: mask must hold 0 or 1, got 2 at \[0,1\] of \[1,2\]$/),
  err('binding: bias [2]', () => native.softAttend(h([1, 2, 3]), h([1, 3]), h([3]), h([1, 2, 2]), h([2]), undefined, false), /^softAttend: bias must be a scalar tensor \(\[\] or \[1\]\), got \[2\]$/),
  err('binding: annotations disagree on L', () => native.softAttend(h([2, 5, 8]), h([2, 8]), h([8]), h([2, 6, 16]), undefined, undefined, true), /^softAttend: proj \[B,L,A\] and annotations \[B,L,D\] disagree on L, got \[2,5,8\] vs \[2,6,16\]$/),
  err('binding (backward): need flags', () => native.softAttendBackward(h([8]), h([2, 5, 16]), h([2, 5]), h([2, 5, 8]), undefined, undefined, [true]), /^softAttendBackward: need must hold 5 flags, got 1$/),
  err('binding (backward): dcontext shape', () => native.softAttendBackward(h([8]), h([2, 5, 16]), h([2, 5]), h([2, 5, 8]), h([2, 15]), undefined, ALL), /^softAttendBackward: dcontext must be \[2,16\] for t \[B,L,A\] \[2,5,8\], got \[2,15\]$/),
  err('binding (backward): alpha shape', () => native.softAttendBackward(h([8]), h([2, 5, 16]), h([5, 2]), h([2, 5, 8]), undefined, undefined, ALL), /^softAttendBackward: alpha must be \[2,5\] for t \[B,L,A\] \[2,5,8\], got \[5,2\]$/),
  err('composite names itself', () => fv.attention.softAttendComposite(z([2, 5, 8]), z([2, 8]), z([8]), z([2, 6, 16])), /^softAttendComposite: proj \[B,L,A\] and annotations \[B,L,D\] disagree on L/),
];
function z64(s: number[]): Tensor {
  return fv.zeros(s, { dtype: 'float64' });
}

export const softAttendFamily = family('softAttend', { atol: 2e-5, rtol: 2e-4 }, [
  { name: 'softAttend', samples: samples('softAttend', fv.attention.softAttend, SHAPES), grad: grads(fv.attention.softAttend), errors },
  { name: 'softAttendComposite', samples: samples('softAttendComposite', fv.attention.softAttendComposite, SHAPES), grad: grads(fv.attention.softAttendComposite) },
]);
