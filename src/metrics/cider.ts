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
import { prepareCaptions, splitWords, NgramIndex, countIds } from './captions.js';
import type { CaptionOptions } from './captions.js';
import { mean } from './rouge.js';

const N = 4;
const SIGMA = 6.0;

/** A tf-idf vector: n-gram ids in coco-caption's order with their weights. */
interface TfIdf { ids: number[]; vals: number[]; order: number[]; norm: number[]; length: number }

function toVec(ids: number[], scratch: Int32Array, index: NgramIndex, idf: Float64Array): TfIdf {
  const c = countIds(ids, scratch);
  const sq = new Array<number>(N).fill(0);
  const order = c.ids.map((id) => (index.order[id] as number) - 1);
  let length = 0;
  const vals = c.ids.map((id, k) => {
    const n = order[k] as number;
    const tf = c.counts[k] as number;
    const v = tf * (idf[id] as number);
    sq[n] += v ** 2;
    if (n === 1) length += tf;
    return v;
  });
  return { ids: c.ids, vals, order, norm: sq.map(Math.sqrt), length };
}

/** Add the clipped, length-penalised cosine similarity per n to `out`. */
function sim(h: TfIdf, r: TfIdf, refVal: Float64Array, out: number[]): void {
  const delta = h.length - r.length;
  // np.e ** x as coco-caption writes it
  const penalty = Math.pow(Math.E, -(delta ** 2) / (2 * SIGMA ** 2));
  r.ids.forEach((id, k) => { refVal[id] = r.vals[k] as number; });
  const val = new Array<number>(N).fill(0);
  h.ids.forEach((id, k) => {
    const x = refVal[id] as number;
    val[h.order[k] as number] += Math.min(h.vals[k] as number, x) * x;
  });
  for (const id of r.ids) refVal[id] = 0;
  for (let n = 0; n < N; n++) {
    let v = val[n] as number;
    const nh = h.norm[n] as number;
    const nr = r.norm[n] as number;
    if (nh !== 0 && nr !== 0) v /= nh * nr;
    out[n] = (out[n] as number) + v * penalty;
  }
}

/** Per-image CIDEr-D scores (document frequencies from this corpus's references). */
export function ciderPerImage(candidates: string[], references: string[][],
  options: CaptionOptions = {}): number[] {
  const prep = prepareCaptions('cider', candidates, references, options);
  const index = new NgramIndex();
  const refIds = prep.references.map((rs) => rs.map((r) => index.ids(splitWords(r), N)));
  const candIds = prep.candidates.map((c) => index.ids(splitWords(c), N));
  // Document frequency: the number of images whose references contain the n-gram.
  const df = new Int32Array(index.size);
  const lastImage = new Int32Array(index.size).fill(-1);
  refIds.forEach((refs, i) => {
    for (const ids of refs) for (const id of ids) if (lastImage[id] !== i) { lastImage[id] = i; df[id]++; }
  });
  const refLen = Math.log(prep.references.length);
  const idf = new Float64Array(index.size);
  for (let id = 0; id < idf.length; id++) idf[id] = refLen - Math.log(Math.max(1, df[id] as number));
  const scratch = new Int32Array(index.size);
  const refVal = new Float64Array(index.size);
  return candIds.map((ids, i) => {
    const h = toVec(ids, scratch, index, idf);
    const score = new Array<number>(N).fill(0);
    const refs = refIds[i] as number[][];
    for (const r of refs) sim(h, toVec(r, scratch, index, idf), refVal, score);
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
