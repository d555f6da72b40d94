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
 * Interns n-grams as small integers: an n-gram's id is found from its (n-1)-gram prefix
 * id and its last word's id in an open-addressing table, so counting builds no strings.
 * Ids start at 1 and are comparable only within one NgramIndex.
 */
export class NgramIndex {
  private readonly words = new Map<string, number>();
  private keyA = new Int32Array(1 << 16);
  private keyB = new Int32Array(1 << 16);
  private vals = new Int32Array(1 << 16); // 0 = empty slot
  /** order[id] = n of the n-gram with that id. */
  readonly order: number[] = [0];

  get size(): number { return this.order.length; }

  private slot(a: number, b: number): number {
    const mask = this.vals.length - 1;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & mask;
    while (this.vals[h] !== 0 && (this.keyA[h] !== a || this.keyB[h] !== b)) h = (h + 1) & mask;
    return h;
  }

  private intern(prefix: number, word: number, n: number): number {
    let h = this.slot(prefix, word);
    if (this.vals[h] !== 0) return this.vals[h] as number;
    if (this.order.length * 2 >= this.vals.length) { this.grow(); h = this.slot(prefix, word); }
    const id = this.order.length;
    this.order.push(n);
    this.keyA[h] = prefix; this.keyB[h] = word; this.vals[h] = id;
    return id;
  }

  private grow(): void {
    const [a, b, v] = [this.keyA, this.keyB, this.vals];
    this.keyA = new Int32Array(a.length * 2); this.keyB = new Int32Array(a.length * 2);
    this.vals = new Int32Array(a.length * 2);
    for (let i = 0; i < v.length; i++) {
      if (v[i] === 0) continue;
      const h = this.slot(a[i] as number, b[i] as number);
      this.keyA[h] = a[i] as number; this.keyB[h] = b[i] as number; this.vals[h] = v[i] as number;
    }
  }

  /**
   * Ids of all n-grams, n = 1..maxN, in coco-caption's order (all unigrams left to right,
   * then bigrams, ...): CIDEr-D sums floating-point terms in this order.
   */
  ids(words: string[], maxN = 4): number[] {
    const out: number[] = [];
    let prev: number[] = words.map(() => 0); // 0: the empty prefix
    for (let k = 1; k <= maxN; k++) {
      const cur: number[] = [];
      for (let i = 0; i + k <= words.length; i++) {
        const w = words[i + k - 1] as string;
        let wid = this.words.get(w);
        if (wid === undefined) { wid = this.words.size; this.words.set(w, wid); }
        cur.push(this.intern(prev[i] as number, wid, k));
      }
      out.push(...cur);
      prev = cur;
    }
    return out;
  }
}

/** Distinct ids in first-occurrence order with their counts (a dict of n-gram counts). */
export function countIds(ids: number[], scratch: Int32Array): { ids: number[]; counts: number[] } {
  const uniq: number[] = [];
  for (const id of ids) if (scratch[id]++ === 0) uniq.push(id);
  const counts = uniq.map((id) => scratch[id] as number);
  for (const id of uniq) scratch[id] = 0;
  return { ids: uniq, counts };
}
