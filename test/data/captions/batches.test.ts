// Length-bucketed caption batches (PAPERS.md §3): every caption once per epoch, one
// length per batch, seeded order, empty and over-long captions left out.
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';

const { captionBatches, lengthHistogram, Vocabulary } = fv.data.captions;

/** 30 images, 3 captions each, of 1..6 words; image 0's last caption empty; image 1's 60 words. */
function source() {
  const tokens: string[][][] = [];
  for (let i = 0; i < 30; i++) {
    tokens.push([0, 1, 2].map((j) => Array.from({ length: 1 + ((i + 2 * j) % 6) }, (_, k) => `w${(i + k) % 9}`)));
  }
  tokens[0]![2] = [];
  tokens[1]![2] = Array.from({ length: 60 }, () => 'w1');
  const splits = { train: Int32Array.from({ length: 24 }, (_, i) => i), val: Int32Array.from([24, 25, 26]), test: Int32Array.from([27, 28, 29]) };
  const train = [...splits.train].flatMap((i) => tokens[i]!);
  return { tokens, splits, vocabulary: Vocabulary.build(train) };
}

describe('captions: batches', () => {
  it('gives each captioned example once per epoch, in batches of one length: <start> words <eos>', () => {
    const src = source();
    const seen = new Set<string>();
    let batches = 0;
    for (const b of captionBatches(src, { batchSize: 4, seed: 3 })) {
      batches++;
      const [B, T] = b.shape;
      expect(B).toBeLessThanOrEqual(4);
      expect(b.tokens).toHaveLength(B * T);
      expect(Array.from(b.lengths)).toEqual(new Array(B).fill(T));
      for (let r = 0; r < B; r++) {
        const row = b.tokens.subarray(r * T, (r + 1) * T);
        const [i, j] = [b.images[r]!, b.references[r]!];
        expect(row[0]).toBe(src.vocabulary.start);
        expect(row[T - 1]).toBe(src.vocabulary.eos);
        expect(src.vocabulary.decode(row)).toEqual(src.tokens[i]![j]);
        const key = `${i}/${j}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    // 24 train images × 3 captions, less the empty one and the 60-word one (over maxLength 50).
    expect(seen.size).toBe(70);
    expect(seen.has('0/2')).toBe(false);
    expect(seen.has('1/2')).toBe(false);
    expect(batches).toBeGreaterThan(70 / 4);
    // The over-long caption is kept with a larger maxLength.
    const all = [...captionBatches(src, { batchSize: 4, maxLength: 60 })].reduce((n, b) => n + b.shape[0], 0);
    expect(all).toBe(71);
  });

  it('is reproducible from the seed, and another seed gives another order', () => {
    const src = source();
    const run = (seed: number): string => JSON.stringify([...captionBatches(src, { batchSize: 5, seed })].map((b) => [Array.from(b.images), Array.from(b.references)]));
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('pads with <pad> when equalLength is false, and dropLast keeps only full batches', () => {
    const src = source();
    const mixed = [...captionBatches(src, { batchSize: 8, equalLength: false, seed: 1 })];
    expect(mixed.reduce((n, b) => n + b.shape[0], 0)).toBe(70);
    const b = mixed.find((x) => new Set(x.lengths).size > 1)!;
    const [B, T] = b.shape;
    expect(Math.max(...b.lengths)).toBe(T);
    for (let r = 0; r < B; r++) {
      for (let t = b.lengths[r]!; t < T; t++) expect(b.tokens[r * T + t]).toBe(src.vocabulary.pad);
    }
    for (const x of captionBatches(src, { batchSize: 8, dropLast: true })) expect(x.shape[0]).toBe(8);
  });

  it('draws from the split asked for, and counts caption lengths (0 = empty)', () => {
    const src = source();
    const val = [...captionBatches(src, { split: 'val', batchSize: 100 })];
    expect(new Set(val.flatMap((b) => Array.from(b.images)))).toEqual(new Set([24, 25, 26]));
    const h = lengthHistogram(src, 'train');
    expect(h.get(0)).toBe(1);
    expect(h.get(60)).toBe(1);
    expect([...h.values()].reduce((a, b) => a + b, 0)).toBe(72);
  });

  it('refuses bad options with their names', () => {
    const src = source();
    expect(() => captionBatches(src, { split: 'dev' }).next()).toThrow(/captions.batches: split must be one of train, val, test, got "dev"/);
    expect(() => captionBatches(src, { batchSize: 0 }).next()).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => captionBatches(src, { seed: -1 }).next()).toThrow(/seed must be a non-negative integer/);
    expect(() => captionBatches(src, { maxLength: 0 }).next()).toThrow(/maxLength must be a positive integer/);
    expect(() => captionBatches(src, { batch_size: 4 } as never).next()).toThrow(/unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
  });
});
