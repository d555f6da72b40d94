// fv.models.Captioner: Show, Attend and Tell's decoder (PAPERS.md §3) as a Module —
// the parameters, the input checks, the hard-attention coin and baseline, and the
// decoding entry points. The computation itself is in attend.ts, decoder.ts,
// losses.ts and decode.ts, as functions of named weights.
import { checkOptions } from '../../options.js';
import { fail, fmtShape } from '../../errors.js';
import { rand, tensor } from '../../creation.js';
import { type DeviceName } from '../../device.js';
import { Embedding, Linear, LSTMCell, Module } from '../../nn/index.js';
import { uniformFanIn } from '../../nn/init.js';
import { mulScalar } from '../../ops/index.js';
import { type Tensor } from '../../tensor.js';
import { checkAnnotations, type CaptionerWeights } from './attend.js';
import { CAPTIONER_DEFAULTS, HARD_DEFAULTS, checkCaptionerConfig, type AttentionKind, type CaptionerConfig, type CaptionVocab, type HardAttentionConfig } from './config.js';
import { beamSearch, greedy, type BeamOptions, type Caption, type GreedyOptions } from './decode.js';
import { captionerLoss, nextBaseline, type CaptionerLossParts } from './losses.js';

export interface CaptionerOptions {
  vocab: CaptionVocab;
  /** D, the size of each annotation vector. */
  annotationSize: number;
  attention?: AttentionKind;
  lstmSize?: number;
  embedSize?: number;
  /** The attention MLP's hidden size (default D, as the authors). */
  attentionSize?: number;
  selector?: boolean;
  dropout?: number;
  outputTanh?: boolean;
  doublyStochastic?: number;
  /** A fixed factor on every annotation (default 1); see CaptionerConfig.annotationScale. */
  annotationScale?: number;
  hard?: Partial<HardAttentionConfig>;
}

/**
 * A mini-batch of captions: annotations [B,L,D] and the token ids [B,T], an int32 Tensor
 * or an Int32Array (row-major; `shape` [B,T] when given) — each row the caption's words,
 * `<eos>`, then `<pad>`s if any. Rows may begin with `<start>`, as fv.data.captions'
 * batches do: the model reads `<start>` as y_0 either way, and drops that column.
 */
export interface CaptionBatch {
  annotations: Tensor;
  tokens: Tensor | Int32Array;
  shape?: readonly number[];
}

const OPTION_KEYS = ['vocab', 'annotationSize', 'attention', 'lstmSize', 'embedSize', 'attentionSize', 'selector', 'dropout', 'outputTanh', 'doublyStochastic', 'annotationScale', 'hard'] as const;

/** The config an options object describes (defaults filled, everything checked). */
export function captionerConfig(options: CaptionerOptions): CaptionerConfig {
  const op = 'Captioner';
  checkOptions(op, options, OPTION_KEYS);
  const v = options?.vocab as CaptionVocab | undefined;
  if (typeof v !== 'object' || v === null) fail(op, 'vocab must be a vocabulary { size, padId, startId, eosId, unkId, words? }');
  checkOptions(`${op} (hard)`, options.hard, Object.keys(HARD_DEFAULTS));
  const special = (name: 'pad' | 'start' | 'eos' | 'unk'): number => {
    const id = v[`${name}Id`] ?? v[name];
    if (id === undefined) fail(op, `vocab has no ${name}Id (or ${name}): the captioner needs the ids of <pad>, <start>, <eos> and <unk>`);
    return id;
  };
  const { vocab: _v, hard, ...rest } = options;
  const D = options.annotationSize;
  return checkCaptionerConfig(op, {
    model: 'captioner',
    vocabSize: v.size,
    // fv.data.captions' Vocabulary names its specials pad/start/eos/unk: both spellings are read.
    padId: special('pad'),
    startId: special('start'),
    eosId: special('eos'),
    unkId: special('unk'),
    ...(v.words !== undefined ? { words: [...v.words] } : {}),
    ...CAPTIONER_DEFAULTS,
    attentionSize: D,
    ...rest,
    hard: { ...HARD_DEFAULTS, ...hard },
  });
}

/**
 * Show, Attend and Tell's captioner: an LSTM decoder over L annotation vectors with
 * soft, hard or no attention (PAPERS.md §3).
 * @example
 * fv.seed(0);
 * const vocab = { size: 10, padId: 0, startId: 1, eosId: 2, unkId: 3 };
 * const model = new fv.models.Captioner({ vocab, annotationSize: 8, attention: 'soft', lstmSize: 16, embedSize: 8 });
 * const annotations = fv.randn([2, 4, 8]);                           // [B, L, D]
 * const tokens = fv.tensor(Int32Array.from([5, 6, 2, 7, 2, 0]), [2, 3]);
 * const loss = model.loss({ annotations, tokens });                  // nats per caption
 * const [first] = model.eval().beamSearch(annotations, { beam: 3, maxLength: 5 });
 */
