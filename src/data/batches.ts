// Mini-batches over an in-memory dataset, in order or in a seeded shuffled
// order (PyTorch's DataLoader with a generator, in small).
import { checkOptions } from '../options.js';
import { tensor } from '../creation.js';
import { fail } from '../errors.js';
import { type Tensor } from '../tensor.js';
import { type DeviceName } from '../device.js';

/** Examples of `shape[1..]` each, stored row-major; labels optional. */
export interface BatchSource {
  images: Float32Array;
  labels?: Int32Array;
  shape: readonly number[];
}

export interface BatchOptions {
  batchSize: number;
  /** Visit the examples in a random order drawn from `seed` (default false). */
  shuffle?: boolean;
  /** The order's seed: the same seed gives the same batches (default 0). */
  seed?: number;
  /** Skip a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  device?: DeviceName;
}

export interface Batch {
  /** [b, ...shape[1..]] float32. */
  x: Tensor;
  /** [b] int32, when the source has labels. */
  y: Tensor | undefined;
  /** The examples' indices in the source. */
  indices: Int32Array;
}

/** A small seeded generator (splitmix32) for data order and synthesis: independent of fv.seed's stream. */
export function splitmix(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** 0..n-1, Fisher–Yates shuffled under `seed`. */
export function permutation(n: number, seed: number): Int32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31 - 1) fail('permutation', `n must be a non-negative integer below 2³¹, got ${String(n)}`);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) fail('permutation', `seed must be a finite number, got ${String(seed)}`);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const next = splitmix(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Yields one epoch of batches as tensors (the caller disposes them, or runs the
 * loop body in `fv.tidy`).
 * @example for (const { x, y } of fv.data.batches(fv.data.mnist({ split: 'train' }), { batchSize: 64, shuffle: true, seed: epoch })) { … }
 */
export function* batches(source: BatchSource, options: BatchOptions): Generator<Batch> {
  const op = 'batches';
  checkOptions(op, options, ['batchSize', 'shuffle', 'seed', 'dropLast', 'device']);
  const { batchSize, shuffle = false, seed = 0, dropLast = false, device } = options ?? ({} as BatchOptions);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isSafeInteger(seed) || seed < 0) fail(op, `seed must be a non-negative integer, got ${String(seed)}`);
  if (!(source?.images instanceof Float32Array) || !Array.isArray(source.shape) || source.shape.length < 1) fail(op, 'dataset must have images (Float32Array) and shape [n, ...]');
  const [n, ...rest] = source.shape as number[];
  const per = rest.reduce((a, b) => a * b, 1);
  if (source.images.length !== n! * per) fail(op, `images hold ${source.images.length} values, shape [${source.shape}] needs ${n! * per}`);
  if (source.labels && source.labels.length !== n) fail(op, `${source.labels.length} labels for ${n} examples`);
  // An empty epoch would end a training loop at once, or average over nothing downstream.
  if (n === 0) fail(op, `dataset is empty (shape [${source.shape}])`);
  if (dropLast && batchSize > n!) fail(op, `batchSize ${batchSize} with dropLast leaves no batch: the dataset has ${n} examples`);
  const order = shuffle ? permutation(n!, seed) : Int32Array.from({ length: n! }, (_, i) => i);
  for (let start = 0; start < n!; start += batchSize) {
    const b = Math.min(batchSize, n! - start);
    if (b < batchSize && dropLast) return;
    const indices = order.subarray(start, start + b);
    const x = new Float32Array(b * per);
    indices.forEach((k, i) => x.set(source.images.subarray(k * per, (k + 1) * per), i * per));
    const labels = source.labels;
    yield {
      x: tensor(x, [b, ...rest], { device }),
      y: labels ? tensor(Int32Array.from(indices, (k) => labels[k]!), [b], { device }) : undefined,
      indices: indices.slice(),
    };
  }
}
