/**
 * Shared argument checks and preparation for the caption metrics. Every metric takes
 * raw captions and tokenises them as coco-caption does, unless `tokenize: false`
 * says they are already tokenised (space-separated, as coco-caption's tokenizer writes).
 */
import { tokenize } from './tokenize.js';

export interface CaptionOptions {
  /** Apply coco-caption's PTB tokenisation first (default true). */
  tokenize?: boolean;
}

/** Captions after tokenisation: one space-joined string per caption, as coco-caption. */
export interface PreparedCaptions {
  candidates: string[];
  references: string[][];
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Validate the (candidates, references) pair; errors name the function and the index,
 * e.g. `bleu: references[3] is empty, expected at least one reference`.
 */
export function checkCaptions(fn: string, candidates: unknown, references: unknown):
  asserts candidates is string[] {
  if (!Array.isArray(candidates)) {
    throw new TypeError(`${fn}: candidates must be an array of strings, got ${kind(candidates)}`);
  }
  if (!Array.isArray(references)) {
    throw new TypeError(`${fn}: references must be an array of string arrays, got ${kind(references)}`);
  }
  if (candidates.length !== references.length) {
    throw new RangeError(`${fn}: candidates has ${candidates.length} entries but references has ` +
      `${references.length}, expected one reference list per candidate`);
  }
  if (candidates.length === 0) {
    throw new RangeError(`${fn}: candidates is empty, expected at least one caption`);
  }
  candidates.forEach((c: unknown, i) => {
    if (typeof c !== 'string') {
      throw new TypeError(`${fn}: candidates[${i}] is not a string, got ${kind(c)}`);
    }
  });
  references.forEach((refs: unknown, i) => {
    if (!Array.isArray(refs)) {
      throw new TypeError(`${fn}: references[${i}] is not an array of strings, got ${kind(refs)}`);
    }
    if (refs.length === 0) {
      throw new RangeError(`${fn}: references[${i}] is empty, expected at least one reference`);
    }
    refs.forEach((r: unknown, j) => {
      if (typeof r !== 'string') {
        throw new TypeError(`${fn}: references[${i}][${j}] is not a string, got ${kind(r)}`);
      }
    });
  });
}

/** Check, then tokenise (or not) every caption. */
export function prepareCaptions(fn: string, candidates: unknown, references: unknown,
  options: CaptionOptions = {}): PreparedCaptions {
  checkCaptions(fn, candidates, references);
  const refs = references as string[][];
  if (options.tokenize === false) {
    return { candidates: [...candidates], references: refs.map((rs) => [...rs]) };
  }
  const tok = (s: string): string => tokenize(s).join(' ');
  return { candidates: candidates.map(tok), references: refs.map((rs) => rs.map(tok)) };
}

/** Python's `str.split()`: split on runs of whitespace, no empty tokens. */
export function splitWords(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/**
 * N-gram counts for n = 1..maxN in coco-caption's insertion order (all unigrams left to
 * right, then bigrams, ...): CIDEr-D sums floating-point terms in this order.
 */
export function ngramCounts(words: string[], maxN = 4): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 1; k <= maxN; k++) {
    for (let i = 0; i + k <= words.length; i++) {
      const g = k === 1 ? (words[i] as string) : words.slice(i, i + k).join(' ');
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

/** Order of an n-gram key made by ngramCounts (tokens contain no spaces). */
export function ngramOrder(g: string): number {
  let n = 1;
  for (let i = 0; i < g.length; i++) if (g.charCodeAt(i) === 32) n++;
  return n;
}
