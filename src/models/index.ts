// fv.models: ready-made models.
export { DRAW, DRAW_PRESETS, drawRollout, drawLoss, checkDrawConfig, attentionWindow, type DrawConfig, type DrawPreset, type DrawWeights, type DrawLoss, type GenerationSequence, type ImageSet, type RolloutResult } from './draw.js';
export { mnistMlp, mnistConvNet } from './mnist-classifiers.js';
export { BNInception, InceptionModule, ConvUnit, SeparableConvUnit, inceptionTable, type BNInceptionOptions, type InceptionSpec, type Stage } from './bn-inception.js';
export { bnMnistNet, foldBnMnistNet, lastSigmoidInput, type BnMnistOptions } from './bn-mnist.js';
export { DRAM, ClutteredConvNet, clutteredModel, dramRollout, dramLoss, checkClutteredConfig, DRAM_DEFAULTS, type DramConfig, type ClutteredConvConfig, type ClutteredModelConfig, type ClutteredClassifier, type DramRollout, type DramWeights } from './dram.js';
export { EfficientNetLite0, MBConvBlock, FoldedConv, efficientNetLite0, liteBlocks, liteStateShapes, LITE0_STAGES, type BlockSpec, type LiteStage, type EfficientNetLayer, type EfficientNetLite0Options, type FeaturesOptions } from './efficientnet-lite0.js';
