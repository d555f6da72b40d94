// What the captioner commands share: opening a dataset from --data, building the
// encoder from its spec, the feature cache with a progress bar, and the checkpoint
// metadata that ties a captioner to the data and encoder it was trained on.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fail } from '../../errors.js';
import { tensor } from '../../creation.js';
import { tidy } from '../../memory.js';
import { noGrad } from '../../tensor.js';
import { clipart } from '../../data/captions/clipart.js';
import { type CaptionDataset } from '../../data/captions/dataset.js';
import { featureCache, type FeatureCache, type FeatureEncoder } from '../../data/captions/feature-cache.js';
import { karpathy } from '../../data/captions/karpathy.js';
import { scenes } from '../../data/captions/scenes.js';
import { pooledPixelEncoder } from '../../models/captioner/pixel-encoder.js';
import { efficientNetLite0, type EfficientNetLayer } from '../../models/efficientnet-lite0.js';
import { normalizeImage } from '../../data/image.js';
import { readCaptionerCheckpointInfo, type CaptionerConfig } from '../../models/captioner/index.js';
import { ProgressBar } from './progress.js';

/** Checkpoint metadata: the --data spec (with n and seed for scenes) and the --encoder spec. */
export const DATA_KEY = 'captioner_data';
export const ENCODER_KEY = 'captioner_encoder';

export interface DataSpec {
  data: string;
  n?: number;
  seed?: number;
  minCount?: number;
  /** Karpathy: the image folder, when not beside the JSON. */
  images?: string;
}

/** foveate's cache folder: FOVEATE_HOME, default ~/.cache/foveate. */
export function foveateHome(): string {
  return process.env.FOVEATE_HOME || join(homedir(), '.cache', 'foveate');
}

/** The dataset `--data scenes|clipart|karpathy:PATH` names (Karpathy images beside the JSON unless `images` says). */
export function openCaptionData(cmd: string, spec: DataSpec, images?: string): CaptionDataset {
  const { data } = spec;
  const vocabulary = spec.minCount === undefined ? {} : { vocabulary: { minCount: spec.minCount } };
  if (data === 'scenes') return scenes({ ...(spec.n === undefined ? {} : { n: spec.n }), ...(spec.seed === undefined ? {} : { seed: spec.seed }), ...vocabulary });
  if (data === 'clipart') return clipart({ ...vocabulary });
  if (data.startsWith('karpathy:')) {
    const json = resolve(data.slice('karpathy:'.length));
    if (json === resolve('')) fail(cmd, `--data karpathy:PATH needs the path of a dataset_*.json, got '${data}'`);
    return karpathy(json, images ?? spec.images ?? dirname(json), vocabulary);
  }
  return fail(cmd, `--data must be scenes, clipart or karpathy:PATH, got '${data}'`);
}

/**
 * The encoder an --encoder spec names: 'efficientnet-lite0[:LAYER[:SIZE]]', the
 * ImageNet network (default block10 at 224: its 14×14×112 map, L = 196 as the paper's,
 * and 0.88 GB of float32 features for 10,000 images where the 1,280-channel head would
 * take 10 GB), or 'pixels[:SIZE[:GRID]]', the parameter-free pooled-pixel encoder.
 */
export function openEncoder(cmd: string, spec: string): FeatureEncoder {
  const [name, ...args] = spec.split(':');
  if (name === 'pixels') {
    const [size = 224, grid = 14] = args.map(Number);
    if (args.length > 2 || !Number.isSafeInteger(size) || !Number.isSafeInteger(grid) || grid < 1 || size < grid || size % grid !== 0) {
      fail(cmd, `--encoder pixels:SIZE:GRID needs integers with SIZE a multiple of GRID, got '${spec}'`);
    }
    return pooledPixelEncoder({ size, grid });
  }
  if (name === 'efficientnet-lite0') {
    const layer = (args[0] ?? 'block10') as EfficientNetLayer;
    const size = Number(args[1] ?? 224);
    if (args.length > 2 || !Number.isSafeInteger(size) || size < 32 || size % 32 !== 0) fail(cmd, `--encoder efficientnet-lite0:LAYER:SIZE needs SIZE a multiple of 32, got '${spec}'`);
    const net = efficientNetLite0();
    net.eval();
    // Checks the layer name now, on a tiny input, rather than after the dataset is read.
    noGrad(() => tidy(() => void net.features(normalizeImage(tensor(new Float32Array(3 * 32 * 32), [1, 3, 32, 32]), 'efficientnet-lite'), { layer })));
    return { name: 'efficientnet-lite0', layer, size, encode: (x) => net.features(normalizeImage(x, 'efficientnet-lite'), { layer }) };
  }
  return fail(cmd, `--encoder must be pixels[:SIZE:GRID] or efficientnet-lite0[:LAYER[:SIZE]], got '${spec}'`);
}

/** The dataset's features under `root` (computed where missing, with a progress bar). */
export async function datasetFeatures(dataset: CaptionDataset, encoder: FeatureEncoder, root: string): Promise<FeatureCache> {
  const bar = new ProgressBar({ total: dataset.images.length, label: `features ${encoder.name}/${encoder.layer} (${dataset.name})`, unit: 'images' });
  let shown = 0;
  const cache = await featureCache(
    root,
    encoder,
    { keys: dataset.images.map((im) => `${dataset.name}/${im.key}`), files: dataset.images.map((im) => im.file), pixels: (i) => dataset.pixels(i, { size: encoder.size }) },
    {
      onProgress: (done) => {
        bar.tick(done - shown);
        shown = done;
      },
    },
  );
  return cache;
}

/** A captioner checkpoint's config and the data and encoder it was trained on. */
export function captionerRunInfo(cmd: string, path: string): { config: CaptionerConfig; data: DataSpec; encoder: string } {
  const { config, metadata } = readCaptionerCheckpointInfo(path);
  const data = metadata[DATA_KEY];
  const encoder = metadata[ENCODER_KEY];
  if (data === undefined || encoder === undefined) fail(cmd, `${path}: a captioner checkpoint without ${DATA_KEY}/${ENCODER_KEY} metadata (not written by 'foveate train captioner'): its encoder is unknown`);
  let spec: DataSpec;
  try {
    spec = JSON.parse(data) as DataSpec;
  } catch {
    return fail(cmd, `${path}: metadata ${DATA_KEY} is not JSON`);
  }
  return { config, data: spec, encoder };
}

/** Refuses a dataset whose vocabulary is not the checkpoint's (the ids would mean other words). */
export function checkVocabulary(cmd: string, path: string, config: CaptionerConfig, dataset: CaptionDataset): void {
  const words = dataset.vocabulary.words;
  if (!config.words || config.words.length !== words.length || config.words.some((w, i) => w !== words[i])) {
    fail(cmd, `${path} was trained with another vocabulary (${config.vocabSize} words) than ${dataset.name} gives (${words.length} words): the data or its options differ`);
  }
}
