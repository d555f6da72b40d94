/**
 * Corpus BLEU-1..4 exactly as coco-caption's BleuScorer (option 'closest'): clipped n-gram
 * matches and candidate n-gram counts summed over all images, the reference length per
 * image is the one closest to the candidate's (ties go to the shorter), and its
 * 1e-15 / 1e-9 constants guard the ratios (PAPERS.md §4).
 */
import { prepareCaptions, splitWords, NgramIndex, countIds } from './captions.js';
import type { CaptionOptions, PreparedCaptions } from './captions.js';

export interface BleuScores { bleu1: number; bleu2: number; bleu3: number; bleu4: number }

/** Sufficient statistics of BLEU for a corpus (also what coco-caption prints). */
export interface BleuStats { testlen: number; reflen: number; guess: number[]; correct: number[] }

const TINY = 1e-15; // so that a zero count still gives a (tiny) non-NaN score
const SMALL = 1e-9;

/** Accumulate coco-caption's cooked statistics over tokenised captions. */
export function bleuStats(prep: PreparedCaptions, n = 4): BleuStats {
  const stats: BleuStats = { testlen: 0, reflen: 0, guess: new Array<number>(n).fill(0),
    correct: new Array<number>(n).fill(0) };
  const index = new NgramIndex();
  const cands = prep.candidates.map((c) => splitWords(c));
  const candIds = cands.map((w) => index.ids(w, n));
  const refs = prep.references.map((rs) => rs.map((r) => splitWords(r)));
  const refIds = refs.map((rs) => rs.map((w) => index.ids(w, n)));
  const scratch = new Int32Array(index.size);
  const maxcount = new Int32Array(index.size); // max count over one image's references
  cands.forEach((words, i) => {
    const touched: number[] = [];
    for (const ids of refIds[i] as number[][]) {
      const c = countIds(ids, scratch);
      c.ids.forEach((id, k) => {
        if (maxcount[id] === 0) touched.push(id);
        maxcount[id] = Math.max(maxcount[id] as number, c.counts[k] as number);
      });
    }
    const testlen = words.length;
    // min over (|l - testlen|, l): the closest length, the shorter one on a tie
    let best = -1;
    for (const r of refs[i] as string[][]) {
      const l = r.length;
      const d = Math.abs(l - testlen);
      const bd = Math.abs(best - testlen);
      if (best < 0 || d < bd || (d === bd && l < best)) best = l;
    }
    stats.testlen += testlen;
    stats.reflen += best;
    for (let k = 1; k <= n; k++) stats.guess[k - 1] += Math.max(0, testlen - k + 1);
    const c = countIds(candIds[i] as number[], scratch);
    c.ids.forEach((id, k) => {
      stats.correct[(index.order[id] as number) - 1] += Math.min(maxcount[id] as number, c.counts[k] as number);
    });
    for (const id of touched) maxcount[id] = 0;
  });
  return stats;
}

/** BLEU-1..n from corpus statistics, with coco-caption's constants and brevity penalty. */
export function bleuFromStats(s: BleuStats): number[] {
  const out: number[] = [];
  let prod = 1;
  for (let k = 0; k < s.guess.length; k++) {
    prod *= (s.correct[k] as number + TINY) / (s.guess[k] as number + SMALL);
    out.push(prod ** (1 / (k + 1)));
  }
  const ratio = (s.testlen + TINY) / (s.reflen + SMALL);
  if (ratio < 1) for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) * Math.exp(1 - 1 / ratio);
  return out;
}

/**
 * Corpus-level BLEU-1..4 of candidate captions against their references.
 * @example
 * bleu(['a man riding a horse'], [['a man rides a horse', 'a person on a horse']]).bleu1
 */
export function bleu(candidates: string[], references: string[][],
  options: CaptionOptions = {}): BleuScores {
  const prep = prepareCaptions('bleu', candidates, references, options);
  const [bleu1, bleu2, bleu3, bleu4] = bleuFromStats(bleuStats(prep)) as [number, number, number, number];
  return { bleu1, bleu2, bleu3, bleu4 };
}