export class Captioner extends Module {
  readonly config: CaptionerConfig;
  readonly embedding: Embedding;
  readonly initH: Linear;
  readonly initC: Linear;
  readonly lstm: LSTMCell;
  readonly outHidden: Linear;
  readonly outContext: Linear;
  readonly outWord: Linear;
  readonly attentionProj?: Linear;
  readonly attentionHidden?: Linear;
  readonly attentionV?: Tensor;
  readonly selector?: Linear;
  /** Hard attention's moving-average baseline b (a buffer, so checkpoints keep it). */
  readonly baseline?: Tensor;

  constructor(options: CaptionerOptions, init: { device?: DeviceName } = {}) {
    super();
    checkOptions('Captioner', init, ['device']);
    const c = captionerConfig(options);
    this.config = c;
    const device = init.device;
    const { vocabSize: K, embedSize: m, lstmSize: n, annotationSize: D, attentionSize: A } = c;
    this.embedding = this.registerModule('embedding', new Embedding(K, m, { device }));
    // N(0, 1) embeddings (PyTorch's default) would swamp L_h h_t in the deep output's sum; U(−0.1, 0.1) keeps them comparable.
    const e = rand([K, m], { low: -0.1, high: 0.1, device });
    this.embedding.weight.assign(e);
    e.dispose();
    this.initH = this.registerModule('initH', new Linear(D, n, { device }));
    this.initC = this.registerModule('initC', new Linear(D, n, { device }));
    if (c.attention !== 'none') {
      this.attentionProj = this.registerModule('attentionProj', new Linear(D, A, { device }));
      this.attentionHidden = this.registerModule('attentionHidden', new Linear(n, A, { bias: false, device }));
      this.attentionV = this.registerParameter('attentionV', uniformFanIn([A], A, device));
      if (c.selector) this.selector = this.registerModule('selector', new Linear(n, 1, { device }));
    }
    this.lstm = this.registerModule('lstm', new LSTMCell(m + D, n, { device }));
    this.outHidden = this.registerModule('outHidden', new Linear(n, m, { device }));
    this.outContext = this.registerModule('outContext', new Linear(D, m, { bias: false, device }));
    this.outWord = this.registerModule('outWord', new Linear(m, K, { device }));
    if (c.attention === 'hard') this.baseline = this.registerBuffer('baseline', tensor([0], [1], { device }));
  }

  /** Rebuilds a captioner from its config (e.g. a checkpoint's). */
  static fromConfig(config: CaptionerConfig, init: { device?: DeviceName } = {}): Captioner {
    const c = checkCaptionerConfig('Captioner.fromConfig', config);
    const vocab: CaptionVocab = { size: c.vocabSize, padId: c.padId, startId: c.startId, eosId: c.eosId, unkId: c.unkId, ...(c.words ? { words: c.words } : {}) };
    const { model: _m, vocabSize: _k, padId: _p, startId: _s, eosId: _e, unkId: _u, words: _w, ...rest } = c;
    return new Captioner({ vocab, ...rest }, init);
  }

  get device(): DeviceName {
    return this.lstm.weightIh.device;
  }

  weights(): CaptionerWeights {
    return Object.fromEntries(this.namedParameters());
  }

  /** The loss to minimise (a scalar, nats per caption); see lossParts. */
  loss(batch: CaptionBatch): Tensor {
    return this.lossParts(batch).loss;
  }

  /**
   * The loss and its parts. Hard attention in training flips one coin per mini-batch:
   * with probability `hard.expectedProb` the expected α is used (the soft loss),
   * otherwise the locations are sampled and the baseline moves after the step's
   * surrogate is built from the previous one. Out of training, the expected α.
   */
  lossParts(batch: CaptionBatch): CaptionerLossParts {
    const op = 'Captioner.loss';
    if (typeof batch !== 'object' || batch === null) fail(op, `batch must be { annotations, tokens }, got ${String(batch)}`);
    const raw = checkAnnotations(op, this.config, batch.annotations, this.device);
    const { values, T } = this.checkTokens(op, batch, raw.shape[0]!);
    // The scaled copy belongs to the loss's graph (backward reads it), freed with it by the caller's tidy.
    const a = this.config.annotationScale === 1 ? raw : mulScalar(raw, this.config.annotationScale);
    let sample = false;
    if (this.config.attention === 'hard' && this.training) {
      const coin = rand([1]);
      sample = coin.item() >= this.config.hard.expectedProb;
      coin.dispose();
    }
    const b = this.baseline?.item() ?? 0;
    const parts = captionerLoss(this.config, this.weights(), a, values, T, { training: this.training, sample, baseline: b });
    if (parts.sampled && this.baseline) {
      const next = tensor([nextBaseline(b, parts.reward, this.config.hard.baselineDecay)], [1], { device: this.device });
      this.baseline.assign(next);
      next.dispose();
    }
    return parts;
  }

