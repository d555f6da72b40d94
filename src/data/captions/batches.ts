// Mini-batches of captions as Show, Attend and Tell trains (PAPERS.md §3): every
// caption of the split's images is one example; captions are bucketed by length and
// each batch holds captions of one length, so no step computes on padding. One call
// is one epoch: the buckets are shuffled, cut into batches, and the batches shuffled,
// all from `seed` (the authors' code draws a length at random, then a batch of it;
// shuffling all batches of all lengths is that draw without replacement).
//
// Rows are [<start>, w1 … wL, <eos>]: the decoder reads row[0..T−2] and predicts
// row[1..T−1] (the authors feed a zero vector instead of <start>: drop column 0).
// Empty captions (no word after tokenisation) are never batched; captions longer than
// maxLength words (default 50) are left out rather than cut, since a cut caption
// would teach <eos> mid-sentence. `lengthHistogram` counts both.
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { permutation, splitmix } from '../batches.js';
import { type Vocabulary } from './vocabulary.js';

/** Captions longer than this many words are left out of batches unless maxLength says otherwise. */
export const DEFAULT_MAX_LENGTH = 50;

export interface CaptionBatchOptions {
  /** The split to draw from (default 'train'). */
  split?: string;
  /** Captions per batch (default 64, as the paper). */
  batchSize?: number;
  /** The epoch's order: the same seed gives the same batches (default 0). */
  seed?: number;
  /** Batches of one caption length (default true); false: shuffled captions, padded with <pad>. */
  equalLength?: boolean;
  /** Leave out captions of more words than this (default 50). */
  maxLength?: number;
  /** Skip batches smaller than batchSize (default false: each length's last batch may be smaller). */
  dropLast?: boolean;
}

export interface CaptionBatch {
  /** [B] image indices (into dataset.images). */
  images: Int32Array;
  /** [B] which reference of its image each row is. */
  references: Int32Array;
  /** [B, T] token ids, row-major: <start>, the words, <eos>, then <pad> to T. */
  tokens: Int32Array;
  /** [B, T]. */
  shape: [number, number];
  /** [B] each row's length without padding (words + 2); all equal to T when equalLength. */
  lengths: Int32Array;
}

/** The examples batches draw from: per image, its references' token lists. */
export interface CaptionSource {
  readonly tokens: readonly (readonly (readonly string[])[])[];
  readonly splits: Readonly<Record<string, Int32Array>>;
  readonly vocabulary: Vocabulary;
}

function checkSplit(op: string, source: CaptionSource, split: unknown): Int32Array {
  const images = typeof split === 'string' ? source.splits[split] : undefined;
  if (images === undefined) fail(op, `split must be one of ${Object.keys(source.splits).join(', ')}, got ${JSON.stringify(split)}`);
  return images;
}

/**
 * How many captions of each word count a split holds (0 = empty), so a user sees
 * what maxLength leaves out.
 */
export function lengthHistogram(source: CaptionSource, split: string): Map<number, number> {
  const images = checkSplit('lengthHistogram', source, split);
  const h = new Map<number, number>();
  for (const i of images) for (const t of source.tokens[i]!) h.set(t.length, (h.get(t.length) ?? 0) + 1);
  return new Map([...h].sort((a, b) => a[0] - b[0]));
}

/**
 * One epoch of caption batches.
 * @example for (const b of dataset.batches({ batchSize: 64, seed: epoch })) { const [B, T] = b.shape; … }
 */
export function* captionBatches(source: CaptionSource, options: CaptionBatchOptions = {}): Generator<CaptionBatch> {
  const op = 'captions.batches';
  checkOptions(op, options, ['split', 'batchSize', 'seed', 'equalLength', 'maxLength', 'dropLast']);
  const { split = 'train', batchSize = 64, seed = 0, equalLength = true, maxLength = DEFAULT_MAX_LENGTH, dropLast = false } = options ?? {};
  const images = checkSplit(op, source, split);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${JSON.stringify(batchSize)}`);
  if (!Number.isSafeInteger(seed) || seed < 0) fail(op, `seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) fail(op, `maxLength must be a positive integer, got ${JSON.stringify(maxLength)}`);
  // Examples as (image, reference) pairs, grouped by word count.
  const byLength = new Map<number, number[]>();
  for (const i of images) {
    source.tokens[i]!.forEach((t, j) => {
      if (t.length === 0 || t.length > maxLength) return;
      const key = equalLength ? t.length : 0;
      let list = byLength.get(key);
      if (!list) byLength.set(key, (list = []));
      list.push(i, j);
    });
  }
  const rng = splitmix(seed);
  // Each batch as the (image, reference) pairs it holds.
  const chunks: { image: number; ref: number }[][] = [];
  for (const key of [...byLength.keys()].sort((a, b) => a - b)) {
    const pairs = byLength.get(key)!;
    const order = permutation(pairs.length / 2, Math.floor(rng() * 4294967296));
    for (let s = 0; s < order.length; s += batchSize) {
      const part = order.subarray(s, Math.min(s + batchSize, order.length));
      if (part.length < batchSize && dropLast) continue;
      chunks.push(Array.from(part, (k) => ({ image: pairs[2 * k]!, ref: pairs[2 * k + 1]! })));
    }
  }
  const batchOrder = permutation(chunks.length, Math.floor(rng() * 4294967296));
  const v = source.vocabulary;
  for (const c of batchOrder) {
    const rows = chunks[c]!;
    const B = rows.length;
    const ids = rows.map((r) => v.encode(source.tokens[r.image]![r.ref]!));
    const T = Math.max(...ids.map((r) => r.length));
    const tokens = new Int32Array(B * T).fill(v.pad);
    ids.forEach((r, b) => tokens.set(r, b * T));
    yield {
      images: Int32Array.from(rows, (r) => r.image),
      references: Int32Array.from(rows, (r) => r.ref),
      tokens,
      shape: [B, T],
      lengths: Int32Array.from(ids, (r) => r.length),
    };
  }
}
