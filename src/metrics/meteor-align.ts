/**
 * METEOR 1.5's aligner (edu.cmu.meteor.aligner.Aligner), written anew from its behaviour:
 * every module adds candidate matches between test words (line 1) and reference words
 * (line 2); one-to-one matches that nothing else covers are fixed; a left-to-right beam
 * search (beam 40) over the reference positions picks the rest. The search keeps METEOR's
 * quirks because scores depend on them: its partial scores are Java ints, so a non-exact
 * match's weight 0.5 truncates away; the "distance" of a new branch is added to its
 * parent path; paths are ranked by a stable sort.
 */
import type { ParaphraseTable, SynonymDictionary } from './meteor-resources.js';
import { stemEnglish } from './snowball-english.js';

export const EXACT = 0;
export const STEM = 1;
export const SYNONYM = 2;
export const PARAPHRASE = 3;

export interface Match { start: number; length: number; matchStart: number; matchLength: number; module: number }

export interface Resources { synonyms?: SynonymDictionary; paraphrase?: ParaphraseTable }

export interface Alignment {
  matches: (Match | null)[]; // by reference start position
  numChunks: number;
}

/** java.lang.String.hashCode: METEOR compares words by these 32-bit keys. */
export function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

interface Stage { matches: Match[][]; cov1: Int32Array; cov2: Int32Array }

function add(st: Stage, m: Match): void {
  (st.matches[m.start] as Match[]).push(m);
  for (let k = 0; k < m.matchLength; k++) st.cov1[m.matchStart + k]++;
  for (let k = 0; k < m.length; k++) st.cov2[m.start + k]++;
}

/** One-word matches of words whose keys agree (exact: words; stem: stems of different words). */
function matchKeys(st: Stage, module: number, k1: number[], k2: number[], w1: number[], w2: number[],
  differentWords: boolean): void {
  for (let j = 0; j < k2.length; j++) {
    for (let i = 0; i < k1.length; i++) {
      if (k1[i] === k2[j] && (!differentWords || w1[i] !== w2[j])) {
        add(st, { start: j, length: 1, matchStart: i, matchLength: 1, module });
      }
    }
  }
}

function matchSynonyms(st: Stage, module: number, t: string[], r: string[], w1: number[], w2: number[], syn: SynonymDictionary): void {
  const s1 = t.map((w) => syn.synonymSets(w));
  const s2 = r.map((w) => syn.synonymSets(w));
  for (let j = 0; j < r.length; j++) {
    for (let i = 0; i < t.length; i++) {
      let shared = false;
      for (const s of s1[i] as Set<number>) if ((s2[j] as Set<number>).has(s)) { shared = true; break; }
      if (shared && w1[i] !== w2[j]) add(st, { start: j, length: 1, matchStart: i, matchLength: 1, module });
    }
  }
}

/** Phrase matches: table phrases found in one line whose paraphrase occurs in the other. */
function matchParaphrases(st: Stage, module: number, t: string[], r: string[], table: ParaphraseTable): void {
  const ids1 = table.translate(t);
  const ids2 = table.translate(r);
  const occursAt = (ids: number[], at: number, p: number[]): boolean =>
    p.every((id, k) => at + k < ids.length && ids[at + k] === id);
  for (let j = 0; j < ids2.length; j++) {
    for (const [len, entry] of table.paths(ids2, j)) {
      const p = table.paraphrase(entry);
      for (let i = 0; i < ids1.length; i++) {
        if (occursAt(ids1, i, p)) add(st, { start: j, length: len, matchStart: i, matchLength: p.length, module });
      }
    }
  }
  for (let i = 0; i < ids1.length; i++) {
    for (const [len, entry] of table.paths(ids1, i)) {
      const p = table.paraphrase(entry);
      for (let j = 0; j < ids2.length; j++) {
        if (occursAt(ids2, j, p)) add(st, { start: j, length: p.length, matchStart: i, matchLength: len, module });
      }
    }
  }
}

class Path {
  matches: (Match | null)[];
  used1: Uint8Array;
  used2: Uint8Array;
  score = 0; // matches1 + matches2, each a truncated Java int
  m1 = 0;
  m2 = 0;
  chunks = 0;
  idx = 0;
  lastMatchEnd = -1;
  distance = 0;

  constructor(matches: (Match | null)[], used1: Uint8Array, used2: Uint8Array) {
    this.matches = matches.slice();
    this.used1 = used1.slice();
    this.used2 = used2.slice();
  }

  copy(): Path {
    const p = new Path(this.matches, this.used1, this.used2);
    p.m1 = this.m1; p.m2 = this.m2; p.chunks = this.chunks; p.idx = this.idx;
    p.lastMatchEnd = this.lastMatchEnd; p.distance = this.distance;
    return p;
  }

  isUsed(m: Match): boolean {
    for (let k = 0; k < m.length; k++) if (this.used2[m.start + k]) return true;
    for (let k = 0; k < m.matchLength; k++) if (this.used1[m.matchStart + k]) return true;
    return false;
  }

