// Unary family: every op of reference.unaryOps, through the public fv.ops API
// where one exists (the *Scalar helpers without one go through the binding).
// Tolerance: float32 transcendental results within a few ulp of the float64
// definition (rtol 2e-6 ≈ 16 ulp), atol 1e-38 for results in the denormal range.
import * as fv from '../../../src/index.js';
import { native } from '../../../src/native.js';
import { unary as refUnary, unaryOps } from '../../../src/reference/index.js';
import { SPECIALS, given, uniform, wrapNative, type Family, type InputMaker, type Sample } from '../samples.js';

type Tensor = fv.Tensor;

/** The scalar parameter each *Scalar op is tested with (others ignore it). */
const PARAMS: Record<string, number[]> = {
  addScalar: [1.5, -3],
  mulScalar: [-2.5, 0],
  powScalar: [2, 3, 0.5, -1, 0, Infinity, NaN],
  maxScalar: [0.25],
  minScalar: [-0.25],
};

/** The public op, or the binding for ops the API only uses internally. */
function apply(op: string, x: Tensor, p: number): Tensor {
  switch (op) {
    case 'powScalar':
      return fv.ops.powScalar(x, p);
    case 'addScalar':
    case 'mulScalar':
    case 'maxScalar':
    case 'minScalar':
      return wrapNative(native.unary(op, x.handle(op), p));
    default: {
      const f = (fv.ops as unknown as Record<string, (t: Tensor) => Tensor>)[op];
      if (typeof f !== 'function') throw new Error(`fv.ops.${op} is missing`);
      return f(x);
    }
  }
}

/** Inputs inside each op's domain (log, sqrt, rsqrt: positive); SPECIALS cover the rest. */
function domain(op: string): [number, number] {
  if (op === 'log' || op === 'sqrt' || op === 'rsqrt') return [1e-3, 20];
  if (op === 'exp' || op === 'sigmoid' || op === 'tanh') return [-30, 30];
  return [-5, 5];
}

export const UNARY_SHAPES: number[][] = [[], [1], [7], [17], [33, 3], [65], [2, 13, 5], [3, 1, 4, 31], [0], [4, 0, 3], [365, 373]];

function samplesFor(op: string): Sample[] {
  const [low, high] = domain(op);
  const makers: [string, InputMaker][] = UNARY_SHAPES.map((s) => [`[${s}]`, uniform(s, low, high)]);
  makers.push(['specials', given([SPECIALS.length], SPECIALS)]);
  return (PARAMS[op] ?? [0]).flatMap((p) =>
    makers.map(([label, make]) => ({
      name: `${op}${op in PARAMS ? `(p=${p})` : ''} ${label}`,
      inputs: [make],
      run: ([x]: Tensor[]) => apply(op, x!, p),
      ref: ([x]) => refUnary(op, x!, p),
    })),
  );
}

export const unaryFamily: Family = {
  name: 'unary',
  tol: { atol: 1e-38, rtol: 2e-6 },
  samples: [
    ...Object.keys(unaryOps).flatMap(samplesFor),
    {
      // clamp = maxScalar then minScalar: the composite against its definition.
      name: 'clamp(-0.5, 0.75) specials',
      inputs: [given([SPECIALS.length], SPECIALS)],
      run: ([x]) => fv.ops.clamp(x!, -0.5, 0.75),
      ref: ([x]) => refUnary('minScalar', refUnary('maxScalar', x!, -0.5), 0.75),
    },
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
};
