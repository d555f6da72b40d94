// Unary ops: every op of reference.unaryOps (plus clamp), through the public
// fv.ops API where one exists (maxScalar and minScalar, clamp's halves, have
// none: they go through the binding, so they run on cpu and cuda only). Samples: scalar, [1], primes, non-multiples of the SIMD width, empty,
// [365,373], and SPECIALS (±0, ±400, ±88, denormals, 3e38, NaN, ±Infinity).
// Tolerance: float32 transcendental results within a few ulp of the float64
// definition (rtol 2e-6 ≈ 16 ulp), atol 1e-38 for results in the denormal range.
// Gradcheck: [3,5] float64 normals, shifted away from the domain's edge.
import * as fv from '../../src/index.js';
import { native } from '../../src/native.js';
import { unary as refUnary } from '../../src/reference/index.js';
import { SPECIALS, err, f64, family, gc, given, i32, uniform, wrapNative, type GradCase, type InputMaker, type OpSpec, type Sample } from './opinfo.js';

type Tensor = fv.Tensor;

/** The public op, or the binding for ops the API only uses internally. */
function apply(op: string, x: Tensor, p: number): Tensor {
  switch (op) {
    case 'powScalar':
      return fv.ops.powScalar(x, p);
    case 'addScalar':
      return fv.ops.addScalar(x, p);
    case 'mulScalar':
      return fv.ops.mulScalar(x, p);
    case 'maxScalar':
    case 'minScalar':
      return wrapNative(native.unary(op, x.handle(op).id, p));
    default: {
      const f = (fv.ops as unknown as Record<string, (t: Tensor) => Tensor>)[op];
      if (typeof f !== 'function') throw new Error(`fv.ops.${op} is missing`);
      return f(x);
    }
  }
}

export const UNARY_SHAPES: number[][] = [[], [1], [7], [17], [33, 3], [65], [2, 13, 5], [3, 1, 4, 31], [0], [4, 0, 3], [365, 373]];

/**
 * Samples of one op: each shape drawn uniformly from [low, high) (inside the op's
 * domain; SPECIALS cover the rest), for each scalar parameter in `params`.
 */
function samplesOf(op: string, [low, high]: [number, number], params?: number[]): Sample[] {
  const makers: [string, InputMaker][] = UNARY_SHAPES.map((s) => [`[${s}]`, uniform(s, low, high)]);
  makers.push(['specials', given([SPECIALS.length], SPECIALS)]);
  return (params ?? [0]).flatMap((p) =>
    makers.map(([label, make]) => ({
      name: `${op}${params ? `(p=${p})` : ''} ${label}`,
      inputs: [make],
      run: ([x]: Tensor[]) => apply(op, x!, p),
      ref: ([x]) => refUnary(op, x!, p),
    })),
  );
}

/** Gradcheck of `f` on [3,5] normals shifted by `shift`. */
const grad = (name: string, f: (x: Tensor) => Tensor, shift = 0): GradCase[] => [gc(name, f, () => [f64([3, 5], 1, 1, shift)])];

const WIDE: [number, number] = [-5, 5];
const SATURATING: [number, number] = [-30, 30];
const POSITIVE: [number, number] = [1e-3, 20];

const { ops } = fv;

const specs: OpSpec[] = [
  { name: 'neg', samples: samplesOf('neg', WIDE), grad: grad('neg', ops.neg) },
  {
    name: 'exp',
    samples: samplesOf('exp', SATURATING),
    grad: grad('exp', ops.exp),
    errors: [
      err('int32 x', () => ops.exp(i32([1, 2, 3, 4], [2, 2])), /^exp: x .*float32.*int32.*\[2,2\]/),
      err('binding: int32 x', () => native.unary('exp', i32([1, 2, 3, 4], [2, 2]).handle('test').id, 0), /^exp: x must be a float32 tensor, got int32 .*\[2,2\]/),
    ],
  },
  { name: 'log', samples: samplesOf('log', POSITIVE), grad: grad('log', ops.log, 3) },
  {
    name: 'sigmoid',
    samples: [
      ...samplesOf('sigmoid', SATURATING),
      {
        name: 'sigmoid of ±400, ±1000 stays finite in [0,1]',
        inputs: [given([8], [400, -400, 1000, -1000, 88.5, -88.5, 3e38, -3e38])],
        run: ([x]) => fv.ops.sigmoid(x!),
        ref: ([x]) => refUnary('sigmoid', x!),
        check: (v) => {
          if (!v.every((y) => Number.isFinite(y) && y >= 0 && y <= 1)) throw new Error(`sigmoid left [0,1]: ${Array.from(v)}`);
        },
      },
    ],
    grad: grad('sigmoid', ops.sigmoid),
  },
  { name: 'tanh', samples: samplesOf('tanh', SATURATING), grad: grad('tanh', ops.tanh) },
  { name: 'relu', samples: samplesOf('relu', WIDE), grad: grad('relu', ops.relu) },
  { name: 'sqrt', samples: samplesOf('sqrt', POSITIVE), grad: grad('sqrt', ops.sqrt, 4) },
  { name: 'rsqrt', samples: samplesOf('rsqrt', POSITIVE), grad: grad('rsqrt', ops.rsqrt, 4) },
  { name: 'abs', samples: samplesOf('abs', WIDE), grad: grad('abs', ops.abs) },
  { name: 'square', samples: samplesOf('square', WIDE), grad: grad('square', ops.square) },
  { name: 'reciprocal', samples: samplesOf('reciprocal', WIDE), grad: grad('reciprocal', ops.reciprocal, 4) },
  // Piecewise constant: no gradient to check.
  { name: 'sign', samples: samplesOf('sign', WIDE), grad: false },
  { name: 'step', samples: samplesOf('step', WIDE), grad: false },
  { name: 'addScalar', samples: samplesOf('addScalar', WIDE, [1.5, -3]), grad: grad('addScalar', (x) => ops.addScalar(x, 1.5)) },
  { name: 'mulScalar', samples: samplesOf('mulScalar', WIDE, [-2.5, 0]), grad: grad('mulScalar', (x) => ops.mulScalar(x, -2.5)) },
  { name: 'powScalar', samples: samplesOf('powScalar', WIDE, [2, 3, 0.5, -1, 0, Infinity, NaN]), grad: grad('powScalar', (x) => ops.powScalar(x, 2.5), 4) },
  // The binding's halves of clamp (no public op, so no float64 path of their own);
  // their gradient is gradchecked through clamp.
  { name: 'maxScalar', samples: samplesOf('maxScalar', WIDE, [0.25]), grad: false, devices: ['cpu', 'cuda'] },
  { name: 'minScalar', samples: samplesOf('minScalar', WIDE, [-0.25]), grad: false, devices: ['cpu', 'cuda'] },
  {
    name: 'clamp',
    samples: [
      {
        // clamp = maxScalar then minScalar: the composite against its definition.
        name: 'clamp(-0.5, 0.75) specials',
        inputs: [given([SPECIALS.length], SPECIALS)],
        run: ([x]) => fv.ops.clamp(x!, -0.5, 0.75),
        ref: ([x]) => refUnary('minScalar', refUnary('maxScalar', x!, -0.5), 0.75),
      },
    ],
    grad: grad('clamp', (x) => ops.clamp(x, -0.5, 0.7)),
  },
];

export const unary = family('unary', { atol: 1e-38, rtol: 2e-6 }, specs);
