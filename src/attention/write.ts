// DRAW's write: (1/γ)·FYᵀ w FX (PAPERS.md §1) paints an N×N patch w back onto an
// H×W canvas, per channel with the same filters: the filterbank op, then the
// fused filter op (filter.ts). The composite of the filterbank and batched
// matmuls (transA reads FY transposed without a copy) stays as its reference.
import { fail, fmtShape } from '../errors.js';
import { checkAllocation } from '../backend/index.js';
import { type Tensor, isGradEnabled } from '../tensor.js';
import { checkFloat } from '../ops/check.js';
import { matmul } from '../ops/matmul.js';
import { div } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { asOp, checkParams, checkSize, filterbank } from './filterbank.js';
import { checkBatch, perChannel, scoped } from './read.js';
import { applyFilters } from './filter.js';

/** Checks write's operands; returns [batch, C, N, colour, needGrad]. */
function checkWrite(op: string, w: Tensor, params: Tensor, H: number, W: number): [number, number, number, boolean, boolean] {
  checkFloat(op, 'w', w);
  if (w.rank !== 3 && w.rank !== 4) fail(op, `w must be [batch,N,N] or [batch,C,N,N], got ${fmtShape(w.shape)}`);
  const N = w.shape[w.rank - 1]!;
  if (w.shape[w.rank - 2] !== N || N < 1) fail(op, `w must hold square N×N patches with N ≥ 1, got ${fmtShape(w.shape)}`);
  checkParams(op, params);
  checkSize(op, 'H', H);
  checkSize(op, 'W', W);
  checkBatch(op, 'w', w, params);
  const colour = w.rank === 4;
  const [batch, C] = [w.shape[0]!, colour ? w.shape[1]! : 1];
  checkAllocation(op, 'canvas', colour ? [batch, C, H, W] : [batch, H, W]);
  return [batch, C, N, colour, isGradEnabled() && (w.requiresGrad || params.requiresGrad)];
}

/**
 * The canvas update (1/γ)·FYᵀ w FX of a patch w [batch,N,N] (or [batch,C,N,N])
 * under params [batch,5]: [batch,H,W] (or [batch,C,H,W]).
 * @example const c = fv.attention.write(patch, params, 28, 28); // patch [64,5,5], params [64,5] -> c [64,28,28]
 */
export function write(w: Tensor, params: Tensor, H: number, W: number): Tensor {
  const op = 'attention.write';
  const [, , N, , needGrad] = checkWrite(op, w, params, H, W);
  return asOp(op, () => scoped(needGrad, () => applyFilters('write', w, filterbank(params, N, W, H))));
}

/** write as a composite of the filterbank and batched matmuls: the fused write's reference. */
export function writeComposite(w: Tensor, params: Tensor, H: number, W: number): Tensor {
  const op = 'attention.write';
  const [batch, C, N, colour, needGrad] = checkWrite(op, w, params, H, W);
  return asOp(op, () => scoped(needGrad, () => {
    const { Fx, Fy, gamma } = filterbank(params, N, W, H);
    // 1/γ scales the small patch rather than the canvas: FYᵀ (w/γ) FX is the same
    // product, and the division (and its backward's broadcast sum) touches N² values, not H·W.
    const scaled = div(w, reshape(gamma, colour ? [batch, 1, 1, 1] : [batch, 1, 1]));
    // (w/γ) FX for all patch rows of all channels at once: [batch, C·N, W].
    const wf = matmul(colour ? reshape(scaled, [batch, C * N, N]) : scaled, Fx);
    const canvas = matmul(perChannel(Fy, C), colour ? reshape(wf, [batch * C, N, W]) : wf, { transA: true });
    return colour ? reshape(canvas, [batch, C, H, W]) : canvas;
  }));
}
