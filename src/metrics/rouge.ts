/**
 * ROUGE-L as coco-caption's Rouge scorer: per image, the longest common subsequence with
 * each reference gives precision and recall; the best precision and the best recall
 * (taken separately) make an F-measure with beta = 1.2; the corpus score is the mean.
 */
import { prepareCaptions } from './captions.js';
import type { CaptionOptions } from './captions.js';

const BETA = 1.2;

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: string[], b: string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let prev = new Int32Array(short.length + 1);
  let cur = new Int32Array(short.length + 1);
  for (let i = 1; i <= long.length; i++) {
    const w = long[i - 1];
    for (let j = 1; j <= short.length; j++) {
      cur[j] = w === short[j - 1] ? (prev[j - 1] as number) + 1
        : Math.max(prev[j] as number, cur[j - 1] as number);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[short.length] as number;
}

/** ROUGE-L of one tokenised candidate; coco-caption splits on ' ', so '' is one empty token. */
export function rougeLSentence(candidate: string, references: string[]): number {
  const c = candidate.split(' ');
  let precMax = 0;
  let recMax = 0;
  for (const ref of references) {
    const r = ref.split(' ');
    const lcs = lcsLength(r, c);
    precMax = Math.max(precMax, lcs / c.length);
    recMax = Math.max(recMax, lcs / r.length);
  }
  if (precMax === 0 || recMax === 0) return 0;
  return ((1 + BETA ** 2) * precMax * recMax) / (recMax + BETA ** 2 * precMax);
}

/** Per-image ROUGE-L scores. */
export function rougeLPerImage(candidates: string[], references: string[][],
  options: CaptionOptions = {}): number[] {
  const prep = prepareCaptions('rougeL', candidates, references, options);
  return prep.candidates.map((c, i) => rougeLSentence(c, prep.references[i] as string[]));
}

/**
 * Mean ROUGE-L over images.
 * @example
 * rougeL(['a man riding a horse'], [['a man rides a horse']]) // 0.8
 */
export function rougeL(candidates: string[], references: string[][],
  options: CaptionOptions = {}): number {
  return mean(rougeLPerImage(candidates, references, options));
}

export function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
