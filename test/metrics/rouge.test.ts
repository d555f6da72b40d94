import { describe, expect, it } from 'vitest';
import { rougeL, rougeLPerImage, lcsLength } from '../../src/metrics/rouge.js';
import { corpora, maxDiff } from './fixtures.js';

describe('rougeL (coco-caption Rouge, beta 1.2)', () => {
  it.each(corpora.map((c) => [c.name, c] as const))('equals pycocoevalcap within 1e-6 on %s', (_n, c) => {
    expect(Math.abs(rougeL(c.candidates, c.references) - c.rougeL)).toBeLessThan(1e-6);
    expect(maxDiff(rougeLPerImage(c.candidates, c.references), c.rougeLPerImage)).toBeLessThan(1e-6);
  });

  it('computes LCS lengths and the F-measure of best precision and best recall', () => {
    expect(lcsLength('a b c d'.split(' '), 'a c d e'.split(' '))).toBe(3);
    // P = 4/5 against the first reference, R = 4/4 against the first: F with beta 1.2
    const f = (2.44 * 0.8 * 1) / (1 + 1.44 * 0.8);
    expect(rougeL(['a man rides a horse'], [['a man rides horse', 'dog']])).toBeCloseTo(f, 12);
    expect(rougeL(['.'], [['a dog']])).toBe(0);
  });
});
