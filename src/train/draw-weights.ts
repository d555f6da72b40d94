// Shippable DRAW weights: a checkpoint's model tensors alone (no optimiser state),
// optionally in float16 (half the size: the attention-free MNIST model is 10.5 MB
// in float32), with the config and where they came from (the source's step and,
// for a best.safetensors, its validation bound) in the metadata. Loading widens
// float16 back to float32, so every DRAW loader reads them as a checkpoint.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkOptions, nearestOption } from '../options.js';
import { packageDir } from '../package-dir.js';
import { fail } from '../errors.js';
import { getRngState, setRngState } from '../random.js';
import { loadFile } from '../io/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { DRAW } from '../models/draw.js';
import { DRAW_CONFIG_KEY, readDrawConfig, readDrawExtras } from './draw.js';

/** The shipped DRAW weights: weights/draw-NAME.safetensors in the package. */
export const PRETRAINED_DRAW = ['mnist', 'mnist-noattn'] as const;
export type PretrainedDraw = (typeof PRETRAINED_DRAW)[number];

/** The file of shipped weights `name`, or an error (prefixed `op`) naming the choices or the missing file. */
export function pretrainedDrawPath(name: string, op = 'pretrained DRAW'): string {
  if (!(PRETRAINED_DRAW as readonly string[]).includes(name)) {
    const near = nearestOption(name, PRETRAINED_DRAW);
    fail(op, `--pretrained must be one of ${PRETRAINED_DRAW.join(', ')}, got '${name}'${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  const path = join(packageDir, 'weights', `draw-${name}.safetensors`);
  if (!existsSync(path)) fail(op, `--pretrained ${name}: ${path} is missing from this installation`);
  return path;
}

/** Metadata key of exported weights: {source, step, dtype, validNll, validImages}. */
export const DRAW_EXPORT_KEY = 'draw_export';

export interface DrawExportInfo {
  /** The source file's name. */
  source: string;
  step: number;
  dtype: 'float32' | 'float16';
  /** The validation bound of the source weights, when the source records it (best.safetensors does), else null. */
  validNll: number | null;
  validImages: number | null;
}

/**
 * Writes the model weights of DRAW checkpoint `source` to `out` (float32 or float16).
 * @example exportDrawWeights('runs/draw-mnist/best.safetensors', 'weights/draw-mnist.safetensors', { dtype: 'float16' });
 */
export function exportDrawWeights(source: string, out: string, options: { dtype?: 'float32' | 'float16' } = {}): DrawExportInfo {
  const op = 'exportDrawWeights';
  checkOptions(op, options, ['dtype']);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float16') fail(op, `dtype must be 'float32' or 'float16', got ${JSON.stringify(dtype)}`);
  const config = readDrawConfig(source);
  const { best } = readDrawExtras(source);
  // Building the model draws initial weights: the caller's RNG stream is left as it was.
  const saved = getRngState();
  const model = new DRAW(config);
  setRngState(saved);
  try {
    const { step, rng } = loadCheckpoint(source, { model, restoreRng: false });
    const info: DrawExportInfo = { source: basename(source), step, dtype, validNll: best?.step === step ? best.validNll : null, validImages: best?.step === step ? best.validImages : null };
    saveCheckpoint(out, { model, step, rng, float16: dtype === 'float16', metadata: { [DRAW_CONFIG_KEY]: JSON.stringify(config), [DRAW_EXPORT_KEY]: JSON.stringify(info) } });
    return info;
  } finally {
    model.dispose();
  }
}

/** The export record of a weights file, or undefined for a plain checkpoint. */
export function readDrawExport(path: string): DrawExportInfo | undefined {
  const { tensors, metadata } = loadFile(path, 'DRAW weights');
  for (const t of Object.values(tensors)) t.dispose();
  const text = metadata[DRAW_EXPORT_KEY];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as DrawExportInfo;
  } catch {
    return fail('DRAW weights', `${path}: metadata ${DRAW_EXPORT_KEY} is not valid JSON`);
  }
}
