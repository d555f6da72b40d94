import { describe, expect, it } from 'vitest';
import { FeatureCache } from '../../src/data/captions/feature-cache.js';
import { type CaptionDataset } from '../../src/data/captions/dataset.js';
import { annotationStd, attentionEntropy, cachedCaptionBatches, objectWords } from '../../src/train/caption-data.js';
import { type Caption } from '../../src/models/captioner/index.js';

/** A dataset whose epoch e yields 3 batches naming e in their tokens. */
const fake = {
  name: 'fake',
  *batches(o: { seed: number }) {
    for (let k = 0; k < 3; k++) yield { images: Int32Array.from([k, 0]), references: new Int32Array(2), tokens: Int32Array.from([1, 10 + o.seed, 2, 1, 20 + k, 2]), shape: [2, 3], lengths: Int32Array.from([3, 3]) };
  },
} as unknown as CaptionDataset;

describe('cachedCaptionBatches', () => {
  it('addresses batches by step: batch s mod E of epoch ⌊s/E⌋, the same on a fresh instance (resume)', () => {
    const cache = new FeatureCache('x', [2, 1], [1, 1, 2], Float32Array.from([0, 1, 10, 11, 20, 21]));
    const a = cachedCaptionBatches(fake, cache, { batchSize: 2, seed: 5 });
    expect(a.perEpoch).toBe(3);
    const b4 = a.batch(4);
    expect(Array.from(b4.tokens as Int32Array)).toEqual([1, 16, 2, 1, 21, 2]); // epoch 1 (seed 6), batch 1
    expect(Array.from(b4.annotations.toFloat32Array())).toEqual([10, 11, 0, 1]);
    b4.annotations.dispose();
    const fresh = cachedCaptionBatches(fake, cache, { batchSize: 2, seed: 5 }).batch(4);
    expect(Array.from(fresh.tokens as Int32Array)).toEqual([1, 16, 2, 1, 21, 2]);
    fresh.annotations.dispose();
    expect(() => cache.annotations([3])).toThrow(/image index 3 is outside 0\.\.2/);
  });

  it("names an object by its name's words, without articles", () => {
    expect(objectWords('a bunch of grapes')).toEqual(['bunch', 'grapes']);
    expect(objectWords('Goat')).toEqual(['goat']);
  });
});

describe('attentionEntropy', () => {
  const cap = (alphas: number[][]): Caption => ({ tokens: [], score: 0, alphas: alphas.map((a) => Float32Array.from(a)), ended: true });
  it('is 1 for uniform α, 0 for α on one location, the mean over steps of H/log L', () => {
    expect(attentionEntropy([cap([[0.25, 0.25, 0.25, 0.25]])])).toBeCloseTo(1, 6);
    expect(attentionEntropy([cap([[0, 1, 0, 0]])])).toBe(0);
    // H([0.5, 0.5, 0, 0]) = log 2 = ½ log 4; averaged with a one-hot step: ¼.
    expect(attentionEntropy([cap([[0.5, 0.5, 0, 0]]), cap([[1, 0, 0, 0]])])).toBeCloseTo(0.25, 6);
  });
  it('is NaN without attention and refuses α over one location', () => {
    expect(attentionEntropy([cap([])])).toBeNaN();
    expect(() => attentionEntropy([cap([[1]])])).toThrow(/attentionEntropy: α_t needs at least 2 locations, got 1/);
  });
});

describe('annotationStd', () => {
  it('is the standard deviation of every value of the chosen images, channels pooled', () => {
    const cache = new FeatureCache('x', [2, 1], [1, 1, 2], Float32Array.from([0, 2, 10, 10, 4, 6]));
    expect(annotationStd(cache, [0])).toBeCloseTo(1, 6);
    expect(annotationStd(cache, [0, 2])).toBeCloseTo(Math.sqrt(5), 6); // 0, 2, 4, 6: mean 3, variance 5
    expect(() => annotationStd(cache, [])).toThrow(/annotationStd: needs at least one image/);
    expect(() => annotationStd(cache, [3])).toThrow(/annotationStd: image index 3 is outside 0\.\.2/);
  });
});
