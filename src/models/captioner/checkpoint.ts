// Captioner checkpoints: the project's checkpoint file (weights, optimiser, step, RNG)
// with the model's config — vocabulary ids and words included — as JSON in the metadata,
// as DRAM's do, so a file rebuilds its own model and refuses another model's or
// another vocabulary's weights with a message saying which.
import { fail } from '../../errors.js';
import { type DeviceName } from '../../device.js';
import { metadataJson, readMetadata } from '../../io/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../../io/checkpoint.js';
import { type Optimizer } from '../../optim/optimizer.js';
import { checkCaptionerConfig, type CaptionerConfig } from './config.js';
import { Captioner } from './model.js';

/** Checkpoint metadata key holding the captioner's config (JSON). */
export const CAPTIONER_CONFIG_KEY = 'captioner_config';

/**
 * Saves weights (the hard-attention baseline included), optimiser, step and config.
 * @example fv.models.saveCaptionerCheckpoint('runs/c/checkpoint.safetensors', model, opt, step);
 */
export function saveCaptionerCheckpoint(path: string, model: Captioner, optimizer: Optimizer | undefined, step: number, metadata: Record<string, string> = {}): void {
  saveCheckpoint(path, { model, optimizer, step, metadata: { ...metadata, [CAPTIONER_CONFIG_KEY]: JSON.stringify(model.config) } });
}

/** The config a captioner checkpoint holds, or a clear error when it holds another model. */
export function readCaptionerCheckpointInfo(path: string): { config: CaptionerConfig; metadata: Record<string, string> } {
  const op = 'captioner checkpoint';
  const metadata = readMetadata(path, op);
  if (metadata[CAPTIONER_CONFIG_KEY] === undefined) fail(op, `${path}: not a captioner checkpoint (its metadata has no ${CAPTIONER_CONFIG_KEY}; keys: ${Object.keys(metadata).join(', ') || 'none'})`);
  const parsed = metadataJson(metadata, CAPTIONER_CONFIG_KEY, path, op);
  return { config: checkCaptionerConfig(`${op} ${path}`, parsed), metadata };
}

/** What differs between two configs, as "key: a vs b" (words compared as a whole). */
function configDiff(a: CaptionerConfig, b: CaptionerConfig): string[] {
  const ka = a as unknown as Record<string, unknown>;
  const kb = b as unknown as Record<string, unknown>;
  return Object.keys({ ...ka, ...kb })
    .filter((k) => JSON.stringify(ka[k]) !== JSON.stringify(kb[k]))
    .map((k) => (k === 'words' ? 'words: the vocabularies differ' : `${k}: ${JSON.stringify(ka[k])} vs ${JSON.stringify(kb[k])}`));
}

/** Loads a checkpoint into `model` (and optimiser) after checking it holds the same model and vocabulary; returns the step. */
export function loadCaptionerCheckpoint(path: string, model: Captioner, optimizer?: Optimizer): number {
  const { config } = readCaptionerCheckpointInfo(path);
  const diff = configDiff(config, model.config);
  if (diff.length) fail('captioner checkpoint', `${path} holds a different model (checkpoint vs this model: ${diff.join(', ')})`);
  return loadCheckpoint(path, { model, optimizer }).step;
}

/** A captioner rebuilt from a checkpoint (weights loaded, RNG untouched), with its step. */
export function captionerFromCheckpoint(path: string, init: { device?: DeviceName } = {}): { model: Captioner; step: number } {
  const { config } = readCaptionerCheckpointInfo(path);
  const model = Captioner.fromConfig(config, init);
  const step = loadCheckpoint(path, { model, restoreRng: false }).step;
  return { model, step };
}
