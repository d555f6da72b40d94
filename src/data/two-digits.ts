// Two-digit MNIST (PAPERS.md §1, DRAW's Fig 8): a 60×60 zero canvas with two
// random digits pasted at uniform random places, added and clipped at 1.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { splitmix } from './batches.js';

export interface ImageDataset {
  /** n·H·W (or n·C·H·W) values in [0, 1], row-major. */
  images: Float32Array;
  /** The two digits' labels per image for two-digit MNIST ([n, 2] flattened). */
  labels: Int32Array;
  shape: number[];
}



/**
 * `count` 60×60 (or `size`×`size`) images, each two digits drawn uniformly at
 * random from `source` ([n,28,28] in [0,1]) pasted at uniform random integer
 * offsets in 0..size−28, summed and clipped at 1. Deterministic in `seed`:
 * image i uses the i-th draws of one splitmix32 stream (digit a, digit b, x_a,
 * y_a, x_b, y_b, in that order).
 * @example const ds = fv.data.twoDigitMnist(fv.data.binarizedMnist().train, { count: 10000, seed: 0 });
 */
export function twoDigitMnist(source: { images: Float32Array; labels: Int32Array; shape: readonly number[] }, options: { count: number; seed?: number; size?: number }): ImageDataset {
  const op = 'twoDigitMnist';
  checkOptions(op, options, ['count', 'seed', 'size']);
  const { count, seed = 0, size = 60 } = options ?? ({} as { count: number });
  if (!Number.isSafeInteger(count) || count < 1) fail(op, `count must be a positive integer, got ${String(count)}`);
  if (!Number.isSafeInteger(seed) || seed < 0) fail(op, `seed must be a non-negative integer, got ${String(seed)}`);
  const [n, h, w] = source.shape as [number, number, number];
  if (source.shape.length !== 3 || !(n >= 1) || source.images.length !== n * h * w) fail(op, `source must be [n,H,W] digits with n ≥ 1, got [${source.shape.join(',')}]`);
  if (!Number.isSafeInteger(size) || size < Math.max(h, w)) fail(op, `size must be an integer ≥ the digit size ${Math.max(h, w)}, got ${String(size)}`);
  const next = splitmix(seed);
  const images = new Float32Array(count * size * size);
  const labels = new Int32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const picks = [Math.floor(next() * n), Math.floor(next() * n)];
    const places = [0, 1, 2, 3].map(() => Math.floor(next() * (size - Math.max(h, w) + 1)));
    const base = i * size * size;
    picks.forEach((k, d) => {
      labels[i * 2 + d] = source.labels[k]!;
      const [ox, oy] = [places[2 * d]!, places[2 * d + 1]!];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const at = base + (oy + y) * size + ox + x;
          images[at] = Math.min(1, images[at]! + source.images[(k * h + y) * w + x]!);
        }
      }
    });
  }
  return { images, labels, shape: [count, size, size] };
}
