/**
 * CIDEr-D exactly as coco-caption's `cider` scorer (Vedantam et al. 2015, with the
 * coco-caption changes): n = 1..4 tf-idf vectors whose document frequencies come from
 * the evaluated references, idf = log(#images) - log(max(1, df)), clipped similarity
 * min(hyp, ref) * ref, a Gaussian length penalty (sigma 6), mean over n, mean over
 * references, x10, mean over images.
 *
 * coco-caption's "length" counts the n-grams of order 2 (its `if n == 1` tests the
 * 0-based order), i.e. max(0, words - 1); we keep that detail.
 */
import { prepareCaptions, splitWords, ngramCounts, ngramOrder } from './captions.js';
import type { CaptionOptions } from './captions.js';
import { mean } from './rouge.js';

const N = 4;
const SIGMA = 6.0;

interface TfIdf { vec: Map<string, number>[]; norm: number[]; length: number }

function toVec(counts: Map<string, number>, df: Map<string, number>, refLen: number): TfIdf {
  const vec = Array.from({ length: N }, () => new Map<string, number>());
  const sq = new Array<number>(N).fill(0);
  let length = 0;
  for (const [g, tf] of counts) {
    const n = ngramOrder(g) - 1;
    const v = tf * (refLen - Math.log(Math.max(1, df.get(g) ?? 0)));
    (vec[n] as Map<string, number>).set(g, v);
    sq[n] += v ** 2;
    if (n === 1) length += tf;
  }
  return { vec, norm: sq.map(Math.sqrt), length };
}

function sim(h: TfIdf, r: TfIdf, out: number[]): void {
  const delta = h.length - r.length;
  // np.e ** x as coco-caption writes it
  const penalty = Math.pow(Math.E, -(delta ** 2) / (2 * SIGMA ** 2));
  for (let n = 0; n < N; n++) {
    let val = 0;
    const rv = r.vec[n] as Map<string, number>;
    for (const [g, hv] of h.vec[n] as Map<string, number>) {
      const x = rv.get(g) ?? 0;
      val += Math.min(hv, x) * x;
    }
    const nh = h.norm[n] as number;
    const nr = r.norm[n] as number;
    if (nh !== 0 && nr !== 0) val /= nh * nr;
    out[n] = (out[n] as number) + val * penalty;
  }
}

/** Per-image CIDEr-D scores (document frequencies from this corpus's references). */
export function ciderPerImage(candidates: string[], references: string[][],
  options: CaptionOptions = {}): number[] {
  const prep = prepareCaptions('cider', candidates, references, options);
  const refCounts = prep.references.map((rs) => rs.map((r) => ngramCounts(splitWords(r), N)));
  const df = new Map<string, number>();
  for (const refs of refCounts) {
    const seen = new Set<string>();
    for (const c of refs) for (const g of c.keys()) seen.add(g);
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const refLen = Math.log(prep.references.length);
  return prep.candidates.map((cand, i) => {
    const h = toVec(ngramCounts(splitWords(cand), N), df, refLen);
    const score = new Array<number>(N).fill(0);
    const refs = refCounts[i] as Map<string, number>[];
    for (const rc of refs) sim(h, toVec(rc, df, refLen), score);
    let avg = (score[0] as number) + (score[1] as number) + (score[2] as number) + (score[3] as number);
    avg /= N;
    return (avg / refs.length) * 10.0;
  });
}

/**
 * Corpus CIDEr-D: the mean of the per-image scores.
 * @example
 * cider(['a dog runs', 'a cat sleeps'], [['a dog runs'], ['a cat sleeps on a mat']])
 */
export function cider(candidates: string[], references: string[][],
  options: CaptionOptions = {}): number {
  return mean(ciderPerImage(candidates, references, options));
}
