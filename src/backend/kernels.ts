// The kernel table's shape: every kernel an op may call, on Tensors, with the
// arguments already validated by the op (names in messages come from there).
// Two tables implement it: native (float32/int32, Rust CPU or CUDA) and
// reference (float64, src/reference). index.ts picks one by dtype.
import type { DeviceName } from '../device.js';
import type { native } from '../native.js';
import type { Conv2dArgs, ConvActivation, Pool2dArgs } from '../reference/index.js';
import type { DType, Tensor } from '../tensor.js';

export type { Conv2dArgs, ConvActivation, Pool2dArgs };
/** The optimiser steps' hyper-parameters, as the binding declares them. */
export type SgdOptions = Parameters<typeof native.sgdStep>[3];
export type RmsPropOptions = Parameters<typeof native.rmspropStep>[5];
export type AdamOptions = Parameters<typeof native.adamStep>[4];
export type Distribution = 'uniform' | 'normal' | 'bernoulli';
export type Reduction = 'sum' | 'mean' | 'max' | 'min';
/** Which way DRAW's filters are applied: read (image → glimpse) or write (patch → canvas). */
export type FilterMode = 'read' | 'write';

/** The LSTM step's operands (x, h, c [B,·]; weights [4H,I] and [4H,H]; biases [4H]). */
export interface LstmStepOperands {
  x: Tensor;
  h: Tensor;
  c: Tensor;
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | undefined;
  biasHh: Tensor | undefined;
}

/** Forward results of the fused LSTM cell: h', c' and the activated gates kept for backward. */
export interface LstmForward {
  h: Tensor;
  c: Tensor;
  gates: Tensor;
}

/** Soft attention's operands (Show, Attend and Tell): proj [B,L,A], hProj [B,A], v [A], annotations [B,L,D]. */
export interface SoftAttendOperands {
  proj: Tensor;
  hProj: Tensor;
  v: Tensor;
  annotations: Tensor;
  /** A scalar ([] or [1]). */
  bias: Tensor | undefined;
  /** [B,L] of 0s and 1s, a 1 in every row. */
  mask: Tensor | undefined;
}

/** What soft attention's backward reads: v, annotations, and the forward's α [B,L] and t = tanh(proj + hProj) [B,L,A]. */
export interface SoftAttendSaved {
  v: Tensor;
  annotations: Tensor;
  alpha: Tensor;
  hidden: Tensor;
}

export interface Kernels {
  // Creation: values as given, and the seeded Philox stream (same numbers on every backend).
  fromValues(values: ArrayLike<number>, shape: readonly number[], dtype: DType, device: DeviceName): Tensor;
  random(dist: Distribution, shape: readonly number[], a: number, b: number, seed: number, offset: number, device: DeviceName): Tensor;

  // Elementwise, GEMM, reductions.
  unary(op: string, x: Tensor, param: number): Tensor;
  binary(op: string, a: Tensor, b: Tensor): Tensor;
  matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor;
  reduce(op: Reduction, x: Tensor, axes: number[], keepdims: boolean): Tensor;
  argmax(x: Tensor, axis: number, keepdims: boolean): Tensor;
  softmax(x: Tensor, axis: number, log: boolean): Tensor;

  // Layout, and the scatters that are their adjoints.
  reshape(x: Tensor, shape: number[]): Tensor;
  permute(x: Tensor, perm: number[]): Tensor;
  slice(x: Tensor, starts: number[], ends: number[], steps: number[]): Tensor;
  expand(x: Tensor, shape: number[]): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  indexSelect(x: Tensor, axis: number, index: Tensor): Tensor;
  gather(x: Tensor, axis: number, index: Tensor): Tensor;
  sliceScatter(src: Tensor, shape: readonly number[], starts: number[], steps: number[]): Tensor;
  indexAdd(src: Tensor, axis: number, index: Tensor, size: number): Tensor;
  scatterAdd(src: Tensor, axis: number, index: Tensor, shape: readonly number[]): Tensor;

  // Batch norm: y, the batch mean, 1/√(σ²+ε) and the biased variance; running averages in place.
  batchNorm(x: Tensor, weight: Tensor, bias: Tensor, stats: { mean: Tensor; var: Tensor } | undefined, eps: number, relu: boolean): [Tensor, Tensor, Tensor, Tensor];
  batchNormUpdateRunning(runningMean: Tensor, runningVar: Tensor, mean: Tensor, variance: Tensor, momentum: number, count: number): void;
  /** [dx, dweight, dbias]. */
  batchNormBackward(g: Tensor, x: Tensor, weight: Tensor, mean: Tensor, invstd: Tensor, training: boolean, reluBias: Tensor | undefined): Tensor[];

