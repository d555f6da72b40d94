// fv.data: IDX files, real and binarised MNIST, mini-batches.
export { readIdx, parseIdx, IDX_IMAGES, IDX_LABELS, type IdxArray } from './idx.js';
export { mnist, binarizedMnist, mnistDir, BINARIZE_SEED, type Dataset, type MnistDataset, type MnistTensorOptions } from './mnist.js';
export { batches, permutation, type Batch, type BatchOptions, type BatchSource } from './batches.js';
export { fashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR } from './fashion-mnist.js';
export { twoDigitMnist, type ImageDataset } from './two-digits.js';
export { colourImages, decodePng, emojiDir, type ColourSet, type DecodedPng } from './colour.js';
export { clutteredMnist, CLUTTERED_TEST_SEED, CLUTTERED_VALID_SEED, CLUTTERED_TEST_SIZE, CLUTTERED_TRAIN_DIGITS, type ClutteredMnist, type ClutteredOptions, type ClutteredBatch, type ClutteredSplit } from './cluttered.js';
export { decodeImage, loadImage, loadImages, normalizeImage, NORMALIZE_PRESETS, type DecodedImage, type ImageSource, type ImageFit, type LoadImageOptions, type NormalizePreset } from './image.js';
export * as captions from './captions/index.js';
