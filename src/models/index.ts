// fv.models: ready-made models.
export { DRAW, DRAW_PRESETS, drawRollout, drawLoss, checkDrawConfig, attentionWindow, type DrawConfig, type DrawPreset, type DrawWeights, type DrawLoss, type GenerationSequence, type ImageSet, type RolloutResult } from './draw.js';
export { mnistMlp, mnistConvNet } from './mnist-classifiers.js';
export { BNInception, InceptionModule, ConvUnit, SeparableConvUnit, inceptionTable, type BNInceptionOptions, type InceptionSpec, type Stage } from './bn-inception.js';
export { bnMnistNet, foldBnMnistNet, lastSigmoidInput, type BnMnistOptions } from './bn-mnist.js';
export { DRAM, ClutteredConvNet, clutteredModel, dramRollout, dramLoss, checkClutteredConfig, DRAM_DEFAULTS, type DramConfig, type ClutteredConvConfig, type ClutteredModelConfig, type ClutteredClassifier, type DramRollout, type DramWeights } from './dram.js';
export { EfficientNetLite0, MBConvBlock, FoldedConv, efficientNetLite0, liteBlocks, liteStateShapes, LITE0_STAGES, type BlockSpec, type LiteStage, type EfficientNetLayer, type EfficientNetLite0Options, type FeaturesOptions } from './efficientnet-lite0.js';
export { CAPTIONER_CONFIG_KEY, captionerFromCheckpoint, loadCaptionerCheckpoint, readCaptionerCheckpointInfo, saveCaptionerCheckpoint, Captioner, captionerConfig, captionerLoss, captionerRollout, captionerParameterCount, checkCaptionerConfig, nextBaseline, CAPTIONER_DEFAULTS, HARD_DEFAULTS, type CaptionBatch, type CaptionerConfig, type CaptionerOptions, type CaptionerWeights, type CaptionVocab, type Caption, type BeamOptions, type GreedyOptions, type CaptionerLossParts, type AttentionKind, type HardAttentionConfig, pooledPixelEncoder } from './captioner/index.js';
export { imagenetClasses, topImagenetClasses, type ImagenetClass, type ClassScore } from './imagenet.js';