  // Convolution and pooling.
  /** conv2d + bias, then `activation` (max(y, 0) or min(max(y, 0), 6)) in the same pass. */
  conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, a: Conv2dArgs, activation?: ConvActivation): Tensor;
  conv2dBackwardInput(grad: Tensor, weight: Tensor, xShape: readonly number[], a: Conv2dArgs): Tensor;
  conv2dBackwardWeight(grad: Tensor, x: Tensor, weightShape: readonly number[], a: Conv2dArgs): Tensor;
  conv2dBackwardBias(grad: Tensor): Tensor;
  /** The maxima and the int32 index h·W + w of each within its plane. */
  maxPool2d(x: Tensor, a: Pool2dArgs): [Tensor, Tensor];
  maxPool2dBackward(grad: Tensor, indices: Tensor, xShape: readonly number[], a: Pool2dArgs): Tensor;
  avgPool2d(x: Tensor, a: Pool2dArgs, countIncludePad: boolean): Tensor;
  avgPool2dBackward(grad: Tensor, xShape: readonly number[], a: Pool2dArgs, countIncludePad: boolean): Tensor;

  // LSTM: the fused pointwise cell on precomputed gate inputs, and the whole step.
  lstmCell(gx: Tensor, gh: Tensor | undefined, bias: Tensor | undefined, c: Tensor): LstmForward;
  /** [dgates, dc]. */
  lstmCellBackward(dh: Tensor | undefined, dc: Tensor | undefined, gates: Tensor, c: Tensor): [Tensor, Tensor];
  lstmStep(p: LstmStepOperands): LstmForward;
  /** Gradients of x, h, c, weightIh, weightHh, biasIh, biasHh; undefined where `need` is false. */
  lstmStepBackward(p: LstmStepOperands, dh: Tensor | undefined, dc: Tensor | undefined, gates: Tensor, need: boolean[]): (Tensor | undefined)[];

  // Losses.
  bceWithLogits(logits: Tensor, targets: Tensor): Tensor;
  /** [per-example loss, softmax]. */
  crossEntropy(logits: Tensor, targets: Tensor, ignoreIndex: number | undefined): [Tensor, Tensor];
  crossEntropyBackward(softmax: Tensor, targets: Tensor, g: Tensor, ignoreIndex: number | undefined): Tensor;

  // DRAW's Gaussian filterbank: [Fx, Fy, gamma], and d params from any of their gradients.
  attentionFilterbank(params: Tensor, N: number, A: number, B: number): [Tensor, Tensor, Tensor];
  attentionFilterbankBackward(params: Tensor, dFx: Tensor | undefined, dFy: Tensor | undefined, dGamma: Tensor | undefined, N: number, A: number, B: number): Tensor;

  /** DRAW's read (γ·FY m FXᵀ, m [B,(C,)H,W] → [B,(C,)N,N]) or write ((1/γ)·FYᵀ m FX, m [B,(C,)N,N] → [B,(C,)H,W]). */
  attentionFilter(mode: FilterMode, m: Tensor, Fx: Tensor, Fy: Tensor, gamma: Tensor): Tensor;
  /** Gradients of m, FX, FY and γ from the output's; undefined where `need` is false. */
  attentionFilterBackward(mode: FilterMode, m: Tensor, Fx: Tensor, Fy: Tensor, gamma: Tensor, grad: Tensor, need: boolean[]): (Tensor | undefined)[];

  // Soft attention: context [B,D], α [B,L] and, when `keepHidden`, t [B,L,A] for the backward.
  softAttend(p: SoftAttendOperands, keepHidden: boolean): [Tensor, Tensor, Tensor | undefined];
  /** Gradients of proj, hProj, v, annotations and bias ([1]); undefined where `need` is false. */
  softAttendBackward(s: SoftAttendSaved, dContext: Tensor | undefined, dAlpha: Tensor | undefined, need: boolean[]): (Tensor | undefined)[];

  // Optimiser steps: update the parameter and its state in place.
  sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | undefined, o: SgdOptions): void;
  rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | undefined, momentumBuffer: Tensor | undefined, o: RmsPropOptions): void;
  adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamOptions): void;
}
