// Cluttered translated MNIST (PAPERS.md §1, DRAW's Table 1 and Fig 5): a zero
// size×size canvas; `distractors` crops of crop×crop pixels, each from a random
// MNIST training digit at a uniform random place in it, pasted at uniform random
// places, added and clipped at 1; then the 28×28 digit at a uniform random place,
// added and clipped to [0, 1].
//
// Images are generated on the fly: image i of (split, seed) is a pure function
// of (seed, i) — its own splitmix32 stream — so a training run needs no storage,
// a resumed run sees exactly the images of the straight run, and the test set is
// the same 10,000 images everywhere (CLUTTERED_TEST_SEED).
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { splitmix } from './batches.js';
import { mnist } from './mnist.js';

/** Seed of the fixed 10,000-image test set (DRAW's arXiv number 1502.04623). */
export const CLUTTERED_TEST_SEED = 150204623;
/** Seed of the validation images (model selection; never the test set). */
export const CLUTTERED_VALID_SEED = 150204624;
/** Images in the fixed test set. */
export const CLUTTERED_TEST_SIZE = 10000;
/** MNIST training images 0..49999 make the training digits, 50000..59999 the validation digits. */
export const CLUTTERED_TRAIN_DIGITS = 50000;

export type ClutteredSplit = 'train' | 'valid' | 'test';

export interface ClutteredOptions {
  /** Canvas side (default 100). */
  size?: number;
  /** Distractor crops per image (default 8). */
  distractors?: number;
  /** Side of a distractor crop (default 8). */
  crop?: number;
  split: ClutteredSplit;
  /** Default: CLUTTERED_TEST_SEED for test, CLUTTERED_VALID_SEED for valid, 0 for train. */
  seed?: number;
  /** Images in the set (default 10,000 for test and valid; unbounded for train). */
  count?: number;
}

export interface ClutteredBatch {
  /** n·size·size values in [0, 1], row-major [n, size, size]. */
  images: Float32Array;
  labels: Int32Array;
  shape: [number, number, number];
}

/** A digit source: [n, 28, 28] images in [0, 1] (a view of MNIST) with labels. */
interface DigitSource {
  images: Float32Array;
  labels: Int32Array;
  from: number;
  to: number;
}

/** A generated cluttered-MNIST set: images are made when asked for. */
export interface ClutteredMnist {
  readonly split: ClutteredSplit;
  readonly size: number;
  readonly distractors: number;
  readonly crop: number;
  readonly seed: number;
  /** Images in the set (Infinity for the unbounded training stream). */
  readonly count: number;
  /** Images start..start+n−1. */
  batch(start: number, n: number): ClutteredBatch;
}

const DIGIT = 28;

