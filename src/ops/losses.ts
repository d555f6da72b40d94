// Losses from logits, stable for any finite logit (±1000 included).
// bceWithLogits: one native elementwise kernel, backward in ops (differentiable twice).
// crossEntropy: one fused native kernel (log-softmax + pick, saving the softmax),
// backward softmax − onehot in one native kernel.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, noGrad, record } from '../tensor.js';
import { checkAny, checkFloat } from './check.js';
import { mul, mulScalar, neg, sigmoid, sub } from './elementwise.js';
import { max, mean, min, sum } from './reduce.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** 'mean' (default) averages the per-element (BCE) or per-row (cross-entropy) losses, 'sum' adds them, 'none' keeps them. */
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends LossOptions {
  /** Rows whose target is this class contribute no loss and are left out of the mean (PyTorch's ignore_index). */
  ignoreIndex?: number;
}

function checkReduction(op: string, r: unknown): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') fail(op, `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  return r;
}

/**
 * Checks `t` holds probabilities in [0, 1], as a Bernoulli likelihood needs: a
 * pixel of 5 would give a finite, meaningless loss. One min and one max, read on the host.
 */
export function checkProbabilities(op: string, arg: string, t: Tensor): void {
  if (t.size === 0) return;
  const [lo, hi] = noGrad(() => [min(t), max(t)].map((r) => {
    const v = r.item();
    r.dispose();
    return v;
  }));
  if (!(lo! >= 0 && hi! <= 1)) fail(op, `${arg} must lie in [0, 1] (Bernoulli probabilities), got values in [${lo}, ${hi}]`);
}

/**
 * Binary cross-entropy of sigmoid(logits) against targets in [0, 1], computed as
 * max(x,0) − x·t + log(1 + e^{−|x|}). 'mean' averages over all elements (PyTorch's
 * convention; for logits [N] that is the batch mean).
 * @example const loss = fv.ops.bceWithLogits(logits, targets); // scalar
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const op = 'bceWithLogits';
  checkOptions(op, options, ['reduction']);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  checkFloat(op, 'logits', logits);
  checkFloat(op, 'targets', targets);
  if (logits.shape.join() !== targets.shape.join()) fail(op, `targets ${fmtShape(targets.shape)} must match logits ${fmtShape(logits.shape)}`);
  if (logits.dtype !== targets.dtype || logits.device !== targets.device) {
    fail(op, `targets is ${targets.dtype} on ${targets.device}, expected ${logits.dtype} on ${logits.device} like logits`);
  }
  checkProbabilities(op, 'targets', targets);
  const out = kernels(op, logits).bceWithLogits(logits, targets);
  // d/dx = σ(x) − t, d/dt = −x.
  const loss = record(op, out, [logits, targets], (g) => [mul(g, sub(sigmoid(logits), targets)), targets.requiresGrad ? mul(g, neg(logits)) : undefined]);
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/**
 * −log softmax(logits)[target] per row of logits [N,K], targets int32 [N] in 0..K.
 * @example const loss = fv.ops.crossEntropy(logits, labels); // mean over the batch
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  checkOptions(op, options, ['reduction', 'ignoreIndex']);
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const { ignoreIndex } = options;
  if (ignoreIndex !== undefined && !Number.isInteger(ignoreIndex)) fail(op, `ignoreIndex must be an integer, got ${ignoreIndex}`);
  checkFloat(op, 'logits', logits);
  checkAny(op, 'targets', targets);
  if (logits.rank !== 2) fail(op, `logits must be [N,K], got ${fmtShape(logits.shape)}`);
  const n = logits.shape[0]!;
  if (targets.dtype !== 'int32') fail(op, `targets must be int32 class indices, got ${targets.dtype} ${fmtShape(targets.shape)}`);
  if (targets.rank !== 1 || targets.shape[0] !== n) fail(op, `targets must be [${n}] (one class per row of logits ${fmtShape(logits.shape)}), got ${fmtShape(targets.shape)}`);
  if (targets.device !== logits.device) fail(op, `targets on ${targets.device} but logits on ${logits.device}`);
  const [loss, softmax] = kernels(op, logits).crossEntropy(logits, targets, ignoreIndex);
  const perRow = record(op, loss, [logits], (g) => [kernels(op, g).crossEntropyBackward(softmax, targets, g, ignoreIndex)], [softmax]);
  if (reduction === 'none') return perRow;
  if (reduction === 'sum') return sum(perRow);
  if (ignoreIndex === undefined) return mean(perRow);
  const counted = targets.toInt32Array().filter((v) => v !== ignoreIndex).length;
  return mulScalar(sum(perRow), 1 / counted);
}
