// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 grey images of 10 kinds of
// clothing, MNIST's file format and sizes, from Debian's package
// dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz). The data are
// not shipped with foveate: `apt-get install dataset-fashion-mnist`, or point
// FOVEATE_FASHION_MNIST_DIR (or options.dir) at a folder with the four files.
import { checkOptions } from '../options.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';
import { IDX_IMAGES, IDX_LABELS, readIdx } from './idx.js';
import { type Dataset } from './mnist.js';

/** Where Debian's dataset-fashion-mnist puts the files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** The classes in label order. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The file `name` in `dir`, gzipped or not, or undefined. */
function find(dir: string, name: string): string | undefined {
  return [join(dir, `${name}.gz`), join(dir, name)].find((p) => existsSync(p));
}

const cache = new Map<string, Dataset>();

/**
 * Fashion-MNIST: 60000 training or 10000 test images as floats in [0, 1] with
 * labels 0–9 (FASHION_MNIST_CLASSES). Read once per process and shared.
 * @example const { images, labels, shape } = fv.data.fashionMnist({ split: 'train' });
 */
export function fashionMnist(options: { split: 'train' | 'test'; dir?: string }): Dataset {
  const op = 'fashionMnist';
  checkOptions(op, options, ['split', 'dir']);
  const split = options?.split;
  if (split !== 'train' && split !== 'test') fail(op, `split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const dir = options.dir ?? process.env.FOVEATE_FASHION_MNIST_DIR ?? FASHION_MNIST_DEBIAN_DIR;
  const key = `${dir}\0${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const [imgName, labName] = FILES[split];
  const imgPath = find(dir, imgName);
  const labPath = find(dir, labName);
  if (!imgPath || !labPath) {
    fail(op, `${imgPath ? labName : imgName}(.gz) not found in ${dir}: install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or set FOVEATE_FASHION_MNIST_DIR to a folder holding the Fashion-MNIST IDX files`);
  }
  const img = readIdx(imgPath, IDX_IMAGES);
  const lab = readIdx(labPath, IDX_LABELS);
  const [n, h, w] = img.dims as [number, number, number];
  if (img.dims.length !== 3 || h !== 28 || w !== 28) fail(op, `${imgPath}: images are [${img.dims}], expected [n,28,28]`);
  if (lab.dims.length !== 1 || lab.dims[0] !== n) fail(op, `${labPath}: ${lab.dims[0]} labels for ${n} images`);
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i]! / 255;
  const labels = Int32Array.from(lab.data);
  for (let i = 0; i < n; i++) if (labels[i]! > 9) fail(op, `${labPath}: label ${labels[i]} of image ${i} is not a class 0–9`);
  const ds: Dataset = { images, labels, shape: [n, h, w] };
  cache.set(key, ds);
  return ds;
}