  /** Greedy decoding: the most probable word at each step, until `<eos>` or maxLength. */
  greedy(annotations: Tensor, options: GreedyOptions = {}): Caption[] {
    return this.scaled('Captioner.greedy', annotations, (a) => greedy(this.config, this.weights(), a, options));
  }

  /** Beam search (width `beam`), batched over images; see decode.ts. */
  beamSearch(annotations: Tensor, options: BeamOptions = {}): Caption[] {
    return this.scaled('Captioner.beamSearch', annotations, (a) => beamSearch(this.config, this.weights(), a, options));
  }

  /** Runs `f` on the checked annotations times config.annotationScale (the copy freed after). */
  private scaled(op: string, annotations: Tensor, f: (a: Tensor) => Caption[]): Caption[] {
    const a = checkAnnotations(op, this.config, annotations, this.device);
    if (this.config.annotationScale === 1) return f(a);
    const s = mulScalar(a, this.config.annotationScale);
    try {
      return f(s);
    } finally {
      s.dispose();
    }
  }

  forward(batch: CaptionBatch): Tensor {
    return this.loss(batch);
  }

  /** tokens int32 [B,T] with every id in the vocabulary, no caption all `<pad>`, `<start>` only as a first column. */
  private checkTokens(op: string, batch: CaptionBatch, B: number): { values: Int32Array; T: number } {
    const c = this.config;
    const t = batch.tokens as unknown;
    let values: Int32Array;
    let shape: readonly number[];
    if (t instanceof Int32Array) {
      values = t;
      shape = batch.shape ?? [B, t.length / B];
      if (!Array.isArray(shape) || shape.length !== 2 || shape[0]! * shape[1]! !== t.length) fail(op, `tokens hold ${t.length} ids but shape is ${Array.isArray(shape) ? fmtShape(shape) : String(shape)}`);
    } else {
      const x = t as Tensor;
      if (typeof x !== 'object' || x === null || !Array.isArray((x as { shape?: unknown }).shape)) fail(op, `tokens must be an int32 Tensor or Int32Array [${B}, T], got ${String(t)}`);
      if (x.dtype !== 'int32') fail(op, `tokens must be int32 word ids, got ${x.dtype} ${fmtShape(x.shape)}`);
      shape = x.shape;
      values = shape.length === 2 ? x.toInt32Array() : new Int32Array(0);
    }
    if (shape.length !== 2 || shape[0] !== B || !(shape[1]! >= 1) || !Number.isInteger(shape[1])) fail(op, `tokens ${fmtShape(shape)} must be [${B}, T] with T ≥ 1 (one caption per image of annotations [${B},…])`);
    let T = shape[1]!;
    const K = c.vocabSize;
    const bad = values.findIndex((v) => v < 0 || v >= K);
    if (bad >= 0) fail(op, `tokens[${Math.floor(bad / T)}][${bad % T}] = ${values[bad]} is outside the vocabulary of ${K} words`);
    const leading = Array.from({ length: B }, (_, b) => values[b * T] === c.startId);
    if (leading.some((x) => x !== leading[0])) fail(op, `either every row of tokens begins with <start> (id ${c.startId}) or none does; rows ${leading.map((x, b) => (x ? b : -1)).filter((b) => b >= 0).join(', ')} do`);
    if (leading[0]) {
      if (T === 1) fail(op, 'tokens [B,1] hold only <start>: a caption needs at least <eos>');
      const rest = new Int32Array(B * (T - 1));
      for (let b = 0; b < B; b++) rest.set(values.subarray(b * T + 1, (b + 1) * T), b * (T - 1));
      values = rest;
      T -= 1;
    }
    const inner = values.indexOf(c.startId);
    if (inner >= 0) fail(op, `<start> (id ${c.startId}) inside caption ${Math.floor(inner / T)}: it may only begin a row`);
    for (let b = 0; b < B; b++) {
      if (values.subarray(b * T, (b + 1) * T).every((v) => v === c.padId)) fail(op, `caption ${b} is empty (all <pad>)`);
    }
    return { values, T };
  }
}
