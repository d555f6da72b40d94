// Encoder features cached on disk (PAPERS.md §3: the encoder is not fine-tuned, so its
// annotations are a function of the image alone; computing them once per image means
// training the captioner never re-runs the CNN).
//
// Layout: one folder per (encoder, layer, image size, image list), named
// `<encoder>-<layer>-s<size>-<fingerprint>`, holding manifest.json and shards
// `shard-NNNNN.safetensors`, each one tensor `annotations` [n, L, D] (L = h·w locations,
// D = channels: already the captioner's layout) with the fingerprint and first index in
// its metadata. The fingerprint hashes the encoder, layer, size and every image's key
// (and, for files, byte size and modification time): a changed image list or a changed
// file gives another folder, so a stale cache is never read; a folder whose manifest
// or shard disagrees with what is asked is refused with a message naming the file.
//
// Precision: float32. With EfficientNet-Lite0's 14×14×112 map at 224×224 (the layer
// foveate uses for attention), 10,000 images take 10,000 × 196 × 112 × 4 B = 0.88 GB on
// disk and in memory; the 1,280-channel map would take 10 GB and is not what we cache.
// Shards are written atomically as they complete, so an interrupted build resumes at
// the first missing shard.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkOptions } from '../../options.js';
import { fail, fmtShape } from '../../errors.js';
import { tensor } from '../../creation.js';
import { tidy } from '../../memory.js';
import { noGrad, type Tensor } from '../../tensor.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { loadFile, save } from '../../io/safetensors.js';

/** An image encoder as the cache sees it: RGB images [B,3,S,S] in [0, 1] → features [B,C,h,w]. */
export interface FeatureEncoder {
  /** Stable name of the network and its weights, e.g. 'efficientnet-lite0'. */
  readonly name: string;
  /** The layer whose map is returned, e.g. 'block5'. */
  readonly layer: string;
  /** The square image side S it reads. */
  readonly size: number;
  encode(images: Tensor): Tensor;
}

/** The images to encode: a stable key each, the file when there is one, and the pixels. */
export interface FeatureImages {
  readonly keys: readonly string[];
  /** files[i]: image i's file (its size and modification time join the fingerprint), if any. */
  readonly files?: readonly (string | undefined)[];
  /** Image i as [3, S, S] floats in [0, 1], row-major. */
  pixels(i: number): Promise<Float32Array>;
}

export interface FeatureCacheOptions {
  /** Images per encoder call (default 16). */
  batchSize?: number;
  /** Images per shard file (default 512). */
  shardSize?: number;
  /** Called after each shard with images done, total, and the time so far (progress with rate and ETA). */
  onProgress?: (done: number, total: number, seconds: number) => void;
}

interface Manifest {
  format: 'foveate-feature-cache';
  version: 1;
  encoder: string;
  layer: string;
  size: number;
  dtype: 'float32';
  fingerprint: string;
  count: number;
  shardSize: number;
  /** [L, D] of each image's annotations, once known. */
  shape: [number, number] | null;
  /** The encoder's map [C, h, w]. */
  map: [number, number, number] | null;
}

const SAFE = /[^A-Za-z0-9_.]+/g;

/** The fingerprint of what the features depend on (sha256, hex). */
export function featureFingerprint(encoder: Pick<FeatureEncoder, 'name' | 'layer' | 'size'>, images: Pick<FeatureImages, 'keys' | 'files'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([encoder.name, encoder.layer, encoder.size, images.keys.length]));
  images.keys.forEach((k, i) => {
    const f = images.files?.[i];
    let stamp = '';
    if (f !== undefined) {
      try {
        const s = statSync(f);
        stamp = `${s.size}:${Math.round(s.mtimeMs)}`;
      } catch {
        fail('featureCache', `image ${i} (${k}): its file ${f} cannot be read`);
      }
    }
    h.update(`\n${k}\t${stamp}`);
  });
  return h.digest('hex');
}

/** Cached annotations of every image, in memory: [N, L, D] float32. */
export class FeatureCache {
  constructor(
    readonly dir: string,
    /** Per image: L locations × D channels. */
    readonly shape: [number, number],
    /** The encoder's map [C, h, w] (h·w = L, C = D). */
    readonly map: [number, number, number],
    readonly data: Float32Array,
  ) {}

  get count(): number {
    return this.data.length / (this.shape[0] * this.shape[1]);
  }

  /** Annotations [B, L, D] of images `indices` (a new tensor, the caller's to dispose). */
  annotations(indices: ArrayLike<number>): Tensor {
    const per = this.shape[0] * this.shape[1];
    const out = new Float32Array(indices.length * per);
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b]!;
      if (!Number.isSafeInteger(i) || i < 0 || i >= this.count) fail('FeatureCache.annotations', `image index ${i} is outside 0..${this.count - 1}`);
      out.set(this.data.subarray(i * per, (i + 1) * per), b * per);
    }
    return tensor(out, [indices.length, ...this.shape]);
  }
}

/** [B,C,h,w] features → [B, h·w, C] annotations (the captioner's a_i), as floats. */
export function toAnnotations(op: string, features: Tensor, B: number): { data: Float32Array; map: [number, number, number] } {
  if (features.shape.length !== 4 || features.shape[0] !== B) fail(op, `the encoder must return features [${B},C,h,w], got ${fmtShape(features.shape)}`);
  const [, C, h, w] = features.shape as [number, number, number, number];
  const src = features.toFloat32Array();
  const L = h * w;
  const out = new Float32Array(B * L * C);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let l = 0; l < L; l++) out[(b * L + l) * C + c] = src[(b * C + c) * L + l]!;
  return { data: out, map: [C, h, w] };
}

