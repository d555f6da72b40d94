/**
 * METEOR 1.5's English resources: function words, the WordNet 3.0 synonym dictionary
 * (with WordNet's morphology as METEOR's SynonymDictionary applies it) and the
 * paraphrase table (read from a local paraphrase-en.gz when the caller names one).
 */
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { javaTokens } from './meteor-normalize.js';

/** METEOR's function/english.words (used for the delta weighting). */
export const FUNCTION_WORDS = new Set(['the', ',', '.', 'to', 'of', 'and', 'a', 'in', 'that',
  'for', '"', 'is', 'on', "'s", 'it', 'with', 'was', 'as', 'said', 'at', 'he', 'by', 'be', 'from',
  'have', 'has', 'are', 'his', 'but', 'an', 'this', 'not', 'i', 'will', '\u2019', 'they', ')',
  '-rrb-', '(', '-lrb-', 'who', 'their', 'had', 'we', 'which', 'were', 'been', 'more', 'or', 's',
  'its', 'would', 'about', 'new', 'one', 'after', 'you', ':', 'also', 'up', 'when', 'there',
  'than', '$', 'all', 'out', 'her', 'people', 'she', 'year', 'two', '-', 'can', 'if', 'last',
  'first', '\u201c', 'over', 'other', '\u201d', 'into', 'some', 'what', 'so', '--', 'no', 'time',
  'years', 'could', '?', "'t", '\u2014', "'"]);

