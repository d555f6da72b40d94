// Batch-norm inference (PAPERS.md §2, Algorithm 2): the exact population
// statistics by a pass over training batches — E[x] = mean of the batch means,
// Var[x] = m/(m−1)·E[σ²_B] — beside the moving averages kept during training;
// and folding a trained BN's affine map y = γ/√(Var+ε)·x + (β − γE[x]/√(Var+ε))
// into the Linear or Conv2d before it.
import { fail, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { add, addScalar, mul, neg, reshape, rsqrt, sub } from '../ops/index.js';
import { type Tensor, noGrad } from '../tensor.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
import { type Layer } from './containers.js';
import { Conv2d } from './conv.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

type BatchNormLayer = BatchNorm1d | BatchNorm2d;

/** Every module of the tree under `m` (itself first), with its dotted name. */
function walk(m: Module, prefix = ''): [string, Module][] {
  const out: [string, Module][] = [[prefix, m]];
  for (const [n, c] of m.children()) out.push(...walk(c, prefix ? `${prefix}.${n}` : n));
  return out;
}

export interface PopulationStatistics {
  /** Training batches averaged over. */
  batches: number;
  /** Dotted names of the batch-norm layers whose statistics were recomputed. */
  layers: string[];
}

/**
 * Algorithm 2: replaces every batch-norm layer's runningMean/runningVar with the
 * exact averages over `batches` (inputs as the model's forward takes them):
 * runningMean = mean of the batch means μ_B, runningVar = m/(m−1)·mean of the
 * batch variances σ²_B. Each layer sees its input as in training (the layers
 * before it normalise with batch statistics); everything else runs in eval mode
 * (no dropout), without a graph. Training modes are restored afterwards. The
 * moving averages are the cheaper approximation this replaces; save a copy of
 * the state first to keep both.
 * @example
 * fv.nn.computePopulationStatistics(model, trainBatches); // then model.eval()
 */
export function computePopulationStatistics(model: Module & Layer, batches: Iterable<Tensor>): PopulationStatistics {
  const op = 'computePopulationStatistics';
  if (!(model instanceof Module)) fail(op, 'model must be a Module');
  const modules = walk(model);
  const bns = modules.filter((e): e is [string, BatchNormLayer] => e[1] instanceof BatchNorm1d || e[1] instanceof BatchNorm2d);
  if (bns.length === 0) fail(op, 'the model has no BatchNorm1d/BatchNorm2d layer');
  const modes = modules.map(([, m]) => m.training);
  let count = 0;
  try {
    for (const [, m] of modules) m.training = false;
    for (const [, bn] of bns) {
      bn.training = true;
      bn.setExactAveraging(true);
    }
    for (const x of batches) {
      tidy(() => noGrad(() => void model.forward(x)));
      count++;
    }
  } finally {
    modules.forEach(([, m], i) => (m.training = modes[i]!));
    for (const [, bn] of bns) bn.setExactAveraging(false);
  }
  if (count === 0) fail(op, 'batches was empty: the population statistics need at least one training batch');
  return { batches: count, layers: bns.map(([n]) => n) };
}

/**
 * A Linear or Conv2d (with bias) computing bn(layer(x)) of a trained `bn` in
 * inference mode: W' = W·s, b' = (b − E[x])·s + β per output unit/channel, with
 * s = γ/√(Var[x] + ε). `bn` must follow `layer` directly (same feature count);
 * the result is a new module, the inputs are left as they are.
 * @example const fused = fv.nn.foldBatchNorm(conv, bn); // fused.forward(x) ≈ bn.eval().forward(conv.forward(x))
 */
export function foldBatchNorm(layer: Linear | Conv2d, bn: BatchNormLayer): Linear | Conv2d {
  const op = 'foldBatchNorm';
  const out = layer instanceof Linear ? layer.outFeatures : layer instanceof Conv2d ? layer.outChannels : fail(op, 'layer must be a Linear or Conv2d');
  if (!(bn instanceof BatchNorm1d || bn instanceof BatchNorm2d)) fail(op, 'bn must be a BatchNorm1d or BatchNorm2d');
  if (bn.numFeatures !== out) fail(op, `bn has ${bn.numFeatures} features but the layer has ${out} outputs`);
  if (layer instanceof Conv2d && !(bn instanceof BatchNorm2d)) fail(op, 'a Conv2d folds with a BatchNorm2d');
  if (bn.activation !== undefined) {
    fail(op, `bn applies a fused ${bn.activation}, which a ${layer.constructor.name} cannot hold: apply ${bn.activation} to the folded layer's output`);
  }
  if (bn.batchesTracked === 0) fail(op, 'the batch norm was never trained and has no population statistics (numBatchesTracked = 0)');
  const w = layer.weight;
  const device = w.device;
  const folded =
    layer instanceof Linear
      ? new Linear(layer.inFeatures, layer.outFeatures, { device })
      : new Conv2d(layer.inChannels, layer.outChannels, layer.kernelSize, { ...layer.options, bias: true, device });
  noGrad(() =>
    tidy(() => {
      const invStd = rsqrt(addScalar(bn.runningVar, bn.eps));
      const s = bn.weight ? mul(bn.weight, invStd) : invStd;
      const scaled = mul(w, reshape(s, [out, ...w.shape.slice(1).map(() => 1)]));
      const b0 = layer.bias ? sub(layer.bias, bn.runningMean) : neg(bn.runningMean);
      const shift = bn.bias ? add(mul(b0, s), bn.bias) : mul(b0, s);
      if (scaled.shape.join() !== w.shape.join()) fail(op, `internal: folded weight ${fmtShape(scaled.shape)} vs ${fmtShape(w.shape)}`);
      folded.weight.assign(scaled);
      folded.bias!.assign(shift);
    }),
  );
  return folded;
}
