// Loads test/fixtures/captions/expected.json, written by make_fixtures.py with pycocoevalcap.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Corpus {
  name: string;
  candidates: string[];
  references: string[][];
  tokenizedCandidates: string[];
  tokenizedReferences: string[][];
  bleu: number[];
  cider: number; ciderPerImage: number[];
  rougeL: number; rougeLPerImage: number[];
  meteor: number; meteorPerImage: number[];
  meteorNoParaphrase: number; meteorNoParaphrasePerImage: number[];
}

export interface Expected {
  tokenizer: { raw: string; tokenized: string }[];
  meteorNormalizer: { input: string; output: string }[];
  corpora: Corpus[];
}

export const FIXTURES = join(__dirname, '..', 'fixtures', 'captions');
export const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
export const corpora = expected.corpora;
export const main = corpora.find((c) => c.name === 'main') as Corpus;

/** Largest absolute difference between two equal-length lists. */
export function maxDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  return Math.max(0, ...a.map((x, i) => Math.abs(x - (b[i] as number))));
}