  /** Take m: METEOR's search weights (1 exact, 0.5 others) truncated to int as Java does. */
  take(m: Match, weights: number[]): void {
    const w = weights[m.module] as number;
    this.m1 = Math.trunc(this.m1 + m.matchLength * w);
    this.m2 = Math.trunc(this.m2 + m.length * w);
    if (this.lastMatchEnd !== -1 && m.matchStart !== this.lastMatchEnd) this.chunks++;
    this.idx = m.start + m.length;
    this.lastMatchEnd = m.matchStart + m.matchLength;
  }
}

// Constants.PARTIAL_COMPARE_TOTAL: more weighted matches, then fewer chunks, then less distance.
const compare = (a: Path, b: Path): number =>
  (b.m1 + b.m2) - (a.m1 + a.m2) || a.chunks - b.chunks || a.distance - b.distance;

function resolve(st: Stage, start: Path, weights: number[], beam: number): Path {
  let next: Path[] = [start];
  const n = st.matches.length;
  for (let cur = 0; cur <= n; cur++) {
    const paths = next.sort(compare);
    next = [];
    for (let rank = 0; rank < beam && rank < paths.length; rank++) {
      const path = paths[rank] as Path;
      if (cur === n) {
        if (path.lastMatchEnd !== -1) path.chunks++;
        next.push(path);
        continue;
      }
      if (path.used2[cur]) {
        if (cur < path.idx) { next.push(path); continue; }
        const m = path.matches[path.idx];
        if (m == null) continue; // METEOR drops such a path
        path.take(m, weights);
        path.distance += Math.abs(m.start - m.matchStart);
        next.push(path);
        continue;
      }
      for (const m of st.matches[cur] as Match[]) {
        if (path.isUsed(m)) continue;
        const np = path.copy();
        for (let k = 0; k < m.length; k++) np.used2[m.start + k] = 1;
        for (let k = 0; k < m.matchLength; k++) np.used1[m.matchStart + k] = 1;
        np.matches[cur] = m;
        np.take(m, weights);
        path.distance += Math.abs(m.start - m.matchStart); // sic: METEOR adds it to the parent
        next.push(np);
      }
      if (path.lastMatchEnd !== -1) { path.chunks++; path.lastMatchEnd = -1; }
      path.idx++;
      next.push(path);
    }
    if (next.length === 0) next.push(paths[0] as Path);
  }
  return next.sort(compare)[0] as Path;
}

/** Chunks of a finished alignment (Aligner.getCountAndChunks). */
function countChunks(matches: (Match | null)[]): number {
  let chunks = 0;
  let idx = 0;
  let last = -1;
  while (idx < matches.length) {
    const m = matches[idx];
    if (m == null) {
      if (last !== -1) { chunks++; last = -1; }
      idx++;
    } else {
      if (last !== -1 && m.matchStart !== last) chunks++;
      idx = m.start + m.length;
      last = m.matchStart + m.matchLength;
    }
  }
  return last !== -1 ? chunks + 1 : chunks;
}

/** Align test words to reference words with the given modules (in order). */
export function align(test: string[], ref: string[], modules: number[], res: Resources, beam = 40): Alignment {
  const w1 = test.map(javaHash);
  const w2 = ref.map(javaHash);
  const st: Stage = { matches: ref.map(() => []), cov1: new Int32Array(test.length), cov2: new Int32Array(ref.length) };
  // Identical sentences need exact matches only (METEOR avoids beam errors this way).
  const identical = w1.length === w2.length && w1.every((h, i) => h === w2[i]);
  const used = identical ? modules.slice(0, 1) : modules;
  used.forEach((mod, stage) => {
    const stems = (ws: string[]): number[] => ws.map((w) => javaHash(stemEnglish(w)));
    if (mod === EXACT) matchKeys(st, stage, w1, w2, w1, w2, false);
    else if (mod === STEM) matchKeys(st, stage, stems(test), stems(ref), w1, w2, true);
    else if (mod === SYNONYM && res.synonyms) matchSynonyms(st, stage, test, ref, w1, w2, res.synonyms);
    else if (mod === PARAPHRASE && res.paraphrase) matchParaphrases(st, stage, test, ref, res.paraphrase);
  });
  const start = new Path(new Array<Match | null>(ref.length).fill(null), new Uint8Array(test.length), new Uint8Array(ref.length));
  st.matches.forEach((list, i) => {
    const m = list[0];
    if (list.length !== 1 || m === undefined) return;
    for (let k = 0; k < m.length; k++) if (st.cov2[i + k] !== 1) return;
    for (let k = 0; k < m.matchLength; k++) if (st.cov1[m.matchStart + k] !== 1) return;
    start.matches[i] = m;
    for (let k = 0; k < m.length; k++) start.used2[i + k] = 1;
    for (let k = 0; k < m.matchLength; k++) start.used1[m.matchStart + k] = 1;
  });
  // The search's module weights (MeteorScorer): exact 1.0, every other module 0.5.
  const weights = modules.map((m) => (m === EXACT ? 1.0 : 0.5));
  const best = resolve(st, start, weights, beam);
  return { matches: best.matches, numChunks: countChunks(best.matches) };
}
