// The captioner's configuration (PAPERS.md §3, Show, Attend and Tell): everything a
// checkpoint needs to rebuild the model, its defaults, the strict check every config
// (passed in or read back from a file) goes through, and the parameter count.
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';

/**
 * The vocabulary as the captioner needs it: its size and the special ids, named
 * padId/startId/eosId/unkId or, as fv.data.captions' `Vocabulary` names them,
 * pad/start/eos/unk. `words` (id → word) is optional and, when given, decoding also
 * returns the words and checkpoints keep them.
 */
export interface CaptionVocab {
  readonly size: number;
  readonly padId?: number;
  readonly startId?: number;
  readonly eosId?: number;
  readonly unkId?: number;
  readonly pad?: number;
  readonly start?: number;
  readonly eos?: number;
  readonly unk?: number;
  readonly words?: readonly string[];
}

export type AttentionKind = 'soft' | 'hard' | 'none';

/** The hard-attention learning rule's constants (PAPERS.md §3 "Losses", the authors' values). */
export interface HardAttentionConfig {
  /** λ_r: weight of the REINFORCE term (0.1). */
  reinforceWeight: number;
  /** λ_e: weight of the entropy bonus (0.002). */
  entropyWeight: number;
  /** The moving-average baseline's decay: b_k = decay·b_{k−1} + (1 − decay)·log p (0.9). */
  baselineDecay: number;
  /** Probability that a mini-batch uses the expected α instead of a sample (0.5). */
  expectedProb: number;
  /**
   * The REINFORCE reward, and so what the baseline averages: 'caption', log p(y|s̃,a) (the
   * paper's notation), or 'word', log p(y|s̃,a) divided by the caption's words (`<eos>`
   * included; the authors' code). 'word' is the gradient of the bound with each caption
   * weighted 1/(its words), still unbiased for any baseline; its use is that batches of
   * different lengths no longer move the reward by their length (see losses.ts).
   */
  reward: 'caption' | 'word';
}

export interface CaptionerConfig {
  model: 'captioner';
  /** Vocabulary size K and the special ids (`<pad>`, `<start>`, `<eos>`, `<unk>`). */
  vocabSize: number;
  padId: number;
  startId: number;
  eosId: number;
  unkId: number;
  /** id → word, when the vocabulary named its words. */
  words?: string[];
  /** D: the size of each annotation vector a_i (512 for VGG-19 conv5_4). */
  annotationSize: number;
  attention: AttentionKind;
  /** n: LSTM units (1,000 in the authors' Flickr recipe; 512 in the speed benchmark). */
  lstmSize: number;
  /** m: word-embedding size, also the deep output layer's width (512; 256 in the benchmark). */
  embedSize: number;
  /** Hidden size of the attention MLP (W_a, W_d: D → A, n → A); the authors use D. */
  attentionSize: number;
  /** The gating scalar β_t = σ(w_βᵀ h_{t−1} + b_β) (the authors' "selector"; true); no attention has none. */
  selector: boolean;
  /** Drop probability on h_t and on the deep output (0.5: keep 0.5). */
  dropout: number;
  /** The authors' tanh before L_o (false: the paper's equation has none). */
  outputTanh: boolean;
  /** λ of the doubly stochastic regularisation λ Σ_i (1 − Σ_t α_ti)² (1, the COCO recipe). */
  doublyStochastic: number;
  /**
   * A fixed factor on every annotation before the model reads it (1). Raw CNN features
   * can be large (EfficientNet-Lite0 block10: std ≈ 6, |a| up to ≈ 46), which saturates
   * the attention MLP's tanh at initialisation so α barely depends on h_{t−1};
   * `train captioner` sets 1/std of the training features.
   */
  annotationScale: number;
  hard: HardAttentionConfig;
}

export const HARD_DEFAULTS: HardAttentionConfig = { reinforceWeight: 0.1, entropyWeight: 0.002, baselineDecay: 0.9, expectedProb: 0.5, reward: 'word' };

/** Defaults for everything but the vocabulary and D. */
export const CAPTIONER_DEFAULTS = {
  attention: 'soft',
  lstmSize: 512,
  embedSize: 256,
  selector: true,
  dropout: 0.5,
  outputTanh: false,
  doublyStochastic: 1,
  annotationScale: 1,
} as const;

const KEYS = ['model', 'vocabSize', 'padId', 'startId', 'eosId', 'unkId', 'words', 'annotationSize', 'attention', 'lstmSize', 'embedSize', 'attentionSize', 'selector', 'dropout', 'outputTanh', 'doublyStochastic', 'annotationScale', 'hard'] as const;
const HARD_KEYS = ['reinforceWeight', 'entropyWeight', 'baselineDecay', 'expectedProb', 'reward'] as const;

