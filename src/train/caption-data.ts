// The captioner on a caption dataset whose encoder features are cached: step-addressed
// training batches (so a resumed run sees the straight run's batches), captions of a
// split's images by beam search, their coco-caption scores, and the words that name
// each object of a scene (for attention correctness).
import { fail } from '../errors.js';
import { type Tensor } from '../tensor.js';
import { evaluateCaptions, type CaptionScores } from '../metrics/index.js';
import { tokenize } from '../metrics/tokenize.js';
import { attentionCorrectness, type AttentionCase, type AttentionCorrectness } from '../metrics/attention-correctness.js';
import { type CaptionDataset } from '../data/captions/dataset.js';
import { type FeatureCache } from '../data/captions/feature-cache.js';
import { type Caption, type Captioner } from '../models/captioner/index.js';
import { type CaptionBatches } from './captioner.js';

/**
 * Training batches of `split` as trainCaptioner wants them: step s is batch
 * s mod E of epoch ⌊s / E⌋ (E batches per epoch; epoch e shuffled with seed + e).
 */
export function cachedCaptionBatches(dataset: CaptionDataset, cache: FeatureCache, options: { batchSize: number; seed: number; split?: string }): CaptionBatches & { perEpoch: number } {
  const { batchSize, seed, split = 'train' } = options;
  const epoch = (e: number) => [...dataset.batches({ split, batchSize, seed: seed + e })];
  let current = { e: 0, batches: epoch(0) };
  const perEpoch = current.batches.length;
  if (perEpoch === 0) fail('train captioner', `the ${split} split of ${dataset.name} has no captions to train on`);
  return {
    perEpoch,
    batch(step: number) {
      const e = Math.floor(step / perEpoch);
      if (current.e !== e) current = { e, batches: epoch(e) };
      const b = current.batches[step % perEpoch]!;
      return { annotations: cache.annotations(b.images), tokens: b.tokens, shape: b.shape };
    },
  };
}

/** The standard deviation of every annotation value of images `indices` (all channels pooled). */
export function annotationStd(cache: FeatureCache, indices: ArrayLike<number>): number {
  if (indices.length === 0) fail('annotationStd', 'needs at least one image');
  const per = cache.shape[0] * cache.shape[1];
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isSafeInteger(i) || i < 0 || i >= cache.count) fail('annotationStd', `image index ${i} is outside 0..${cache.count - 1}`);
    const v = cache.data.subarray(i * per, (i + 1) * per);
    for (let j = 0; j < v.length; j++) {
      s += v[j]!;
      s2 += v[j]! * v[j]!;
    }
  }
  const n = indices.length * per;
  return Math.sqrt(Math.max(s2 / n - (s / n) ** 2, 0));
}

/** Captions of images `indices` (beam search of width `beam`, batches of `batchSize` images). */
export function captionImages(model: Captioner, cache: FeatureCache, indices: ArrayLike<number>, options: { beam: number; maxLength?: number; batchSize?: number }): Caption[] {
  const { beam, maxLength = 20, batchSize = 32 } = options;
  const was = model.training;
  model.eval();
  const out: Caption[] = [];
  try {
    for (let s = 0; s < indices.length; s += batchSize) {
      const part = Array.from({ length: Math.min(batchSize, indices.length - s) }, (_, k) => indices[s + k]!);
      const a: Tensor = cache.annotations(part);
      try {
        out.push(...model.beamSearch(a, { beam, maxLength }));
      } finally {
        a.dispose();
      }
    }
  } finally {
    model.train(was);
  }
  return out;
}

/**
 * Mean entropy of α_t over every step of `captions`, as a share of log L (1 = uniform
 * attention, 0 = all α on one location); NaN when no caption has attention. Whether
 * attention is learning shows here: it falls from 1 as α sharpens.
 */
export function attentionEntropy(captions: readonly Caption[]): number {
  let total = 0;
  let steps = 0;
  for (const c of captions) {
    for (const a of c.alphas) {
      if (a.length < 2) fail('attentionEntropy', `α_t needs at least 2 locations, got ${a.length}`);
      let h = 0;
      for (let i = 0; i < a.length; i++) if (a[i]! > 0) h -= a[i]! * Math.log(a[i]!);
      total += h / Math.log(a.length);
      steps++;
    }
  }
  return steps === 0 ? NaN : total / steps;
}

/** A caption's text: its words joined (ids → words through the model's vocabulary). */
export function captionText(model: Captioner, c: Caption): string {
  const words = c.words ?? c.tokens.map((t) => model.config.words?.[t] ?? String(t));
  return words.join(' ');
}

/** coco-caption scores of captions of images `indices` against their references. */
export function scoreCaptions(dataset: CaptionDataset, indices: ArrayLike<number>, captions: readonly string[]): CaptionScores {
  return evaluateCaptions([...captions], Array.from(indices, (i) => [...dataset.references[i]!]));
}

/** Words that name an object: its name's tokens without articles and "of" ('a bunch of grapes' → bunch, grapes). */
export function objectWords(name: string): string[] {
  return tokenize(name).filter((w) => !['a', 'an', 'the', 'of', 'some'].includes(w));
}

/** An image with objects in boxes (fv.data.captions' scenes). */
interface WithObjects {
  objects?: readonly { name: string; box: { x: number; y: number; w: number; h: number } }[];
}

/**
 * Attention correctness of captions of images `indices` (null when the dataset has no
 * object boxes or the model no attention). `imageSize` is the side the boxes are in;
 * `grid` the encoder's map [h, w].
 */
export function captionAttentionCorrectness(dataset: CaptionDataset, indices: ArrayLike<number>, captions: readonly Caption[], grid: readonly [number, number], imageSize: number): AttentionCorrectness | null {
  const cases: AttentionCase[] = [];
  for (let k = 0; k < indices.length; k++) {
    const img = dataset.images[indices[k]!] as unknown as WithObjects;
    if (!img.objects) return null;
    const c = captions[k]!;
    if (c.alphas.length === 0) return null;
    cases.push({ words: c.words ?? [], alphas: c.alphas, grid, image: [imageSize, imageSize], objects: img.objects.map((o) => ({ box: o.box, words: objectWords(o.name) })) });
  }
  return attentionCorrectness(cases);
}
