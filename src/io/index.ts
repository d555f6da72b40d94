// fv.io: safetensors files and training checkpoints.
export { save, load, loadFile, serialize, deserialize, type SafetensorsFile } from './safetensors.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, type Checkpoint, type HasStateDict, type LoadedCheckpoint } from './checkpoint.js';
