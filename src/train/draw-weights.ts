// Shippable DRAW weights: a checkpoint's model tensors alone (no optimiser state),
// in float32, float16 (half the size) or int8 (a quarter: each matrix row stored as
// int8 times one float32 scale, max|row| / 127; vectors stay float32) — the
// attention-free MNIST model is 11.0 MB in float32 and 5.5 MB in float16 — with the
// config and where they came from (the source's step and, for a best.safetensors,
// its validation bound) in the metadata. Loading (loadDrawWeights) gives float32.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkOptions, nearestOption } from '../options.js';
import { packageDir } from '../package-dir.js';
import { fail } from '../errors.js';
import { getRngState, setRngState } from '../random.js';
import { tensor } from '../creation.js';
import { loadFile, metadataJson, readMetadata, writeSafetensors } from '../io/safetensors.js';
import { CHECKPOINT_FORMAT, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { DRAW } from '../models/draw.js';
import { type Tensor } from '../tensor.js';
import { configDiff, DRAW_CONFIG_KEY, loadDrawCheckpoint, readDrawConfig, readDrawExtras } from './draw.js';

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

export const DRAW_WEIGHTS_DTYPES = ['float32', 'float16', 'int8'] as const;
export type DrawWeightsDtype = (typeof DRAW_WEIGHTS_DTYPES)[number];

export interface DrawExportInfo {
  /** The source file's name. */
  source: string;
  step: number;
  dtype: DrawWeightsDtype;
  /** The validation bound of the source weights, when the source records it (best.safetensors does), else null. */
  validNll: number | null;
  validImages: number | null;
}

/**
 * Writes the model weights of DRAW checkpoint `source` to `out` (float32, float16 or int8).
 * @example exportDrawWeights('runs/draw-mnist/best.safetensors', 'weights/draw-mnist.safetensors', { dtype: 'float16' });
 */
export function exportDrawWeights(source: string, out: string, options: { dtype?: DrawWeightsDtype } = {}): DrawExportInfo {
  const op = 'exportDrawWeights';
  checkOptions(op, options, ['dtype']);
  const dtype = options.dtype ?? 'float32';
  if (!DRAW_WEIGHTS_DTYPES.includes(dtype)) fail(op, `dtype must be 'float32', 'float16' or 'int8', got ${JSON.stringify(dtype)}`);
  const config = readDrawConfig(source);
  const { best } = readDrawExtras(source);
  // Building the model draws initial weights: the caller's RNG stream is left as it was.
  const saved = getRngState();
  const model = new DRAW(config);
  setRngState(saved);
  try {
    const { step, rng } = loadCheckpoint(source, { model, restoreRng: false });
    const info: DrawExportInfo = { source: basename(source), step, dtype, validNll: best?.step === step ? best.validNll : null, validImages: best?.step === step ? best.validImages : null };
    const metadata = { [DRAW_CONFIG_KEY]: JSON.stringify(config), [DRAW_EXPORT_KEY]: JSON.stringify(info) };
    if (dtype === 'int8') writeInt8(out, model, { ...metadata, format: CHECKPOINT_FORMAT, step: String(step), rng: JSON.stringify(rng) });
    else saveCheckpoint(out, { model, step, rng, float16: dtype === 'float16', metadata });
    return info;
  } finally {
    model.dispose();
  }
}

/** The export record of a weights file (checked: it decides how the file loads), or undefined for a plain checkpoint. */
export function readDrawExport(path: string): DrawExportInfo | undefined {
  const op = 'DRAW weights';
  const metadata = readMetadata(path, op);
  const r = metadataJson(metadata, DRAW_EXPORT_KEY, path, op);
  if (r === undefined) return undefined;
  const e = r as Partial<Record<keyof DrawExportInfo, unknown>>;
  const isObject = typeof r === 'object' && r !== null && !Array.isArray(r);
  if (isObject) checkOptions(`${op} ${path}: ${DRAW_EXPORT_KEY}`, r, ['source', 'step', 'dtype', 'validNll', 'validImages']);
  const orNull = (v: unknown, ok: (x: number) => boolean): boolean => v === null || (typeof v === 'number' && ok(v));
  const ok =
    isObject &&
    typeof e.source === 'string' &&
    Number.isSafeInteger(e.step) &&
    (e.step as number) >= 0 &&
    (DRAW_WEIGHTS_DTYPES as readonly unknown[]).includes(e.dtype) &&
    orNull(e.validNll, Number.isFinite) &&
    orNull(e.validImages, (x) => Number.isSafeInteger(x) && x >= 1);
  if (!ok) fail(op, `${path}: metadata ${DRAW_EXPORT_KEY} ${metadata[DRAW_EXPORT_KEY]} is not { source, step, dtype: ${DRAW_WEIGHTS_DTYPES.join('|')}, validNll, validImages }`);
  return r as DrawExportInfo;
}

/** Matrices as int8 rows with a float32 scale each (`scale.<name>`), vectors as float32. */
function writeInt8(out: string, model: DRAW, metadata: Record<string, string>): void {
  const op = 'exportDrawWeights';
  const tensors: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const [name, t] of Object.entries(model.stateDict())) {
      if (t.shape.length !== 2) {
        tensors[`model.${name}`] = t;
        continue;
      }
      const [rows, cols] = t.shape as [number, number];
      const w = t.toFloat32Array();
      const q = new Int32Array(w.length);
      const scales = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        let max = 0;
        for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]!));
        const s = max > 0 ? Math.fround(max / 127) : 1;
        scales[r] = s;
        for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(w[r * cols + c]! / s);
      }
      made.push((tensors[`model.${name}`] = tensor(q, [rows, cols])), (tensors[`scale.${name}`] = tensor(scales, [rows])));
    }
    writeSafetensors(out, tensors, metadata, op, 'int8');
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Loads DRAW weights into `model` — a checkpoint, or an export in any dtype —
 * after checking the stored config matches; returns the step.
 */
export function loadDrawWeights(path: string, model: DRAW): number {
  const info = readDrawExport(path);
  if (info?.dtype !== 'int8') return loadDrawCheckpoint(path, model);
  const op = 'DRAW weights';
  const diff = configDiff(readDrawConfig(path), model.config);
  if (diff.length) fail(op, `${path} holds a different DRAW (file vs this model: ${diff.join(', ')})`);
  const { tensors } = loadFile(path, op);
  const state: Record<string, Tensor> = {};
  try {
    for (const [name, t] of Object.entries(model.stateDict())) {
      const q = tensors[`model.${name}`];
      if (!q) fail(op, `${path}: no tensor model.${name}`);
      const scale = tensors[`scale.${name}`];
      if (!scale) {
        state[name] = q;
        continue;
      }
      const [rows, cols] = t.shape as [number, number];
      if (q.dtype !== 'int32' || q.shape.join() !== t.shape.join() || scale.shape.join() !== String(rows)) fail(op, `${path}: model.${name} ${q.dtype} [${q.shape.join(',')}] with scale [${scale.shape.join(',')}] does not fit [${rows},${cols}]`);
      const v = q.toInt32Array();
      const s = scale.toFloat32Array();
      const w = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) w[i] = v[i]! * s[Math.floor(i / cols)]!;
      state[name] = tensor(w, [rows, cols]);
    }
    model.loadStateDict(state);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
    for (const t of Object.values(state)) if (!t.isDisposed) t.dispose();
  }
  return info.step;
}