/** Runs the encoder on images [B,3,S,S] (no graph) and returns annotations [B, L, D] as floats. */
export function encodeAnnotations(op: string, encoder: FeatureEncoder, pixels: Float32Array[]): { data: Float32Array; map: [number, number, number] } {
  const S = encoder.size;
  const per = 3 * S * S;
  const batch = new Float32Array(pixels.length * per);
  pixels.forEach((p, b) => {
    if (p.length !== per) fail(op, `image ${b} has ${p.length} values, the encoder ${encoder.name} reads [3,${S},${S}] = ${per}`);
    batch.set(p, b * per);
  });
  return noGrad(() => tidy(() => toAnnotations(op, encoder.encode(tensor(batch, [pixels.length, 3, S, S])), pixels.length)));
}

function readManifest(path: string): Manifest {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    return fail('featureCache', `${path}: not a readable manifest (${(e as Error).message})`);
  }
}

/**
 * The features of every image under `root`, computed where missing (resuming a
 * build that was interrupted) and loaded into memory.
 * @example
 * const cache = await featureCache('runs/features', encoder, { keys, files, pixels: (i) => dataset.pixels(i, { size: 224 }) });
 * const a = cache.annotations(batch.images); // [B, 196, 112]
 */
export async function featureCache(root: string, encoder: FeatureEncoder, images: FeatureImages, options: FeatureCacheOptions = {}): Promise<FeatureCache> {
  const op = 'featureCache';
  checkOptions(op, options, ['batchSize', 'shardSize', 'onProgress']);
  const { batchSize = 16, shardSize = 512, onProgress } = options;
  for (const [k, v] of Object.entries({ batchSize, shardSize })) if (!Number.isSafeInteger(v) || v < 1) fail(op, `${k} must be a positive integer, got ${JSON.stringify(v)}`);
  const N = images.keys.length;
  if (N === 0) fail(op, 'no images to encode');
  if (images.files !== undefined && images.files.length !== N) fail(op, `files has ${images.files.length} entries for ${N} keys`);
  const fingerprint = featureFingerprint(encoder, images);
  const dir = join(root, `${encoder.name}-${encoder.layer}-s${encoder.size}-${fingerprint.slice(0, 16)}`.replace(SAFE, '_'));
  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  let manifest: Manifest = { format: 'foveate-feature-cache', version: 1, encoder: encoder.name, layer: encoder.layer, size: encoder.size, dtype: 'float32', fingerprint, count: N, shardSize, shape: null, map: null };
  if (existsSync(manifestPath)) {
    const m = readManifest(manifestPath);
    const same = m.format === manifest.format && m.version === 1 && m.fingerprint === fingerprint && m.encoder === encoder.name && m.layer === encoder.layer && m.size === encoder.size && m.count === N;
    if (!same) fail(op, `${manifestPath} describes another cache (${m.encoder}/${m.layer}/${m.size}, ${m.count} images, fingerprint ${String(m.fingerprint).slice(0, 16)}) than the one asked for (${encoder.name}/${encoder.layer}/${encoder.size}, ${N} images, ${fingerprint.slice(0, 16)}): delete ${dir}`);
    manifest = m;
  } else writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 1) + '\n', op);
  const shards = Math.ceil(N / manifest.shardSize);
  const shardPath = (s: number): string => join(dir, `shard-${String(s).padStart(5, '0')}.safetensors`);
  const parts: Float32Array[] = [];
  const start = performance.now();
  let done = 0;
  for (let s = 0; s < shards; s++) {
    const first = s * manifest.shardSize;
    const n = Math.min(manifest.shardSize, N - first);
    const path = shardPath(s);
    if (existsSync(path)) {
      const { tensors, metadata } = loadFile(path, op);
      const t = tensors.annotations;
      try {
        if (!t || metadata.fingerprint !== fingerprint || metadata.first !== String(first) || t.shape[0] !== n || (manifest.shape && (t.shape[1] !== manifest.shape[0] || t.shape[2] !== manifest.shape[1]))) {
          fail(op, `${path} does not belong to this cache (images ${first}..${first + n - 1}, fingerprint ${fingerprint.slice(0, 16)}; it holds ${t ? fmtShape(t.shape) : 'no annotations'}, fingerprint ${String(metadata.fingerprint).slice(0, 16)}): delete it`);
        }
        parts.push(t.toFloat32Array());
      } finally {
        for (const x of Object.values(tensors)) x.dispose();
      }
    } else {
      const data: Float32Array[] = [];
      for (let b = first; b < first + n; b += batchSize) {
        const k = Math.min(batchSize, first + n - b);
        const pixels = await Promise.all(Array.from({ length: k }, (_, j) => images.pixels(b + j)));
        const enc = encodeAnnotations(op, encoder, pixels);
        const [C, h, w] = enc.map;
        if (!manifest.shape) {
          manifest = { ...manifest, shape: [h * w, C], map: enc.map };
          writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 1) + '\n', op);
        } else if (manifest.shape[0] !== h * w || manifest.shape[1] !== C) fail(op, `the encoder returned [${C},${h},${w}] maps for images ${b}.., the cache holds [${manifest.map?.join(',')}]`);
        data.push(enc.data);
      }
      const all = concat(data);
      const t = tensor(all, [n, ...manifest.shape!]);
      try {
        save(path, { annotations: t }, { fingerprint, first: String(first) });
      } finally {
        t.dispose();
      }
      parts.push(all);
    }
    done += n;
    onProgress?.(done, N, (performance.now() - start) / 1000);
  }
  return new FeatureCache(dir, manifest.shape!, manifest.map!, concat(parts));
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
