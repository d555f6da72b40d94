// The one interface every caption dataset has (karpathy, scenes, clipart): images,
// several references per image, splits, a vocabulary from the training references,
// and length-bucketed batches. Captions are tokenised as the metrics tokenise them
// (src/metrics/tokenize.ts: PTB, lower-cased, punctuation dropped), so the words a
// model learns are the words BLEU/METEOR/CIDEr compare.
//
// The seam for an encoder feature cache: `images[i].key` names image i stably
// (the same file or the same generated scene gives the same key on every machine),
// and `pixels(i, { size })` gives the RGB pixels the encoder reads. A cache stores
// features under (dataset.name, key, encoder, layer) and never needs more than these two.
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { tokenize } from '../../metrics/tokenize.js';
import { captionBatches, lengthHistogram, type CaptionBatch, type CaptionBatchOptions } from './batches.js';
import { Vocabulary, type VocabularyOptions } from './vocabulary.js';

/** One image of a caption dataset. */
export interface CaptionImage {
  /** Its index in dataset.images. */
  index: number;
  /** A stable name for caches: the file's path under the image folder, or the scene's recipe. */
  key: string;
  /** The image file, when the image is one (Karpathy, clip-art); generated scenes have none until written. */
  file?: string;
  /** The split it belongs to (Karpathy's own name: 'restval' images are in splits.train). */
  split: string;
}

export interface CaptionDataset<I extends CaptionImage = CaptionImage> {
  /** 'karpathy:flickr8k', 'scenes', 'clipart'. */
  readonly name: string;
  readonly images: readonly I[];
  /** references[i]: the human (or grammar) captions of image i, as written. */
  readonly references: readonly (readonly string[])[];
  /** tokens[i][j]: references[i][j] tokenised as the metrics do. */
  readonly tokens: readonly (readonly (readonly string[])[])[];
  /** Image indices per split ('train', 'val', 'test', and 'heldout' for scenes). */
  readonly splits: Readonly<Record<string, Int32Array>>;
  /** Words of the training references. */
  readonly vocabulary: Vocabulary;
  /** One epoch of length-bucketed batches (see batches.ts). */
  batches(options?: CaptionBatchOptions): Generator<CaptionBatch>;
  /** Captions per word count in a split (0 = empty); what batches leave out shows here. */
  lengths(split: string): Map<number, number>;
  /**
   * Image i as RGB floats in [0, 1], [3, size, size] row-major (default size 224):
   * files are scaled so the shorter side is `size` and centre-cropped (clip-art is
   * fitted whole on white). Asynchronous, as decoding files is.
   */
  pixels(i: number, options?: { size?: number }): Promise<Float32Array>;
}

export interface DatasetParts<I extends CaptionImage> {
  name: string;
  images: I[];
  references: string[][];
  /** Token lists when the source has its own (default: tokenize each reference). */
  tokens?: string[][][];
  splits: Record<string, Int32Array>;
  vocabulary?: VocabularyOptions;
  pixels: (i: number, size: number) => Promise<Float32Array>;
}

/** Checks `size` for pixels(): a positive integer. */
export function checkSize(op: string, size: unknown): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > 8192) fail(op, `size must be an integer in 1..8192, got ${JSON.stringify(size)}`);
  return size;
}

/** Assembles a dataset from its parts: tokens, the vocabulary of the train split, batches. */
export function captionDataset<I extends CaptionImage>(parts: DatasetParts<I>): CaptionDataset<I> {
  const { name, images, references, splits } = parts;
  const tokens = parts.tokens ?? references.map((refs) => refs.map((r) => tokenize(r)));
  const train = splits.train ?? new Int32Array(0);
  const vocabulary = Vocabulary.build((function* () {
    for (const i of train) yield* tokens[i]!;
  })(), parts.vocabulary);
  const source = { tokens, splits, vocabulary };
  return {
    name,
    images,
    references,
    tokens,
    splits,
    vocabulary,
    batches: (options?: CaptionBatchOptions) => captionBatches(source, options),
    lengths: (split: string) => lengthHistogram(source, split),
    pixels: async (i: number, options: { size?: number } = {}) => {
      const op = `${name}.pixels`;
      checkOptions(op, options, ['size']);
      if (!Number.isSafeInteger(i) || i < 0 || i >= images.length) fail(op, `image index ${i} is outside 0..${images.length - 1}`);
      return parts.pixels(i, checkSize(op, options?.size ?? 224));
    },
  };
}
