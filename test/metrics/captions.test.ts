import { describe, expect, it } from 'vitest';
import { bleu, cider, rougeL, meteor, evaluateCaptions } from '../../src/metrics/index.js';
import { main } from './fixtures.js';

type Metric = (c: string[], r: string[][]) => unknown;
const metrics: [string, Metric][] = [['bleu', bleu], ['cider', cider], ['rougeL', rougeL],
  ['meteor', (c, r) => meteor(c, r, { paraphraseTable: null })], ['evaluateCaptions', evaluateCaptions]];

describe.each(metrics)('%s argument checks', (name, fn) => {
  const call = (c: unknown, r: unknown): unknown => fn(c as string[], r as string[][]);
  it('rejects lists of different lengths', () => {
    expect(() => call(['a', 'b'], [['a']])).toThrow(`${name}: candidates has 2 entries but references has 1, expected one reference list per candidate`);
  });
  it('rejects an empty reference list, naming its index', () => {
    expect(() => call(['a', 'b', 'c', 'd'], [['a'], ['b'], ['c'], []])).toThrow(`${name}: references[3] is empty, expected at least one reference`);
  });
  it('rejects non-string entries, naming their index', () => {
    expect(() => call(['a', 7], [['a'], ['b']])).toThrow(`${name}: candidates[1] is not a string, got number`);
    expect(() => call(['a'], [['a', null]])).toThrow(`${name}: references[0][1] is not a string, got null`);
    expect(() => call(['a'], ['a'])).toThrow(`${name}: references[0] is not an array of strings, got string`);
    expect(() => call('a', [['a']])).toThrow(`${name}: candidates must be an array of strings, got string`);
  });
  it('rejects an empty corpus', () => {
    expect(() => call([], [])).toThrow(`${name}: candidates is empty, expected at least one caption`);
  });
});

describe('evaluateCaptions', () => {
  it('returns every metric equal to pycocoevalcap (METEOR without paraphrases here)', () => {
    const s = evaluateCaptions(main.candidates, main.references, { paraphraseTable: null });
    expect(Math.abs(s.bleu4 - (main.bleu[3] as number))).toBeLessThan(1e-6);
    expect(Math.abs(s.cider - main.cider)).toBeLessThan(1e-6);
    expect(Math.abs(s.rougeL - main.rougeL)).toBeLessThan(1e-6);
    expect(Math.abs(s.meteor - main.meteorNoParaphrase)).toBeLessThan(1e-6);
    expect(s.meteorParaphrase).toBe(false);
  });
});
