// Elementwise ops: unary maps and broadcasting binary ops (NumPy rules).
import { fail, fmtShape } from '../errors.js';
import { native } from '../native.js';
import { Tensor, wrap } from '../tensor.js';

function checkTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(op, `${arg} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32') fail(op, `${arg} must be float32, got ${x.dtype} ${fmtShape(x.shape)}`);
  return x;
}

function unary(op: string, x: Tensor, param = 0): Tensor {
  checkTensor(op, 'x', x);
  return wrap(native.unary(op, x.handle(op), param));
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
/** 1 / (1 + e^-x), computed without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
/** 1 where x > 0, else 0 (the derivative of relu). */
export const step = (x: Tensor): Tensor => unary('step', x);
/** x ** p for a scalar p. */
export const powScalar = (x: Tensor, p: number): Tensor => unary('powScalar', x, p);
/** Clamps x into [low, high]. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  if (!(low <= high)) fail('clamp', `low ${low} must not exceed high ${high}`);
  const lower = unary('maxScalar', x, low);
  try {
    return unary('minScalar', lower, high);
  } finally {
    lower.dispose();
  }
}

type Operand = Tensor | number;

function binary(op: string, a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') fail(op, 'at least one operand must be a Tensor');
  const like = (typeof a === 'number' ? b : a) as Tensor;
  checkTensor(op, typeof a === 'number' ? 'b' : 'a', like);
  const scalar = (v: number): Tensor => wrap(native.NativeTensor.fromFloat32(new Float32Array([v]), [], like.device));
  const ta = typeof a === 'number' ? scalar(a) : checkTensor(op, 'a', a);
  const tb = typeof b === 'number' ? scalar(b) : checkTensor(op, 'b', b);
  try {
    if (ta.device !== tb.device) fail(op, `tensors on different devices, a on ${ta.device} vs b on ${tb.device}`);
    return wrap(native.binary(op, ta.handle(op), tb.handle(op)));
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

export const add = (a: Operand, b: Operand): Tensor => binary('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binary('pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binary('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binary('minimum', a, b);
/** 1 where a > b, else 0. */
export const gt = (a: Operand, b: Operand): Tensor => binary('gt', a, b);
export const lt = (a: Operand, b: Operand): Tensor => binary('lt', a, b);
export const eq = (a: Operand, b: Operand): Tensor => binary('eq', a, b);

export { checkTensor };