/** Locate a file shipped in src/metrics/data, from src/ or from dist/src/metrics. */
function dataFile(name: string): string {
  const candidates = [join(__dirname, 'data', name), join(__dirname, '..', '..', '..', 'src', 'metrics', 'data', name),
    join(process.cwd(), 'src', 'metrics', 'data', name)];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`meteor: resource ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

export class SynonymDictionary {
  private readonly synsets = new Map<string, number[]>();
  private readonly bases = new Map<string, string[]>();
  private readonly memo = new Map<string, Set<number>>();

  constructor(text: string) {
    let inExceptions = false;
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      if (line === '%exceptions') { inExceptions = true; continue; }
      const tab = line.indexOf('\t');
      const key = line.slice(0, tab);
      const rest = javaTokens(line.slice(tab + 1));
      if (!inExceptions) { this.synsets.set(key, rest.map((x) => parseInt(x, 36))); continue; }
      for (const form of rest) {
        const list = this.bases.get(form);
        if (list) list.push(key); else this.bases.set(form, [key]);
      }
    }
  }

  /** The synsets of the word plus those of its base forms (SynonymMatcher's set). */
  synonymSets(word: string): Set<number> {
    let set = this.memo.get(word);
    if (set !== undefined) return set;
    set = new Set(this.synsets.get(word) ?? []);
    this.memo.set(word, set);
    const bases = this.bases.get(word);
    if (bases !== undefined) {
      for (const b of bases) for (const s of this.synsets.get(b) ?? []) set.add(s);
    } else {
      for (const s of this.synsets.get(this.morph(word)) ?? []) set.add(s);
    }
    return set;
  }

  // WordNet 3's morphy suffix rules as METEOR codes them: the first rule whose base form
  // is a dictionary word wins; words ending in "ss" or of <= 2 chars are their own base.
  private static readonly SUFFIX = ['s', 'ses', 'xes', 'zes', 'ches', 'shes', 'men', 'ies',
    's', 'ies', 'es', 'es', 'ed', 'ed', 'ing', 'ing', 'er', 'est', 'er', 'est'];
  private static readonly ENDING = ['', 's', 'x', 'z', 'ch', 'sh', 'man', 'y',
    '', 'y', 'e', '', 'e', '', 'e', '', '', '', 'e', 'e'];

  private morph(word: string): string {
    if (word.endsWith('ss') || word.length <= 2) return word;
    for (let i = 0; i < SynonymDictionary.SUFFIX.length; i++) {
      const suf = SynonymDictionary.SUFFIX[i] as string;
      if (!word.endsWith(suf)) continue;
      const base = word.slice(0, word.length - suf.length) + (SynonymDictionary.ENDING[i] as string);
      if (this.synsets.has(base)) return base;
    }
    return '';
  }
}

let synonymCache: SynonymDictionary | undefined;

/** The WordNet 3.0 synonym dictionary shipped in src/metrics/data (loaded once). */
export function englishSynonyms(): SynonymDictionary {
  synonymCache ??= new SynonymDictionary(
    gunzipSync(readFileSync(dataFile('meteor-wordnet.txt.gz'))).toString('utf8'));
  return synonymCache;
}

/**
 * METEOR's paraphrase table (ParaphraseTransducer): phrase -> paraphrase entries in file
 * order, looked up by a trie over word ids. Given the vocabulary of the sentences to be
 * scored, only entries whose words all occur there are kept: the same matches in the same
 * order as the full 5.3M-entry table, at a fraction of the memory.
 */
export class ParaphraseTable {
  private readonly vocab = new Map<string, number>();
  private readonly root: TrieNode = { next: new Map(), emit: [] };
  private readonly paraphrases: number[][] = [];

  /** `data`: the table, gzip-compressed or not; `vocabulary`: words that may be looked up. */
  constructor(data: Uint8Array | string, vocabulary?: Set<string>) {
    let buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const known = (words: string[]): boolean => vocabulary === undefined ||
      words.every((w) => vocabulary.has(w));
    let pos = 0;
    const nextLine = (): string | undefined => {
      if (pos >= buf.length) return undefined;
      let end = buf.indexOf(10, pos);
      if (end < 0) end = buf.length;
      const line = buf.toString('utf8', pos, end > pos && buf[end - 1] === 13 ? end - 1 : end);
      pos = end + 1;
      return line;
    };
    for (;;) {
      if (nextLine() === undefined) break; // the probability line, unused by the matcher
      const p1 = javaTokens(nextLine() ?? '');
      const p2 = javaTokens(nextLine() ?? '');
      if (!known(p1) || !known(p2)) continue;
      this.addPath(p1.map((w) => this.map(w)), this.paraphrases.length);
      this.paraphrases.push(p2.map((w) => this.map(w)));
    }
  }

  get size(): number { return this.paraphrases.length; }

  private map(w: string): number {
    let id = this.vocab.get(w);
    if (id === undefined) { id = this.vocab.size; this.vocab.set(w, id); }
    return id;
  }

  private addPath(ids: number[], entry: number): void {
    let node = this.root;
    for (const id of ids) {
      let child = node.next.get(id);
      if (child === undefined) { child = { next: new Map(), emit: [] }; node.next.set(id, child); }
      node = child;
    }
    node.emit.push(entry);
  }

  /** Word ids (-1 for words the table does not know). */
  translate(words: string[]): number[] {
    return words.map((w) => this.vocab.get(w) ?? -1);
  }

  /** [length, entry] pairs of table phrases starting at ids[start], shortest first. */
  paths(ids: number[], start: number): [number, number][] {
    const out: [number, number][] = [];
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < ids.length - start; i++) {
      node = node.next.get(ids[start + i] as number);
      if (node === undefined) break;
      for (const e of node.emit) out.push([i + 1, e]);
    }
    return out;
  }

  paraphrase(entry: number): number[] { return this.paraphrases[entry] as number[]; }
}

interface TrieNode { next: Map<number, TrieNode>; emit: number[] }

/** Read a METEOR paraphrase table (e.g. pycocoevalcap's meteor/data/paraphrase-en.gz). */
export function loadParaphraseTable(path: string, vocabulary?: Set<string>): ParaphraseTable {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(`meteor: paraphrase table ${path} could not be read: ${(e as Error).message}`);
  }
  return new ParaphraseTable(buf, vocabulary);
}
