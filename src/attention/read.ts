// DRAW's read: the N×N glimpse γ·FY x FXᵀ (PAPERS.md §1), per channel with the
// same filters: the filterbank op, then the fused filter op (filter.ts). The
// composite of the filterbank and batched matmuls (transB reads FX transposed
// without a copy), whose backward comes from theirs, stays as its reference.
import { fail, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { type Tensor, isGradEnabled } from '../tensor.js';
import { checkFloat } from '../ops/check.js';
import { matmul } from '../ops/matmul.js';
import { mul } from '../ops/elementwise.js';
import { expand, reshape } from '../ops/layout.js';
import { asOp, checkParams, checkSize, filterbank } from './filterbank.js';
import { applyFilters } from './filter.js';

/** Checks `t` against params: same batch, dtype and device; returns the batch. */
export function checkBatch(op: string, arg: string, t: Tensor, params: Tensor): void {
  if (t.shape[0] !== params.shape[0]) fail(op, `batch mismatch, ${arg} ${fmtShape(t.shape)} vs params ${fmtShape(params.shape)}`);
  if (t.dtype !== params.dtype) fail(op, `${arg} is ${t.dtype} but params is ${params.dtype}; both must be float32 or both float64`);
  if (t.device !== params.device) fail(op, `${arg} on ${t.device} but params on ${params.device}`);
}

/** FY [batch,N,len] repeated per channel: [batch·C,N,len] (FY itself when C = 1). */
export function perChannel(F: Tensor, C: number): Tensor {
  if (C === 1) return F;
  const [b, n, len] = F.shape as [number, number, number];
  return reshape(expand(reshape(F, [b, 1, n, len]), [b, C, n, len]), [b * C, n, len]);
}

/** Runs `fn` in a tidy scope when no graph is recorded (the intermediates are then garbage). */
export function scoped(needGrad: boolean, fn: () => Tensor): Tensor {
  return needGrad ? fn() : tidy(fn);
}

/** Checks read's operands; returns [batch, C, H, W, colour, needGrad]. */
function checkRead(op: string, x: Tensor, params: Tensor, N: number): [number, number, number, number, boolean, boolean] {
  checkFloat(op, 'x', x);
  if (x.rank !== 3 && x.rank !== 4) fail(op, `x must be [batch,H,W] or [batch,C,H,W], got ${fmtShape(x.shape)}`);
  checkParams(op, params);
  checkSize(op, 'N', N);
  checkBatch(op, 'x', x, params);
  const colour = x.rank === 4;
  const [batch, C, H, W] = (colour ? x.shape : [x.shape[0], 1, x.shape[1], x.shape[2]]) as [number, number, number, number];
  if (H < 1 || W < 1) fail(op, `x must have a non-empty image, got ${fmtShape(x.shape)}`);
  return [batch, C, H, W, colour, isGradEnabled() && (x.requiresGrad || params.requiresGrad)];
}

/**
 * The glimpse γ·FY x FXᵀ of x [batch,H,W] (or [batch,C,H,W], each channel with
 * the same filters) under params [batch,5]: [batch,N,N] (or [batch,C,N,N]).
 * @example const r = fv.attention.read(images, params, 2); // images [64,28,28], params [64,5] -> r [64,2,2]
 */
export function read(x: Tensor, params: Tensor, N: number): Tensor {
  const op = 'attention.read';
  const [, , H, W, , needGrad] = checkRead(op, x, params, N);
  return asOp(op, () => scoped(needGrad, () => applyFilters('read', x, filterbank(params, N, W, H))));
}

/** read as a composite of the filterbank and batched matmuls: the fused read's reference. */
export function readComposite(x: Tensor, params: Tensor, N: number): Tensor {
  const op = 'attention.read';
  const [batch, C, H, W, colour, needGrad] = checkRead(op, x, params, N);
  return asOp(op, () => scoped(needGrad, () => {
    const { Fx, Fy, gamma } = filterbank(params, N, W, H);
    // x FXᵀ for all rows of all channels at once: [batch, C·H, N].
    const xf = matmul(colour ? reshape(x, [batch, C * H, W]) : x, Fx, { transB: true });
    const glimpse = matmul(perChannel(Fy, C), colour ? reshape(xf, [batch * C, H, N]) : xf);
    const shape = colour ? [batch, C, N, N] : [batch, N, N];
    return mul(colour ? reshape(glimpse, shape) : glimpse, reshape(gamma, colour ? [batch, 1, 1, 1] : [batch, 1, 1]));
  }));
}
