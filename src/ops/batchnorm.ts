// Batch normalisation (Ioffe & Szegedy 2015, PAPERS.md §2): per feature for
// [N,F], per channel over N·H·W for [N,C,H,W]. Forward is one native call; the
// backward is one native call too (the fused form of §2), for x, γ and β at once.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { full } from '../creation.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat } from './check.js';
import { BATCH_NORM_EPS, BATCH_NORM_MOMENTUM } from './batchnorm-defaults.js';

export interface BatchNormOptions {
  /** Batch statistics (Algorithm 1) when true; the given running statistics when false. */
  training: boolean;
  /** [C] population mean; updated in place when training. Required when not training. */
  runningMean?: Tensor;
  /** [C] population variance; updated in place (unbiased, m/(m−1)·σ²_B) when training. */
  runningVar?: Tensor;
  /** Weight of the new batch in the running averages (PyTorch's convention, default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /**
   * 'relu' applies ReLU to y in the same pass (BN → ReLU, as in BN-Inception):
   * one pass over the tensor instead of three each way. The gradient passes
   * where γ x̂ + β > 0. Default: none.
   */
  activation?: 'relu';
}

function checkVector(x: Tensor, name: string, v: Tensor): Tensor {
  checkFloat('batchNorm', name, v);
  const c = x.shape[1]!;
  if (v.rank !== 1 || v.shape[0] !== c) fail('batchNorm', `${name} must be [${c}] (one per channel of x ${fmtShape(x.shape)}), got ${fmtShape(v.shape)}`);
  if (v.dtype !== x.dtype || v.device !== x.device) fail('batchNorm', `${name} is ${v.dtype} on ${v.device}, expected ${x.dtype} on ${x.device} like x`);
  return v;
}

/**
 * y = γ (x − μ)/√(σ² + ε) + β per channel (axis 1). Training normalises with the
 * batch's mean and biased variance and, when running buffers are given, updates
 * them in place; inference uses runningMean/runningVar. weight (γ) and bias (β)
 * may be null for no affine part.
 * @example
 * const y = fv.ops.batchNorm(x, gamma, beta, { training: true, runningMean, runningVar }); // x [32,64,28,28]
 */
export function batchNorm(x: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, options: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  checkOptions(op, options, ['training', 'runningMean', 'runningVar', 'momentum', 'eps', 'activation']);
  checkFloat(op, 'x', x);
  if (x.rank < 2) fail(op, `x must be [N,C] or [N,C,H,W], got ${fmtShape(x.shape)}`);
  if (typeof options?.training !== 'boolean') fail(op, `options.training must be true or false, got ${String(options?.training)}`);
  const { training, runningMean, runningVar, momentum = BATCH_NORM_MOMENTUM, eps = BATCH_NORM_EPS, activation } = options;
  if (activation !== undefined && activation !== 'relu') fail(op, `options.activation must be 'relu' or undefined, got ${String(activation)}`);
  const relu = activation === 'relu';
  if (!(momentum >= 0 && momentum <= 1)) fail(op, `momentum must lie in [0, 1], got ${momentum}`);
  if (!(eps >= 0 && Number.isFinite(eps))) fail(op, `eps must be finite and non-negative, got ${eps}`);
  if ((runningMean === undefined) !== (runningVar === undefined)) fail(op, 'runningMean and runningVar must be given together');
  if (runningMean !== undefined && runningMean === runningVar) fail(op, 'runningMean and runningVar must be different tensors');
  if (!training && runningMean === undefined) fail(op, 'inference (training: false) needs runningMean and runningVar');
  const c = x.shape[1]!;
  const m = x.size / Math.max(c, 1);
  if (training && m <= 1) fail(op, `expected more than 1 value per channel when training, got x ${fmtShape(x.shape)}`);
  const owned: Tensor[] = [];
  const affine = (name: string, v: Tensor | null | undefined, fill: number): Tensor => {
    if (v !== null && v !== undefined) return checkVector(x, name, v);
    const t = full([c], fill, { device: x.device, dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
    owned.push(t);
    return t;
  };
  const w = affine('weight', weight, 1);
  const b = affine('bias', bias, 0);
  if (runningMean) checkVector(x, 'runningMean', runningMean);
  if (runningVar) checkVector(x, 'runningVar', runningVar);
  const stats = training ? undefined : { mean: runningMean!, var: runningVar! };

  const k = kernels(op, x);
  const [y, mean, invstd, variance] = k.batchNorm(x, w, b, stats, eps, relu);
  if (training && runningMean && runningVar) k.batchNormUpdateRunning(runningMean, runningVar, mean, variance, momentum, m);
  variance.dispose();
  return record(
    op,
    y,
    [x, w, b],
    (g) => kernels(op, g).batchNormBackward(g, x, w, mean, invstd, training, relu ? b : undefined),
    [mean, invstd, ...owned],
  );
}
