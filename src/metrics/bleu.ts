/**
 * Corpus BLEU-1..4 exactly as coco-caption's BleuScorer (option 'closest'): clipped n-gram
 * matches and candidate n-gram counts summed over all images, the reference length per
 * image is the one closest to the candidate's (ties go to the shorter), and its
 * 1e-15 / 1e-9 constants guard the ratios (PAPERS.md §4).
 */
import { prepareCaptions, splitWords, ngramCounts, ngramOrder } from './captions.js';
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
  prep.candidates.forEach((cand, i) => {
    const maxcounts = new Map<string, number>();
    const reflens: number[] = [];
    for (const ref of prep.references[i] as string[]) {
      const words = splitWords(ref);
      reflens.push(words.length);
      for (const [g, c] of ngramCounts(words, n)) {
        if (c > (maxcounts.get(g) ?? 0)) maxcounts.set(g, c);
      }
    }
    const words = splitWords(cand);
    const testlen = words.length;
    // min over (|l - testlen|, l): the closest length, the shorter one on a tie
    let best = reflens[0] as number;
    for (const l of reflens) {
      const d = Math.abs(l - testlen);
      const bd = Math.abs(best - testlen);
      if (d < bd || (d === bd && l < best)) best = l;
    }
    stats.testlen += testlen;
    stats.reflen += best;
    for (let k = 1; k <= n; k++) stats.guess[k - 1] += Math.max(0, testlen - k + 1);
    for (const [g, c] of ngramCounts(words, n)) {
      stats.correct[ngramOrder(g) - 1] += Math.min(maxcounts.get(g) ?? 0, c);
    }
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
