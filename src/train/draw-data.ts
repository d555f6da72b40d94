// The images of each DRAW preset: training, validation (model selection and the
// learning-rate schedule) and test (reported only), with how they were made.
import { binarizedMnist, BINARIZE_SEED } from '../data/mnist.js';
import { twoDigitMnist } from '../data/two-digits.js';
import { DRAW_PRESETS, type DrawConfig, type DrawPreset, type ImageSet } from '../models/draw.js';

export interface DrawData {
  train: ImageSet;
  /** Held out from the training images; absent where the data has no such split (the colour presets). */
  valid?: ImageSet;
  test: ImageSet;
  /** How the data was made (goes into results.json). */
  description: string;
}

/** The training, validation and test images of a preset. */
export async function drawData(preset: DrawPreset): Promise<DrawData> {
  const bin = binarizedMnist();
  switch (preset) {
    case 'mnist':
    case 'mnist-noattn':
      return {
        train: bin.train,
        valid: bin.valid,
        test: bin.test,
        description: `binarised MNIST (train = first 50,000 MNIST training images, validation = the last 10,000, test = the 10,000 test images; one Bernoulli draw per pixel, Philox seed ${BINARIZE_SEED})`,
      };
    case 'two-digits':
      return {
        train: twoDigitMnist(bin.train, { count: 50000, seed: 1 }),
        valid: twoDigitMnist(bin.valid, { count: 10000, seed: 3 }),
        test: twoDigitMnist(bin.test, { count: 10000, seed: 2 }),
        description: 'two-digit 60×60 MNIST: two binarised MNIST digits at uniform random places, added and clipped at 1 (train from the 50k training digits, seed 1; validation from the 10k validation digits, seed 3; test from the test digits, seed 2)',
      };
    case 'svhn':
    case 'cifar': {
      const { colourImages } = await import('../data/colour.js');
      const size = DRAW_PRESETS[preset].width;
      const d = colourImages({ size });
      return { train: d.train, test: d.test, description: `${d.description} (SVHN and CIFAR-10 are not obtainable here; the ${preset} architecture runs on these; no validation split: no selection or lr schedule)` };
    }
  }
}

/** The dataset a model was made for, from its image size. */
export function presetOfConfig(c: DrawConfig): DrawPreset {
  if (c.channels === 3) return c.width === DRAW_PRESETS.svhn.width ? 'svhn' : 'cifar';
  return c.width === DRAW_PRESETS['two-digits'].width ? 'two-digits' : 'mnist';
}
