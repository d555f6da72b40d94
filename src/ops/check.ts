// Argument checks shared by the ops, so every message names the op and the argument.
import { fail, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';

/** A live tensor of any dtype. */
export function checkAny(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(op, `${arg} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.isDisposed) fail(op, `${arg} ${fmtShape(x.shape)} was disposed and cannot be used again`);
  return x;
}

/** A float tensor (float32 on the native path, float64 on the reference path). */
export function checkFloat(op: string, arg: string, x: unknown): Tensor {
  const t = checkAny(op, arg, x);
  if (t.dtype === 'int32') fail(op, `${arg} must be float32 or float64, got int32 ${fmtShape(t.shape)}`);
  return t;
}

export function checkSameDevice(op: string, a: Tensor, b: Tensor): void {
  if (a.device !== b.device) fail(op, `tensors on different devices, a on ${a.device} vs b on ${b.device}`);
}
