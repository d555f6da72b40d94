import { describe, expect, it } from 'vitest';
import { bleu, bleuFromStats } from '../../src/metrics/bleu.js';
import { corpora } from './fixtures.js';

describe('bleu (coco-caption BleuScorer, closest reference length)', () => {
  it.each(corpora.map((c) => [c.name, c] as const))('equals pycocoevalcap within 1e-6 on %s', (_n, c) => {
    const b = bleu(c.candidates, c.references);
    const got = [b.bleu1, b.bleu2, b.bleu3, b.bleu4];
    got.forEach((v, k) => expect(Math.abs(v - (c.bleu[k] as number))).toBeLessThan(1e-6));
  });

  it('accepts pre-tokenised captions', () => {
    const c = corpora[0]!;
    const b = bleu(c.tokenizedCandidates, c.tokenizedReferences, { tokenize: false });
    expect(Math.abs(b.bleu4 - (c.bleu[3] as number))).toBeLessThan(1e-6);
  });

  it('reproduces the check values of PAPERS.md §4', () => {
    const s = bleuFromStats({ reflen: 9855, testlen: 9893, guess: [9893, 8893, 7893, 6893], correct: [5732, 2510, 1043, 423] });
    expect(s.map((x) => Number(x.toFixed(3)))).toEqual([0.579, 0.404, 0.279, 0.191]);
  });

  it('takes the shorter reference length on a tie and applies the brevity penalty', () => {
    // candidate of 3 words, references of 2 and 4 words: tie -> 2, no penalty (c > r)
    expect(bleu(['a b c'], [['a b', 'a b c d']]).bleu1).toBeCloseTo(1, 8);
    // with 4 and 6 words the closest is 4 > 3: penalty exp(1 - 4/3)
    expect(bleu(['a b c'], [['a b c d', 'a b c d e f']]).bleu1).toBeCloseTo(Math.exp(1 - 4 / 3), 8);
  });
});
