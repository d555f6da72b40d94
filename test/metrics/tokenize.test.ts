import { describe, expect, it } from 'vitest';
import { tokenize, ptbTokens } from '../../src/metrics/tokenize.js';
import { corpora, expected } from './fixtures.js';

describe('tokenize (coco-caption PTBTokenizer)', () => {
  it('matches the Stanford jar on every fixture caption', () => {
    const cases: [string, string][] = expected.tokenizer.map((t) => [t.raw, t.tokenized]);
    for (const c of corpora) {
      c.candidates.forEach((s, i) => cases.push([s, c.tokenizedCandidates[i] as string]));
      c.references.forEach((rs, i) => rs.forEach((s, j) => cases.push([s, (c.tokenizedReferences[i] as string[])[j] as string])));
    }
    expect(cases.length).toBeGreaterThan(500);
    const wrong = cases.filter(([raw, tok]) => tokenize(raw).join(' ') !== tok);
    expect(wrong).toEqual([]);
  });

  it('splits clitics, lower-cases and drops coco-caption punctuation', () => {
    expect(tokenize("The dog's ball isn't RED!")).toEqual(['the', 'dog', "'s", 'ball', 'is', "n't", 'red']);
    expect(tokenize('...')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  it('keeps -lrb- because lower-casing happens before the punctuation filter', () => {
    expect(ptbTokens('a (b)')).toEqual(['a', '-lrb-', 'b', '-rrb-']);
    expect(tokenize('a (b)')).toEqual(['a', '-lrb-', 'b', '-rrb-']);
  });
});
