// The caption vocabulary: ids, specials, unknown words, JSON round trip, bad input.
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { chooseMinCount } from '../../../src/data/captions/min-count.js';

const { Vocabulary } = fv.data.captions;

describe('captions: Vocabulary', () => {
  const caps = [['a', 'goat', 'and', 'a', 'cow'], ['a', 'cow'], ['a', 'yak'], []];

  it('puts the specials first, then words by count (ties by code point), with minCount and maxWords', () => {
    const v = Vocabulary.build(caps);
    expect(v.words).toEqual(['<pad>', '<start>', '<eos>', '<unk>', 'a', 'cow', 'and', 'goat', 'yak']);
    expect([v.pad, v.start, v.eos, v.unk]).toEqual([0, 1, 2, 3]);
    expect(Vocabulary.build(caps, { minCount: 2 }).words.slice(4)).toEqual(['a', 'cow']);
    expect(Vocabulary.build(caps, { maxWords: 3 }).words.slice(4)).toEqual(['a', 'cow', 'and']);
    expect(Vocabulary.build(caps).size).toBe(9);
  });

  it('encodes with <start>/<eos>, unknown words and special spellings as <unk>; decodes up to <eos>', () => {
    const v = Vocabulary.build(caps, { minCount: 2 });
    expect(Array.from(v.encode(['a', 'goat', 'cow']))).toEqual([1, 4, 3, 5, 2]);
    expect(Array.from(v.encode(['a'], { start: false, eos: false }))).toEqual([4]);
    // A caption that spells a special token is a word, not the token.
    expect(Array.from(v.encode(['<eos>', '<pad>'], { start: false, eos: false }))).toEqual([3, 3]);
    expect(v.has('a')).toBe(true);
    expect(v.has('<unk>')).toBe(false);
    expect(v.decode([1, 4, 5, 2, 4, 0])).toEqual(['a', 'cow']);
    expect(v.decode([4, 0, 3, 5])).toEqual(['a', '<unk>', 'cow']);
    expect(() => v.decode([99])).toThrow(/Vocabulary.word: id 99 is outside 0..5/);
    // Specials in the training captions are not counted as words.
    expect(Vocabulary.build([['<unk>', 'x']]).words).toEqual(['<pad>', '<start>', '<eos>', '<unk>', 'x']);
  });

  it('round-trips through JSON (object or text) and refuses a damaged one', () => {
    const v = Vocabulary.build(caps, { minCount: 1, maxWords: 4 });
    const text = JSON.stringify(v);
    const w = Vocabulary.fromJSON(text);
    expect(w.words).toEqual(v.words);
    expect(w.maxWords).toBe(4);
    expect(Vocabulary.fromJSON(v.toJSON()).words).toEqual(v.words);
    expect(() => Vocabulary.fromJSON('{')).toThrow(/Vocabulary.fromJSON: not JSON/);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), version: 2 as 1 })).toThrow(/unsupported version 2/);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), words: ['<pad>', '<eos>'] })).toThrow(/words\[1\] must be <start>, got "<eos>"/);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), words: [...v.words, 'a'] })).toThrow(/words\[8\] "a" repeats words\[4\]/);
    expect(() => Vocabulary.fromJSON({ format: 'other' } as never)).toThrow(/expected \{ format: 'foveate-vocabulary'/);
  });

  it('checks its options', () => {
    expect(() => Vocabulary.build(caps, { minCount: 0 })).toThrow(/minCount must be an integer ≥ 1, got 0/);
    expect(() => Vocabulary.build(caps, { maxWords: -1 })).toThrow(/maxWords must be an integer ≥ 0/);
    expect(() => Vocabulary.build(caps, { mincount: 2 } as never)).toThrow(/unknown option 'mincount' \(did you mean 'minCount'\?\)/);
  });
});

describe('captions: the vocabulary threshold chosen on the training captions', () => {
  it('is twice the smallest count k whose words recur in the other half more often than not', () => {
    // Halves: even and odd captions. 'dog' 1× in each half recurs; 'cat', 'yak', 'emu', 'owl' are once-only.
    const once = [['a', 'dog', 'cat'], ['a', 'dog', 'yak'], ['a', 'emu'], ['a', 'owl']];
    const r = chooseMinCount(once);
    // k = 1: of dog, cat, emu (even half) and dog, yak, owl (odd), only dog (twice) recurs: 2/6.
    expect(r.recurrence[0]).toBeCloseTo(2 / 6, 12);
    // k = 2: 'a' twice in each half recurs: 1.
    expect(r.recurrence[1]).toBe(1);
    expect(r.minCount).toBe(4);
    // Every once-seen word recurring: k = 1, minCount 2.
    expect(chooseMinCount([['a', 'dog'], ['a', 'dog'], ['a', 'cat'], ['a', 'cat']]).minCount).toBe(2);
    // No k up to maxK reaches one half: the largest.
    expect(chooseMinCount([['p'], ['q'], ['r'], ['s']], 3)).toMatchObject({ minCount: 6 });
    expect(() => chooseMinCount([['a']])).toThrow(/chooseMinCount: captions must be at least 2 token lists \(two halves\), got 1/);
  });
});
