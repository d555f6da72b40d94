// fv.data.captions: caption datasets with one interface (images, several references
// per image, splits, a vocabulary, length-bucketed batches): Karpathy's JSON splits of
// Flickr8k/30k/COCO, foveate scenes (photo cut-outs composed, captions from a grammar
// of true spatial relations) and Open Clip Art drawings with their titles and descriptions.
export { karpathy, KARPATHY_SPLITS, type KarpathyImage, type KarpathyOptions } from './karpathy.js';
export { scenes, type CutOut, type SceneImage, type SceneObject, type ScenesDataset, type ScenesOptions } from './scenes.js';
export { scenesToKarpathy, sceneFilename, type ScenesJsonOptions } from './scenes-json.js';
export { clipart, OPENCLIPART_PNG_DIR, OPENCLIPART_SVG_DIR, type ClipartDataset, type ClipartImage, type ClipartOptions } from './clipart.js';
export { captionDataset, type CaptionDataset, type CaptionImage, type DatasetParts } from './dataset.js';
export { captionBatches, lengthHistogram, DEFAULT_MAX_LENGTH, type CaptionBatch, type CaptionBatchOptions, type CaptionSource } from './batches.js';
export { Vocabulary, PAD, START, EOS, UNK, SPECIAL_TOKENS, type VocabularyJson, type VocabularyOptions, type EncodeOptions } from './vocabulary.js';
export { STAMP_TABLE, TUXPAINT_STAMPS_DIR, englishLine, nounPhrase, stampCatalogue, type StampInfo } from './stamps.js';
export { describeScene, article, type Mention, type Reference } from './grammar.js';
export { BACKGROUND_COLOURS, BACKGROUND_KINDS, type Background, type BackgroundKind } from './background.js';
export { type Box } from './raster.js';
export { type SceneSplit } from './heldout.js';
export { featureCache, featureFingerprint, encodeAnnotations, toAnnotations, FeatureCache, type FeatureEncoder, type FeatureImages, type FeatureCacheOptions } from './feature-cache.js';