function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(op, `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** The per-image stream seed: a hash of (seed, index) so neighbouring images share nothing. */
export function imageSeed(seed: number, index: number): number {
  const a = splitmix((seed ^ 0x5bd1e995) >>> 0)();
  const b = splitmix((index + Math.floor(index / 4294967296) * 0x27d4eb2f) >>> 0)();
  return (Math.floor(a * 4294967296) ^ Math.imul(Math.floor(b * 4294967296), 0x9e3779b1)) >>> 0;
}

/** Writes image `index` into out (size² values, zeroed) and returns its label. */
function makeImage(out: Float32Array, o: { size: number; distractors: number; crop: number; seed: number }, digits: DigitSource, clutter: DigitSource, index: number): number {
  const { size, crop } = o;
  const next = splitmix(imageSeed(o.seed, index));
  const pick = (s: DigitSource): number => s.from + Math.floor(next() * (s.to - s.from));
  const place = (extent: number): number => Math.floor(next() * (size - extent + 1));
  const paste = (src: Float32Array, base: number, sx: number, sy: number, w: number, ox: number, oy: number): void => {
    for (let y = 0; y < w; y++) {
      const row = base + (sy + y) * DIGIT + sx;
      const at = (oy + y) * size + ox;
      for (let x = 0; x < w; x++) out[at + x] = Math.min(1, out[at + x]! + src[row + x]!);
    }
  };
  for (let d = 0; d < o.distractors; d++) {
    const k = pick(clutter);
    const sx = Math.floor(next() * (DIGIT - crop + 1));
    const sy = Math.floor(next() * (DIGIT - crop + 1));
    const ox = place(crop);
    const oy = place(crop);
    paste(clutter.images, k * DIGIT * DIGIT, sx, sy, crop, ox, oy);
  }
  const k = pick(digits);
  const ox = place(DIGIT);
  const oy = place(DIGIT);
  paste(digits.images, k * DIGIT * DIGIT, 0, 0, DIGIT, ox, oy);
  return digits.labels[k]!;
}

/**
 * Cluttered translated MNIST as PAPERS.md §1 defines it. Digits: train = MNIST
 * training images 0–49,999, valid = 50,000–59,999, test = the MNIST test images.
 * Distractors: 8×8 crops of random MNIST training digits (0–49,999) for every
 * split, as the paper says. Image i is a pure function of (seed, i); the test
 * set is the first 10,000 images under CLUTTERED_TEST_SEED.
 * @example
 * const test = fv.data.clutteredMnist({ split: 'test' });           // the fixed 10,000
 * const { images, labels, shape } = test.batch(0, 64);               // [64,100,100] in [0,1]
 * const train = fv.data.clutteredMnist({ split: 'train', seed: 7 }); // unbounded stream
 */
export function clutteredMnist(options: ClutteredOptions): ClutteredMnist {
  const op = 'clutteredMnist';
  if (typeof options !== 'object' || options === null) fail(op, "options must be an object with split 'train' | 'valid' | 'test'");
  checkOptions(op, options, ['size', 'distractors', 'crop', 'split', 'seed', 'count']);
  const split = options.split;
  if (split !== 'train' && split !== 'valid' && split !== 'test') fail(op, `split must be 'train', 'valid' or 'test', got ${JSON.stringify(split)}`);
  const size = checkInt(op, 'size', options.size ?? 100, DIGIT);
  const distractors = checkInt(op, 'distractors', options.distractors ?? 8, 0);
  const crop = checkInt(op, 'crop', options.crop ?? 8, 1);
  if (crop > DIGIT) fail(op, `crop must be at most the digit size ${DIGIT}, got ${crop}`);
  const seed = checkInt(op, 'seed', options.seed ?? (split === 'test' ? CLUTTERED_TEST_SEED : split === 'valid' ? CLUTTERED_VALID_SEED : 0), 0);
  const count = options.count === undefined ? (split === 'train' ? Infinity : CLUTTERED_TEST_SIZE) : checkInt(op, 'count', options.count, 1);
  const train = mnist({ split: 'train' });
  const clutter: DigitSource = { images: train.images, labels: train.labels, from: 0, to: CLUTTERED_TRAIN_DIGITS };
  const digits: DigitSource =
    split === 'test'
      ? (() => {
          const t = mnist({ split: 'test' });
          return { images: t.images, labels: t.labels, from: 0, to: t.shape[0] };
        })()
      : split === 'valid'
        ? { ...clutter, from: CLUTTERED_TRAIN_DIGITS, to: train.shape[0] }
        : clutter;
  const o = { size, distractors, crop, seed };
  return {
    split,
    size,
    distractors,
    crop,
    seed,
    count,
    batch(start: number, n: number): ClutteredBatch {
      checkInt(`${op}.batch`, 'start', start, 0);
      checkInt(`${op}.batch`, 'n', n, 1);
      if (start + n > count) fail(`${op}.batch`, `images ${start}..${start + n - 1} are past the end of the ${count}-image ${split} set`);
      const px = size * size;
      let images: Float32Array;
      try {
        images = new Float32Array(n * px);
      } catch {
        return fail(`${op}.batch`, `cannot allocate ${n * px * 4} bytes for ${n} images of ${size}×${size}`);
      }
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) labels[i] = makeImage(images.subarray(i * px, (i + 1) * px), o, digits, clutter, start + i);
      return { images, labels, shape: [n, size, size] };
    },
  };
}
