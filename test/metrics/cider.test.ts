import { describe, expect, it } from 'vitest';
import { cider, ciderPerImage } from '../../src/metrics/cider.js';
import { corpora, maxDiff } from './fixtures.js';

describe('cider (CIDEr-D as coco-caption)', () => {
  it.each(corpora.map((c) => [c.name, c] as const))('equals pycocoevalcap within 1e-6 on %s', (_n, c) => {
    expect(Math.abs(cider(c.candidates, c.references) - c.cider)).toBeLessThan(1e-6);
    expect(maxDiff(ciderPerImage(c.candidates, c.references), c.ciderPerImage)).toBeLessThan(1e-6);
  });

  it('is 0 for a single image, whose idf log(1) - log(1) vanishes', () => {
    expect(cider(['a dog'], [['a dog']])).toBe(0);
  });

  it('penalises length by the number of bigrams, as coco-caption counts it', () => {
    // Two images; an identical 4-word candidate and reference give 10 (the x10 scale) ...
    const same = ciderPerImage(['a b c d', 'x y'], [['a b c d'], ['z w']]);
    expect(same[0]).toBeCloseTo(10, 10);
    // ... a 3-word one has no 4-grams, so one of the four n-gram means is 0 ...
    expect(ciderPerImage(['a b c', 'x y'], [['a b c'], ['z w']])[0]).toBeCloseTo(7.5, 10);
    // ... and one extra word costs at least exp(-1 / 72) (sigma 6, one more bigram).
    const longer = ciderPerImage(['a b c d', 'x y'], [['a b c d e'], ['z w']])[0] as number;
    expect(longer).toBeLessThan(10 * Math.exp(-1 / 72) + 1e-12);
  });
});
