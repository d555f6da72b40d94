// A caption vocabulary: word ↔ id, with the four special tokens first. Built from
// the training references only (PAPERS.md §3: the most frequent words; here, words
// seen at least `minCount` times, then at most `maxWords` of them), serialisable to
// JSON so a checkpoint carries the vocabulary it was trained with.
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';

export const PAD = '<pad>';
export const START = '<start>';
export const EOS = '<eos>';
export const UNK = '<unk>';
/** The special tokens, in id order: <pad> 0, <start> 1, <eos> 2, <unk> 3. */
export const SPECIAL_TOKENS = [PAD, START, EOS, UNK] as const;

export interface VocabularyOptions {
  /** Keep words seen at least this many times in the training references (default 1). */
  minCount?: number;
  /** Then keep at most this many words, the most frequent first (default: all; the paper: 10,000). */
  maxWords?: number;
}

/** The JSON form: `words[id]`, specials included, plus how it was built. */
export interface VocabularyJson {
  format: 'foveate-vocabulary';
  version: 1;
  words: string[];
  minCount: number;
  maxWords: number | null;
}

export interface EncodeOptions {
  /** Put <start> first (default true). */
  start?: boolean;
  /** Put <eos> last (default true). */
  eos?: boolean;
}

/**
 * Word ↔ id. Word order: count descending, ties by code point, after the specials, so
 * the same captions give the same ids everywhere. Unknown words (and a caption word
 * spelt like a special token) encode as <unk>.
 * @example
 * const v = Vocabulary.build([['a', 'goat'], ['a', 'cow']]);
 * v.encode(['a', 'yak']); // Int32Array [1, 4, 3, 2]: <start> a <unk> <eos>
 * v.decode([1, 4, 5, 2, 0]); // ['a', 'goat'] — stops at <eos>, skips <pad>/<start>
 */
export class Vocabulary {
  readonly pad = 0;
  readonly start = 1;
  readonly eos = 2;
  readonly unk = 3;
  /** id → word (specials at 0–3). */
  readonly words: readonly string[];
  readonly minCount: number;
  readonly maxWords: number | null;
  readonly #ids: Map<string, number>;

  constructor(words: readonly string[], built: { minCount?: number; maxWords?: number | null } = {}) {
    const op = 'Vocabulary';
    if (!Array.isArray(words)) fail(op, `words must be an array of strings, got ${typeof words}`);
    SPECIAL_TOKENS.forEach((s, i) => {
      if (words[i] !== s) fail(op, `words[${i}] must be ${s}, got ${JSON.stringify(words[i])}`);
    });
    const ids = new Map<string, number>();
    words.forEach((w, i) => {
      if (typeof w !== 'string' || w.length === 0) fail(op, `words[${i}] must be a non-empty string, got ${JSON.stringify(w)}`);
      if (ids.has(w)) fail(op, `words[${i}] ${JSON.stringify(w)} repeats words[${ids.get(w)}]`);
      ids.set(w, i);
    });
    this.words = Object.freeze([...words]);
    this.#ids = ids;
    this.minCount = built.minCount ?? 1;
    this.maxWords = built.maxWords ?? null;
  }

  /** Counts the words of `captions` (token lists) and keeps the frequent ones. */
  static build(captions: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const op = 'Vocabulary.build';
    checkOptions(op, options, ['minCount', 'maxWords']);
    const { minCount = 1, maxWords } = options ?? {};
    if (!Number.isSafeInteger(minCount) || minCount < 1) fail(op, `minCount must be an integer ≥ 1, got ${JSON.stringify(minCount)}`);
    if (maxWords !== undefined && (!Number.isSafeInteger(maxWords) || maxWords < 0)) fail(op, `maxWords must be an integer ≥ 0, got ${JSON.stringify(maxWords)}`);
    const counts = new Map<string, number>();
    const specials = new Set<string>(SPECIAL_TOKENS);
    for (const caption of captions) {
      for (const w of caption) if (!specials.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxWords ?? Infinity)
      .map(([w]) => w);
    return new Vocabulary([...SPECIAL_TOKENS, ...kept], { minCount, maxWords: maxWords ?? null });
  }

  /** Words, specials included. */
  get size(): number {
    return this.words.length;
  }

  /** Whether `word` is a known (non-special) word. */
  has(word: string): boolean {
    const id = this.#ids.get(word);
    return id !== undefined && id >= SPECIAL_TOKENS.length;
  }

  /** The id of a word; <unk> for unknown ones and for the specials' spellings. */
  id(word: string): number {
    const id = this.#ids.get(word);
    return id === undefined || id < SPECIAL_TOKENS.length ? this.unk : id;
  }

  word(id: number): string {
    const w = this.words[id];
    if (w === undefined || !Number.isInteger(id)) fail('Vocabulary.word', `id ${id} is outside 0..${this.size - 1}`);
    return w;
  }

  /** Token ids of one tokenised caption: [<start>] words [<eos>]. */
  encode(tokens: readonly string[], options: EncodeOptions = {}): Int32Array {
    checkOptions('Vocabulary.encode', options, ['start', 'eos']);
    const { start = true, eos = true } = options ?? {};
    const out = new Int32Array(tokens.length + (start ? 1 : 0) + (eos ? 1 : 0));
    let k = 0;
    if (start) out[k++] = this.start;
    for (const t of tokens) out[k++] = this.id(t);
    if (eos) out[k++] = this.eos;
    return out;
  }

  /** Words of a sequence of ids: stops at the first <eos>, skips <pad> and <start>. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === this.eos) break;
      if (id === this.pad || id === this.start) continue;
      out.push(this.word(id));
    }
    return out;
  }

  toJSON(): VocabularyJson {
    return { format: 'foveate-vocabulary', version: 1, words: [...this.words], minCount: this.minCount, maxWords: this.maxWords };
  }

  /** The vocabulary of `toJSON()` (an object, or its JSON text). */
  static fromJSON(json: VocabularyJson | string): Vocabulary {
    const op = 'Vocabulary.fromJSON';
    let j: unknown = json;
    if (typeof json === 'string') {
      try {
        j = JSON.parse(json);
      } catch (e) {
        fail(op, `not JSON: ${(e as Error).message}`);
      }
    }
    const o = j as Partial<VocabularyJson> | null;
    if (o === null || typeof o !== 'object' || o.format !== 'foveate-vocabulary') fail(op, `expected { format: 'foveate-vocabulary', ... }, got ${JSON.stringify(j)?.slice(0, 80)}`);
    if (o.version !== 1) fail(op, `unsupported version ${JSON.stringify(o.version)}, expected 1`);
    if (!Array.isArray(o.words)) fail(op, 'words must be an array of strings');
    return new Vocabulary(o.words, { minCount: o.minCount ?? 1, maxWords: o.maxWords ?? null });
  }
}