/** Validates a config (every field named in the error); returns a clean copy. */
export function checkCaptionerConfig(op: string, c: unknown): CaptionerConfig {
  if (typeof c !== 'object' || c === null) fail(op, `config must be an object, got ${String(c)}`);
  const o = c as Record<string, unknown>;
  // A checkpoint's config comes back through here: a key the model lacks is refused, not dropped.
  checkOptions(op, o, KEYS);
  if (o.model !== 'captioner') fail(op, `model must be 'captioner', got ${JSON.stringify(o.model)}`);
  const int = (k: string, min: number): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(op, `${k} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const num = (from: Record<string, unknown>, k: string, lo: number, hi: number, where = ''): number => {
    const v = from[k];
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) fail(op, `${where}${k} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (k: string): boolean => {
    if (typeof o[k] !== 'boolean') fail(op, `${k} must be true or false, got ${JSON.stringify(o[k])}`);
    return o[k] as boolean;
  };
  const vocabSize = int('vocabSize', 2);
  const ids = { padId: 0, startId: 0, eosId: 0, unkId: 0 };
  for (const k of Object.keys(ids) as (keyof typeof ids)[]) {
    ids[k] = int(k, 0);
    if (ids[k] >= vocabSize) fail(op, `${k} ${ids[k]} is outside the vocabulary of ${vocabSize} words`);
  }
  if (ids.eosId === ids.padId) fail(op, `eosId and padId must differ (both ${ids.eosId}): <pad> positions carry no loss, <eos> does`);
  let words: string[] | undefined;
  if (o.words !== undefined) {
    if (!Array.isArray(o.words) || o.words.length !== vocabSize || !o.words.every((w) => typeof w === 'string')) {
      fail(op, `words must be ${vocabSize} strings (one per id), got ${Array.isArray(o.words) ? `${o.words.length} entries` : typeof o.words}`);
    }
    words = [...(o.words as string[])];
  }
  const attention = o.attention;
  if (attention !== 'soft' && attention !== 'hard' && attention !== 'none') fail(op, `attention must be 'soft', 'hard' or 'none', got ${JSON.stringify(attention)}`);
  const h = o.hard;
  if (typeof h !== 'object' || h === null) fail(op, `hard must be an object { ${HARD_KEYS.join(', ')} }, got ${JSON.stringify(h)}`);
  checkOptions(`${op} (hard)`, h, HARD_KEYS);
  const hr = h as Record<string, unknown>;
  const hard: HardAttentionConfig = {
    reinforceWeight: num(hr, 'reinforceWeight', 0, Infinity, 'hard.'),
    entropyWeight: num(hr, 'entropyWeight', 0, Infinity, 'hard.'),
    baselineDecay: num(hr, 'baselineDecay', 0, 1, 'hard.'),
    expectedProb: num(hr, 'expectedProb', 0, 1, 'hard.'),
    // Checkpoints written before the option existed trained with the per-caption reward.
    reward: hr.reward === undefined ? 'caption' : hr.reward === 'caption' || hr.reward === 'word' ? hr.reward : fail(op, `hard.reward must be 'caption' or 'word', got ${JSON.stringify(hr.reward)}`),
  };
  const dropout = num(o, 'dropout', 0, 1);
  // Checkpoints written before the option existed have none: they read their annotations unscaled.
  const annotationScale = o.annotationScale === undefined ? 1 : num(o, 'annotationScale', 0, Infinity);
  if (!(annotationScale > 0 && Number.isFinite(annotationScale))) fail(op, `annotationScale must be a finite number > 0, got ${JSON.stringify(o.annotationScale)}`);
  if (dropout === 1) fail(op, 'dropout must be below 1 (1 drops everything)');
  return {
    model: 'captioner',
    vocabSize,
    ...ids,
    ...(words ? { words } : {}),
    annotationSize: int('annotationSize', 1),
    attention,
    lstmSize: int('lstmSize', 1),
    embedSize: int('embedSize', 1),
    attentionSize: int('attentionSize', 1),
    selector: bool('selector'),
    dropout,
    outputTanh: bool('outputTanh'),
    doublyStochastic: num(o, 'doublyStochastic', 0, Infinity),
    annotationScale,
    hard,
  };
}

/**
 * The number of trainable parameters (K vocabulary, m embedding, n LSTM, D annotation,
 * A attention):
 *   E: K·m; init MLPs: 2(D·n + n); attention MLP: D·A + A (W_a, b) + n·A (W_d) + A (v_att);
 *   β: n + 1; LSTM: 4n(m + D) + 4n·n + 8n (PyTorch's two biases);
 *   deep output: L_h n·m + m, L_z D·m, L_o m·K + K.
 * No attention drops the attention MLP and β; no selector drops β.
 */
export function captionerParameterCount(c: CaptionerConfig): number {
  const { vocabSize: K, embedSize: m, lstmSize: n, annotationSize: D, attentionSize: A } = c;
  const attends = c.attention !== 'none';
  const attention = attends ? D * A + A + n * A + A : 0;
  const beta = attends && c.selector ? n + 1 : 0;
  return K * m + 2 * (D * n + n) + attention + beta + 4 * n * (m + D) + 4 * n * n + 8 * n + n * m + m + D * m + m * K + K;
}
