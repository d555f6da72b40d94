// Show, Attend and Tell's captioner (PAPERS.md §3): config, attention step, decoder, losses, decoding, model.
export { CAPTIONER_DEFAULTS, HARD_DEFAULTS, checkCaptionerConfig, captionerParameterCount, type AttentionKind, type CaptionerConfig, type CaptionVocab, type HardAttentionConfig } from './config.js';
export { attend, prepareAttention, sampleLocations, type AttendHow, type AttendResult, type CaptionerWeights, type PreparedAnnotations } from './attend.js';
export { captionerRollout, decoderStep, deepOutput, initDecoder, type Rollout, type RolloutOptions } from './decoder.js';
export { captionerLoss, nextBaseline, type CaptionerLossOptions, type CaptionerLossParts } from './losses.js';
export { beamSearch, greedy, type BeamOptions, type Caption, type GreedyOptions } from './decode.js';
export { Captioner, captionerConfig, type CaptionBatch, type CaptionerOptions } from './model.js';
export { CAPTIONER_CONFIG_KEY, captionerFromCheckpoint, loadCaptionerCheckpoint, readCaptionerCheckpointInfo, saveCaptionerCheckpoint } from './checkpoint.js';
export { pooledPixelEncoder } from './pixel-encoder.js';
