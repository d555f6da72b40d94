// DRAW's Gaussian attention filterbank (PAPERS.md §1 "Selective attention"): the
// forward is one native call giving FX, FY and γ; the backward below it is one
// native call per output (reference twins in src/reference/attention.ts). The
// convention is the paper's 1-based one: g̃ = 0 centres the grid on the image,
// g̃ = ±1 puts it at the edges, and every row of FX and FY sums to 1 (unless the
// filter lies entirely off the image, where Z = max(Σ exp(…), 1e-8) makes it 0).
import { fail, fmtShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, recordMulti } from '../tensor.js';
import { checkFloat } from '../ops/check.js';

export interface Filterbank {
  /** [batch, N, A]: row i is filter i over the A image columns. */
  Fx: Tensor;
  /** [batch, N, B]: row j is filter j over the B image rows. */
  Fy: Tensor;
  /** [batch]: the intensity γ = exp(log γ). */
  gamma: Tensor;
}

/** A positive integer size argument, or an error naming op and argument. */
export function checkSize(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(op, `${arg} must be a positive integer, got ${String(v)}`);
  return v;
}

/** params must be a live float tensor of shape [batch,5]. */
export function checkParams(op: string, params: unknown): Tensor {
  const p = checkFloat(op, 'params', params);
  if (p.rank !== 2 || p.shape[1] !== 5) fail(op, `params must be [batch,5] (g̃X, g̃Y, log σ², log δ̃, log γ), got ${fmtShape(p.shape)}`);
  return p;
}

// Errors of inner ops (filterbank, matmul, exp) are renamed after the op the user called.
export { asOp } from '../errors.js';

function forward(params: Tensor, N: number, A: number, B: number): [Tensor, Tensor, Tensor] {
  return kernels('attention.filterbank', params).attentionFilterbank(params, N, A, B);
}

/** d params [batch,5] from the gradients of FX, FY and γ (an absent one counts as zero); not differentiated again. */
function backward(params: Tensor, [dx, dy, dg]: (Tensor | undefined)[], N: number, A: number, B: number): Tensor {
  return kernels('attention.filterbankBackward', params).attentionFilterbankBackward(params, dx, dy, dg, N, A, B);
}

/**
 * The N×N grid of Gaussian filters DRAW reads and writes with, from the five raw
 * numbers a linear layer emits: params [batch,5] = (g̃X, g̃Y, log σ², log δ̃, log γ).
 * A is the image width, B its height. N = 1 is allowed: one filter centred on
 * (gX, gY), where the stride δ (and so log δ̃) has no effect.
 * @example
 * const { Fx, Fy, gamma } = fv.attention.filterbank(fv.zeros([1, 5]), 5, 28, 28); // Fx [1,5,28]
 */
export function filterbank(params: Tensor, N: number, A: number, B: number): Filterbank {
  const op = 'attention.filterbank';
  checkParams(op, params);
  checkSize(op, 'N', N);
  checkSize(op, 'A (width)', A);
  checkSize(op, 'B (height)', B);
  const [Fx, Fy, gamma] = forward(params, N, A, B);
  // One node for the three outputs: the backward runs once with all their gradients.
  recordMulti(op, [Fx, Fy, gamma], [params], (grads) => [backward(params, grads, N, A, B)]);
  return { Fx, Fy, gamma };
}
