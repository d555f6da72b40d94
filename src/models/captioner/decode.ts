// Decoding captions (PAPERS.md §3, "Training and inference"): greedy and beam search
// over cumulative log p, batched over images; a hypothesis ends at `<eos>` or at
// maxLength words. As in the authors' code, a finished hypothesis leaves the beam,
// which narrows until `beam` hypotheses have finished (or maxLength); the best of the
// finished ones by total log p (optionally per step) is the caption. Hard attention
// decodes with the expected α (the authors' sampler does the same). `<pad>` and `<start>`
// are never emitted: neither is ever a target, so neither is a word of a caption.
// `<unk>` is not emitted either unless `allowUnk` (its logit is masked, the others keep
// their log p): it stands for every rare word at once, so on data with many rare words
// (clip-art titles) it is the likeliest "word" and a model would caption everything
// `<unk>`; no reference contains it, so it can only cost score.
// Each step's α is returned with the caption (the pictures of where it looked).
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { tensor } from '../../creation.js';
import { tidy } from '../../memory.js';
import { indexSelect, logSoftmax, matmul } from '../../ops/index.js';
import { type LstmState } from '../../ops/lstm.js';
import { noGrad, type Tensor } from '../../tensor.js';
import { type CaptionerWeights, type PreparedAnnotations } from './attend.js';
import { type CaptionerConfig } from './config.js';
import { decoderStep, deepOutput, embed, initDecoder, lstmParts } from './decoder.js';

export interface GreedyOptions {
  /** The most words a caption gets, `<eos>` included (default 20). */
  maxLength?: number;
  /** Let captions contain `<unk>` (default false: its logit is masked at every step). */
  allowUnk?: boolean;
}

export interface BeamOptions extends GreedyOptions {
  /** Beam width k (default 3). */
  beam?: number;
  /** Rank finished hypotheses by log p per step instead of total log p (default false). */
  lengthNormalize?: boolean;
}

export interface Caption {
  /** Word ids, without `<eos>`; empty when `<eos>` was the likeliest first word. */
  tokens: number[];
  /** The words, when the vocabulary named them. */
  words?: string[];
  /** Σ_t log p(y_t | a, y_<t) over the steps taken (`<eos>` included when reached). */
  score: number;
  /** α_t [L] for every step taken (one more than tokens when it ended at `<eos>`); empty for no attention. */
  alphas: Float32Array[];
  /** Whether it ended at `<eos>` (false: cut at maxLength). */
  ended: boolean;
}

