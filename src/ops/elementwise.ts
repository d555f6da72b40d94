// Elementwise ops: unary maps and broadcasting binary ops (NumPy rules), each
// with its backward right below the forward.
import { fail } from '../errors.js';
import { kernels, kernelsFor } from '../backend/index.js';
import { Tensor, record } from '../tensor.js';
import { cast } from './cast.js';
import { checkAny, checkFloat, checkSameDevice } from './check.js';
import { sumTo } from './broadcast.js';

function unary(op: string, x: Tensor, param: number, backward?: (g: Tensor, out: Tensor) => Tensor): Tensor {
  checkFloat(op, 'x', x);
  const out = kernels(op, x).unary(op, x, param);
  return backward ? record(op, out, [x], (g) => [backward(g, out)]) : out;
}

export const neg = (x: Tensor): Tensor => unary('neg', x, 0, (g) => neg(g));
export const exp = (x: Tensor): Tensor => unary('exp', x, 0, (g, y) => mul(g, y));
export const log = (x: Tensor): Tensor => unary('log', x, 0, (g) => div(g, x));
/** 1 / (1 + e^-x), computed without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, 0, (g, y) => mul(g, mul(y, sub(1, y))));
export const tanh = (x: Tensor): Tensor => unary('tanh', x, 0, (g, y) => mul(g, sub(1, square(y))));
export const relu = (x: Tensor): Tensor => unary('relu', x, 0, (g) => mul(g, step(x)));
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, 0, (g, y) => div(mulScalar(g, 0.5), y));
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x, 0, (g, y) => mul(g, mulScalar(powScalar(y, 3), -0.5)));
export const abs = (x: Tensor): Tensor => unary('abs', x, 0, (g) => mul(g, sign(x)));
export const square = (x: Tensor): Tensor => unary('square', x, 0, (g) => mul(g, mulScalar(x, 2)));
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, 0, (g, y) => neg(mul(g, square(y))));
/** -1, 0 or 1 (no gradient). */
export const sign = (x: Tensor): Tensor => unary('sign', x, 0);
/** 1 where x > 0, else 0 (the derivative of relu; no gradient). */
export const step = (x: Tensor): Tensor => unary('step', x, 0);
export const addScalar = (x: Tensor, p: number): Tensor => unary('addScalar', x, p, (g) => g);
export const mulScalar = (x: Tensor, p: number): Tensor => unary('mulScalar', x, p, (g) => mulScalar(g, p));
/** x ** p for a scalar p. */
export const powScalar = (x: Tensor, p: number): Tensor =>
  unary('powScalar', x, p, (g) => mul(g, mulScalar(powScalar(x, p - 1), p)));

/** Clamps x into [low, high]; the gradient passes where low ≤ x ≤ high. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  if (!(low <= high)) fail('clamp', `low ${low} must not exceed high ${high}`);
  const inside = (g: Tensor): Tensor => mul(g, mul(sub(1, lt(x, low)), sub(1, gt(x, high))));
  const lower = unary('maxScalar', x, low);
  try {
    return record('clamp', unary('minScalar', lower, high), [x], (g) => [inside(g)]);
  } finally {
    lower.dispose();
  }
}

type Operand = Tensor | number;

/** A one-element tensor holding `v`, on the dtype and device of `like`. */
function scalarLike(v: number, like: Tensor): Tensor {
  const dtype = like.dtype === 'float64' ? 'float64' : 'float32';
  return kernelsFor(dtype).fromValues([v], [], dtype, like.device);
}

function binary(op: string, a: Operand, b: Operand, backward?: (g: Tensor, ta: Tensor, tb: Tensor, out: Tensor) => [Tensor | undefined, Tensor | undefined]): Tensor {
  if (typeof a === 'number' && typeof b === 'number') fail(op, 'at least one operand must be a Tensor');
  const ta = typeof a === 'number' ? scalarLike(a, checkFloat(op, 'b', b)) : checkFloat(op, 'a', a);
  const tb = typeof b === 'number' ? scalarLike(b, ta) : checkFloat(op, 'b', b);
  checkSameDevice(op, ta, tb);
  const out = kernels(op, ta, tb).binary(op, ta, tb);
  const owned = [ta, tb].filter((t) => t !== a && t !== b);
  if (!backward) {
    for (const t of owned) t.dispose();
    return out;
  }
  // Gradients are summed back over broadcast axes to each operand's shape.
  return record(
    op,
    out,
    [ta, tb],
    (g) => {
      const [ga, gb] = backward(g, ta, tb, out);
      return [ga && sumTo(ga, ta.shape), gb && sumTo(gb, tb.shape)];
    },
    owned,
  );
}

export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b, (g) => [g, g]);
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b, (g) => [g, neg(g)]);
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b, (g, x, y) => [mul(g, y), mul(g, x)]);
export const div = (a: Operand, b: Operand): Tensor => binary('div', a, b, (g, _x, y, out) => [div(g, y), neg(div(mul(g, out), y))]);
export const pow = (a: Operand, b: Operand): Tensor =>
  binary('pow', a, b, (g, x, y, out) => [mul(g, mul(y, pow(x, sub(y, 1)))), mul(g, mul(out, log(x)))]);
/** Elementwise maximum; a tie sends the gradient to a. */
export const maximum = (a: Operand, b: Operand): Tensor =>
  binary('maximum', a, b, (g, x, y) => [mul(g, sub(1, lt(x, y))), mul(g, lt(x, y))]);
/** Elementwise minimum; a tie sends the gradient to a. */
export const minimum = (a: Operand, b: Operand): Tensor =>
  binary('minimum', a, b, (g, x, y) => [mul(g, sub(1, gt(x, y))), mul(g, gt(x, y))]);
/**
 * A comparison: int32 operands (argmax results, labels) are compared as floats —
 * float32, or float64 beside a float64 operand; exact for |v| ≤ 2^24 — so the
 * result is the float path's 1/0 mask in any case.
 */
function compare(op: string, a: Operand, b: Operand): Tensor {
  const isInt = (v: Operand, arg: string): boolean => v instanceof Tensor && checkAny(op, arg, v).dtype === 'int32';
  const aInt = isInt(a, 'a');
  const bInt = isInt(b, 'b');
  if (!aInt && !bInt) return binary(op, a, b);
  const to = (a instanceof Tensor && a.dtype === 'float64') || (b instanceof Tensor && b.dtype === 'float64') ? 'float64' : 'float32';
  const ca = aInt ? cast(a as Tensor, to) : a;
  const cb = bInt ? cast(b as Tensor, to) : b;
  try {
    return binary(op, ca, cb);
  } finally {
    if (aInt) (ca as Tensor).dispose();
    if (bInt) (cb as Tensor).dispose();
  }
}

/** 1 where a > b, else 0, as a float tensor (no gradient); int32 operands allowed. */
export const gt = (a: Operand, b: Operand): Tensor => compare('gt', a, b);
/** 1 where a < b, else 0 (no gradient); int32 operands allowed. */
export const lt = (a: Operand, b: Operand): Tensor => compare('lt', a, b);
/**
 * 1 where a == b, else 0 (no gradient); int32 operands allowed.
 * @example const correct = fv.ops.sum(fv.ops.eq(fv.ops.argmax(logits, 1), labels)).item();
 */
export const eq = (a: Operand, b: Operand): Tensor => compare('eq', a, b);

