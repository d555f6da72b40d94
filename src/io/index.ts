// fv.io: safetensors files, training checkpoints, legacy PyTorch files and the
// fetched assets (FOVEATE_HOME).
export { save, load, loadFile, serialize, deserialize, type SafetensorsFile } from './safetensors.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, type Checkpoint, type HasStateDict, type LoadedCheckpoint } from './checkpoint.js';
export { loadTorchLegacy, type TorchTensor } from './torch-legacy.js';
export { ASSETS, assetPath, assetSpec, fetchCommand, findAsset, foveateHome, requireAsset, type AssetName, type AssetSpec } from './assets.js';
export { fetchAsset, sha256, type FetchOptions, type FetchResult } from './fetch-asset.js';
