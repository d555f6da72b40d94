// The captioner's decoder (PAPERS.md §3, "Decoder"), one function of named weights so
// the float32 model and the float64 gradcheck run the same code:
//   h_0 = tanh(W_h ā + b), c_0 = tanh(W_c ā + b)                     (init MLPs)
//   [i f g o] = W E y_{t−1} + U h_{t−1} + Z ẑ_t + b                   (LSTM with the context;
//                                                                     PyTorch's gate order)
//   p(y_t) ∝ exp(L_o(E y_{t−1} + L_h h_t + L_z ẑ_t))                   (deep output layer)
// y_0 is `<start>` (the paper's; the authors' code feeds a zero vector). The LSTM's input
// weights [4n, m + D] are split into W (words) and Z (context): W E y for every step of a
// teacher-forced caption is one GEMM, and only Z ẑ_t is computed per step.
// Dropout (keep 0.5) acts on h_t where it enters the output and on the deep output, as in
// the authors' code; the recurrence itself is not dropped.
import { tensor } from '../../creation.js';
import { add, concat, dropout, embedding, lstmCellFromGates, matmul, reshape, slice, tanh } from '../../ops/index.js';
import { type LstmState } from '../../ops/lstm.js';
import { type Tensor } from '../../tensor.js';
import { attend, prepareAttention, type AttendHow, type CaptionerWeights, type PreparedAnnotations } from './attend.js';
import { type CaptionerConfig } from './config.js';

const linear = (w: CaptionerWeights, name: string, x: Tensor): Tensor => {
  const y = matmul(x, w[`${name}.weight`]!, { transB: true });
  const bias = w[`${name}.bias`];
  return bias ? add(y, bias) : y;
};

/** The LSTM's input weights split into the word part W [4n,m] and the context part Z [4n,D], and one bias. */
export interface LstmParts {
  word: Tensor;
  context: Tensor;
  bias: Tensor;
}

export function lstmParts(c: CaptionerConfig, w: CaptionerWeights): LstmParts {
  const ih = w['lstm.weightIh']!;
  const [g, m] = [4 * c.lstmSize, c.embedSize];
  return { word: slice(ih, [0, 0], [g, m]), context: slice(ih, [0, m], [g, m + c.annotationSize]), bias: add(w['lstm.biasIh']!, w['lstm.biasHh']!) };
}

/** The image's attention inputs and the initial state from ā (init MLPs). */
export function initDecoder(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor): { prepared: PreparedAnnotations; state: LstmState } {
  const prepared = prepareAttention(c, w, annotations);
  const state = { h: tanh(linear(w, 'initH', prepared.mean)), c: tanh(linear(w, 'initC', prepared.mean)) };
  return { prepared, state };
}

/** E y for int32 ids [N] → [N,m]. */
export const embed = (w: CaptionerWeights, ids: Int32Array): Tensor => embedding(tensor(ids, [ids.length], { device: w['embedding.weight']!.device }), w['embedding.weight']!);

/**
 * One decoder step: attention from h_{t−1}, then the LSTM on W E y_{t−1} (given as
 * `wordGates` [B,4n]) + U h_{t−1} + Z ẑ_t.
 */
export function decoderStep(c: CaptionerConfig, w: CaptionerWeights, lstm: LstmParts, p: PreparedAnnotations, s: LstmState, wordGates: Tensor, how: AttendHow) {
  const att = attend(c, w, p, s.h, how);
  const gx = add(wordGates, matmul(att.context, lstm.context, { transB: true }));
  const gh = matmul(s.h, w['lstm.weightHh']!, { transB: true });
  const state = lstmCellFromGates(gx, gh, lstm.bias, s.c);
  return { state, attention: att };
}

/** The deep output layer's logits [N,K] from E y_{t−1} [N,m], h_t [N,n], ẑ_t [N,D] (any number of steps stacked). */
export function deepOutput(c: CaptionerConfig, w: CaptionerWeights, emb: Tensor, h: Tensor, z: Tensor, training: boolean): Tensor {
  const hd = dropout(h, c.dropout, { training });
  let pre = add(add(emb, linear(w, 'outHidden', hd)), linear(w, 'outContext', z));
  if (c.outputTanh) pre = tanh(pre);
  return linear(w, 'outWord', dropout(pre, c.dropout, { training }));
}

export interface RolloutOptions {
  /** Dropout active (training mode). */
  training: boolean;
  /** Hard attention: sample the locations (true) or use the expected α (false). */
  sample?: boolean;
  /** Hard attention: the locations to use instead of sampling, [T][B] (tests enumerate them). */
  forced?: Int32Array[];
}

export interface Rollout {
  /** [T·B, K], time-major (row t·B + b is word t of caption b). */
  logits: Tensor;
  /** The targets y_1..y_T time-major [T·B] (the caption's own tokens). */
  targets: Int32Array;
  /** α_t [B,L] per step (empty for no attention). */
  alphas: Tensor[];
  /** Hard attention when sampling: s_t [B] per step, log α_{t,s_t} [B] and H(α_t) [B] per step. */
  samples?: Int32Array[];
  logAlphas?: Tensor[];
  entropies?: Tensor[];
}

/**
 * The teacher-forced decoder over captions tokens [B,T] (int32, row-major as the batch
 * holds them): inputs <start>, y_1..y_{T−1}; targets y_1..y_T.
 */
export function captionerRollout(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor, tokens: Int32Array, T: number, o: RolloutOptions): Rollout {
  const B = annotations.shape[0]!;
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      targets[t * B + b] = tokens[b * T + t]!;
      inputs[t * B + b] = t === 0 ? c.startId : tokens[b * T + t - 1]!;
    }
  }
  const lstm = lstmParts(c, w);
  const { prepared, state } = initDecoder(c, w, annotations);
  const emb = embed(w, inputs);
  const wordGates = matmul(emb, lstm.word, { transB: true });
  const sampling = c.attention === 'hard' && (o.sample ?? false);
  let s = state;
  const hs: Tensor[] = [];
  const zs: Tensor[] = [];
  const r: Rollout = { logits: undefined as unknown as Tensor, targets, alphas: [] };
  if (sampling) Object.assign(r, { samples: [], logAlphas: [], entropies: [] });
  for (let t = 0; t < T; t++) {
    const gates = slice(wordGates, [t * B, 0], [(t + 1) * B, 4 * c.lstmSize]);
    const how: AttendHow = sampling ? { kind: 'sample', forced: o.forced?.[t] } : { kind: 'expected' };
    const step = decoderStep(c, w, lstm, prepared, s, gates, how);
    s = step.state;
    hs.push(s.h);
    zs.push(step.attention.context);
    if (step.attention.alpha) r.alphas.push(step.attention.alpha);
    if (sampling) {
      r.samples!.push(step.attention.samples!);
      r.logAlphas!.push(step.attention.logAlpha!);
      r.entropies!.push(step.attention.entropy!);
    }
  }
  // The output layer for all T steps at once: three GEMMs instead of 3T.
  r.logits = deepOutput(c, w, emb, concat(hs, 0), concat(zs, 0), o.training);
  return r;
}

/** Stacks per-step [B] or [B,L] tensors into [T,B] or [T,B,L]. */
export const stackSteps = (xs: Tensor[]): Tensor => concat(xs.map((x) => reshape(x, [1, ...x.shape])), 0);