function boolOption(op: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(op, `${name} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(op, `${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

const values = (t: Tensor): Float64Array => (t.dtype === 'float64' ? t.toFloat64Array() : Float64Array.from(t.toFloat32Array()));

interface Decoder {
  /** One step for rows whose previous words are `prev`: log p [N,K] and α [N,L] (or undefined) as numbers. */
  step(prev: Int32Array): { logp: Float64Array; alpha?: Float64Array };
  /** Keeps the rows `parents` (indices into the current rows), in that order. */
  select(parents: Int32Array): void;
  dispose(): void;
}

/** The decoder's state over a set of rows (image hypotheses), freed as it moves on. */
function decoder(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor): Decoder {
  const input = annotations;
  let lstm = lstmParts(c, w);
  let { prepared, state } = initDecoder(c, w, annotations);
  const free = (p: PreparedAnnotations, s: LstmState): void => {
    for (const t of [p.annotations, p.mean, p.proj, s.h, s.c]) if (t && t !== input) t.dispose();
  };
  return {
    step(prev) {
      const out = tidy(() => {
        const emb = embed(w, prev);
        const s = decoderStep(c, w, lstm, prepared, state, matmul(emb, lstm.word, { transB: true }), { kind: 'expected' });
        const logp = values(logSoftmax(deepOutput(c, w, emb, s.state.h, s.attention.context, false), 1));
        return { logp, alpha: s.attention.alpha ? values(s.attention.alpha) : undefined, next: s.state };
      });
      for (const t of [state.h, state.c]) t.dispose();
      state = out.next;
      return out;
    },
    select(parents) {
      const idx = tensor(parents, [parents.length], { device: input.device });
      const pick = (t: Tensor): Tensor => indexSelect(t, 0, idx);
      const next = { annotations: pick(prepared.annotations), mean: pick(prepared.mean), ...(prepared.proj ? { proj: pick(prepared.proj) } : {}) };
      const nextState = { h: pick(state.h), c: pick(state.c) };
      idx.dispose();
      free(prepared, state);
      prepared = next;
      state = nextState;
    },
    dispose() {
      free(prepared, state);
      for (const t of [lstm.word, lstm.context, lstm.bias]) t.dispose();
      lstm = undefined as unknown as typeof lstm;
    },
  };
}

const toWords = (c: CaptionerConfig, tokens: number[]): { words?: string[] } => (c.words ? { words: tokens.map((i) => c.words![i]!) } : {});

/** Greedy decoding of annotations [B,L,D]: the most probable word at each step. */
export function greedy(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor, options: GreedyOptions = {}): Caption[] {
  const op = 'Captioner.greedy';
  checkOptions(op, options, ['maxLength', 'allowUnk']);
  const maxLength = positiveInt(op, 'maxLength', options.maxLength, 20);
  const allowUnk = boolOption(op, 'allowUnk', options.allowUnk, false);
  // The outer tidy frees whatever the steps leave behind; the steps free their own as they go.
  return noGrad(() => tidy(() => {
    const B = annotations.shape[0]!;
    const L = annotations.shape[1]!;
    const K = c.vocabSize;
    const caps: Caption[] = Array.from({ length: B }, () => ({ tokens: [], score: 0, alphas: [], ended: false }));
    const dec = decoder(c, w, annotations);
    try {
      let prev = new Int32Array(B).fill(c.startId);
      for (let t = 0; t < maxLength && caps.some((x) => !x.ended); t++) {
        const { logp, alpha } = dec.step(prev);
        const next = new Int32Array(B);
        for (let b = 0; b < B; b++) {
          let y = -1;
          for (let k = 0; k < K; k++) if (!never(c, k, allowUnk) && (y < 0 || logp[b * K + k]! > logp[b * K + y]!)) y = k;
          next[b] = y;
          const cap = caps[b]!;
          if (cap.ended) continue;
          cap.score += logp[b * K + y]!;
          if (alpha) cap.alphas.push(Float32Array.from(alpha.subarray(b * L, (b + 1) * L)));
          if (y === c.eosId) cap.ended = true;
          else cap.tokens.push(y);
        }
        prev = next;
      }
    } finally {
      dec.dispose();
    }
    return caps.map((x) => ({ ...x, ...toWords(c, x.tokens) }));
  }));
}

interface Hypothesis {
  tokens: number[];
  score: number;
  alphas: Float32Array[];
  ended: boolean;
}

const never = (c: CaptionerConfig, k: number, allowUnk: boolean): boolean => k === c.padId || k === c.startId || (!allowUnk && k === c.unkId);

/** The indices of the n largest entries of xs[from..to) that `skip` allows (ties: the lower index first). */
function topN(xs: Float64Array, from: number, to: number, n: number, skip: (i: number) => boolean): number[] {
  const best: number[] = [];
  for (let i = from; i < to; i++) {
    if (skip(i - from)) continue;
    if (best.length === n && !(xs[i]! > xs[best[n - 1]!]!)) continue;
    let j = best.length;
    while (j > 0 && xs[best[j - 1]!]! < xs[i]!) j--;
    best.splice(j, 0, i);
    if (best.length > n) best.pop();
  }
  return best;
}

/**
 * Beam search of width k over annotations [B,L,D], all images at once: each step the
 * live hypotheses of an image (at most k − finished) extend by the words of highest
 * cumulative log p; those ending in `<eos>` finish and leave the beam.
 */
export function beamSearch(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor, options: BeamOptions = {}): Caption[] {
  const op = 'Captioner.beamSearch';
  checkOptions(op, options, ['beam', 'maxLength', 'lengthNormalize', 'allowUnk']);
  const beam = positiveInt(op, 'beam', options.beam, 3);
  const allowUnk = boolOption(op, 'allowUnk', options.allowUnk, false);
  const maxLength = positiveInt(op, 'maxLength', options.maxLength, 20);
  const normalize = boolOption(op, 'lengthNormalize', options.lengthNormalize, false);
  return noGrad(() => tidy(() => {
    const B = annotations.shape[0]!;
    const L = annotations.shape[1]!;
    const K = c.vocabSize;
    const finished: Hypothesis[][] = Array.from({ length: B }, () => []);
    // Live rows: their image and hypothesis; each image starts from one row.
    let rows = Array.from({ length: B }, (_, b) => ({ image: b, hyp: { tokens: [], score: 0, alphas: [], ended: false } as Hypothesis, prev: c.startId }));
    const dec = decoder(c, w, annotations);
    try {
      for (let t = 0; t < maxLength && rows.length > 0; t++) {
        const { logp, alpha } = dec.step(Int32Array.from(rows, (r) => r.prev));
        const next: typeof rows = [];
        const parents: number[] = [];
        for (let b = 0; b < B; b++) {
          const mine = rows.map((_, i) => i).filter((i) => rows[i]!.image === b);
          const room = beam - finished[b]!.length;
          if (mine.length === 0 || room <= 0) continue;
          // Candidates: each row's best `room` words, then the best `room` of those.
          const cands: { row: number; word: number; score: number }[] = [];
          for (const i of mine) {
            for (const k of topN(logp, i * K, (i + 1) * K, room, (k) => never(c, k, allowUnk))) cands.push({ row: i, word: k - i * K, score: rows[i]!.hyp.score + logp[k]! });
          }
          cands.sort((x, y) => y.score - x.score || x.row - y.row || x.word - y.word);
          for (const cand of cands.slice(0, room)) {
            const parent = rows[cand.row]!.hyp;
            const alphas = alpha ? [...parent.alphas, Float32Array.from(alpha.subarray(cand.row * L, (cand.row + 1) * L))] : [];
            const ended = cand.word === c.eosId;
            const hyp: Hypothesis = { tokens: ended ? parent.tokens : [...parent.tokens, cand.word], score: cand.score, alphas, ended };
            if (ended || t === maxLength - 1) finished[b]!.push(hyp);
            else {
              next.push({ image: b, hyp, prev: cand.word });
              parents.push(cand.row);
            }
          }
        }
        rows = next;
        if (rows.length > 0) dec.select(Int32Array.from(parents));
      }
    } finally {
      dec.dispose();
    }
    const rank = (h: Hypothesis): number => (normalize ? h.score / Math.max(1, h.tokens.length + (h.ended ? 1 : 0)) : h.score);
    return finished.map((hs) => {
      const best = hs.reduce((a, h) => (rank(h) > rank(a) ? h : a));
      return { tokens: best.tokens, score: best.score, alphas: best.alphas, ended: best.ended, ...toWords(c, best.tokens) };
    });
  }));
}
