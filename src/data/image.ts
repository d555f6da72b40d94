// Image files in: JPEG, PNG (and whatever else libvips reads: WebP, GIF, TIFF, AVIF,
// SVG) decoded and resized by `sharp` (libvips, prebuilt binaries from npm), then
// composited, converted and laid out as float32 [C,H,W] in [0, 1] here.
//
// Why sharp (measured on this 2-core machine, 224×224 output): on 19 progressive
// JPEG photos (0.66 Mpx) it is 3.3–4× faster than jpeg-js + a hand-written antialiased
// resize (70 against 281 ms per image idle; 148 against 493 ms under load 28); on small
// PNG stamps (0.04 Mpx) it is 2.5× faster idle (8 against 20 ms) and 0.75× under load.
// Its Lanczos-3 resize is antialiased; it converts CMYK JPEGs to sRGB through an ICC
// profile, reads 16-bit PNGs at full depth, applies EXIF orientation, and decodes off
// the main thread. It costs 20 MB of prebuilt binaries (no compiler) and its API is
// asynchronous, so loadImage() returns a Promise.
//
// sharp is required on first use, not when foveate is imported: `import 'foveate'`
// stays fast, and a platform without sharp's binaries fails only here, with a message.
import { readFile } from 'node:fs/promises';
import type { Sharp, SharpOptions } from 'sharp';
import { fail } from '../errors.js';
import { checkOptions } from '../options.js';
import { tensor } from '../creation.js';
import { addScalar, div, mulScalar, sub } from '../ops/index.js';
import type { DeviceName } from '../device.js';
import type { Tensor } from '../tensor.js';

type SharpFactory = (input?: Buffer, options?: SharpOptions) => Sharp;
let sharpModule: SharpFactory | undefined;

/** The sharp factory, loaded on first use. */
function sharpLib(op: string): SharpFactory {
  if (sharpModule) return sharpModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('sharp') as unknown;
    sharpModule = (typeof m === 'function' ? m : (m as { default: SharpFactory }).default) as SharpFactory;
  } catch (e) {
    fail(op, `the image library sharp could not be loaded (${(e as Error).message.split('\n')[0]}); it is a dependency of foveate with prebuilt binaries for common platforms: reinstall with 'npm install sharp', see https://sharp.pixelplumbing.com/install`);
  }
  return sharpModule!;
}

/** Raw pixels as stored in the file (after EXIF orientation), interleaved, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (CMYK files arrive as 3, converted to sRGB). */
  channels: 1 | 2 | 3 | 4;
  /** 8 for most files; 16 for 16-bit PNG/TIFF, whose samples are then 0–65535. */
  bitDepth: 8 | 16;
  /** `width·height·channels` samples: Uint8Array at bit depth 8, Uint16Array at 16. */
  pixels: Uint8Array | Uint16Array;
  /** The file format libvips recognised: 'jpeg', 'png', 'webp', 'gif', 'tiff', 'svg', … */
  format: string;
}

export type ImageSource = string | Uint8Array;

/** A file's name in messages: its path, or the caller's name for a buffer. */
function nameOf(src: ImageSource, name: string | undefined): string {
  return typeof src === 'string' ? src : (name ?? '<buffer>');
}

/** The bytes of a path or buffer; a missing, unreadable or empty file is an error naming it. */
async function readBytes(op: string, src: ImageSource, what: string): Promise<Buffer> {
  let bytes: Buffer;
  if (typeof src === 'string') {
    if (src === '') fail(op, 'the path is an empty string');
    try {
      bytes = await readFile(src);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not an image file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      return fail(op, `${what}: ${why}`);
    }
  } else if (src instanceof Uint8Array) {
    bytes = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  } else {
    return fail(op, `expected a file path (string) or the file's bytes (Uint8Array/Buffer), got ${src === null ? 'null' : typeof src}`);
  }
  if (bytes.length === 0) fail(op, `${what}: the file is empty (0 bytes), not an image`);
  return bytes;
}

/** Rewords a libvips/sharp failure: which file, and what is wrong with it. */
function decodeError(op: string, what: string, format: string | undefined, e: unknown): never {
  const msg = ((e as Error).message ?? String(e)).split('\n')[0]!.trim();
  if (/unsupported image format/i.test(msg)) {
    return fail(op, `${what}: not an image file (no JPEG, PNG, WebP, GIF, TIFF, AVIF or SVG signature; sharp: "${msg}")`);
  }
  if (/pixel limit/i.test(msg)) {
    return fail(op, `${what}: the image is larger than sharp's limit of 268 megapixels (libvips: "${msg}")`);
  }
  const kind = format ? `${format.toUpperCase()} ` : '';
  return fail(op, `${what}: cannot decode the ${kind}image, the file is truncated or damaged (libvips: "${msg}")`);
}

interface Opened {
  pipeline: Sharp;
  format: string;
  depth16: boolean;
  gray: boolean;
  alpha: boolean;
}

/** Opens bytes in sharp and reads the header; a non-image is an error here. */
async function open(op: string, bytes: Buffer, what: string): Promise<Opened> {
  const sharp = sharpLib(op);
  let pipeline: Sharp;
  let meta: Awaited<ReturnType<Sharp['metadata']>>;
  try {
    // failOn 'truncated': a cut-off file is an error; the minor warnings that camera
    // JPEGs often carry ("extraneous bytes before marker") are not.
    pipeline = sharp(bytes, { failOn: 'truncated' });
    meta = await pipeline.metadata();
  } catch (e) {
    return decodeError(op, what, undefined, e);
  }
  const format = meta.format ?? 'unknown';
  const space = meta.space ?? 'srgb';
  return {
    pipeline,
    format,
    depth16: meta.depth === 'ushort',
    gray: space === 'b-w' || space === 'grey16',
    alpha: meta.hasAlpha === true,
  };
}

/** Runs the pipeline to raw samples; errors reworded. */
async function toRaw(op: string, o: Opened, p: Sharp, what: string): Promise<{ data: Uint8Array | Uint16Array; width: number; height: number; channels: number }> {
  try {
    const { data, info } = await p.raw(o.depth16 ? { depth: 'ushort' } : undefined).toBuffer({ resolveWithObject: true });
    const samples = o.depth16 ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: samples, width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    return decodeError(op, what, o.format, e);
  }
}

/**
 * Decodes an image file (a path or its bytes) to raw pixels: gray, gray+alpha, RGB or
 * RGBA as stored, 8 or 16 bits per sample, rotated upright by its EXIF orientation.
 * CMYK JPEGs are converted to sRGB (through the embedded ICC profile, else libvips's
 * built-in CMYK profile); palette PNGs are expanded to RGB(A); an animated GIF or WebP
 * gives its first frame. Alpha is kept, not composited (loadImage composites). Errors name the function, the file and the fault.
 * Options: `name`, the file's name in messages when `src` is a buffer.
 * @example
 * const img = await fv.data.decodeImage('/usr/share/tuxpaint/templates/sheep.jpg');
 * // { width: 960, height: 638, channels: 3, bitDepth: 8, pixels: Uint8Array(1837440), format: 'jpeg' }
 */
export async function decodeImage(src: ImageSource, options: { name?: string } = {}): Promise<DecodedImage> {
  const op = 'decodeImage';
  checkOptions(op, options, ['name']);
  const what = nameOf(src, options.name);
  const bytes = await readBytes(op, src, what);
  const o = await open(op, bytes, what);
  // Decoded as sRGB(A) (libvips's 'b-w' output would drop the alpha of a gray+alpha
  // file); a gray file then has R = G = B and is taken back to one channel here.
  const raw = await toRaw(op, o, o.pipeline.rotate().toColourspace(o.depth16 ? 'rgb16' : 'srgb'), what);
  let { data: pixels, channels } = raw;
  if (o.gray && channels >= 3) {
    const keep = channels === 4 ? 2 : 1;
    const n = raw.width * raw.height;
    const out = o.depth16 ? new Uint16Array(n * keep) : new Uint8Array(n * keep);
    for (let i = 0; i < n; i++) {
      out[i * keep] = pixels[i * channels]!;
      if (keep === 2) out[i * keep + 1] = pixels[i * channels + 3]!;
    }
    [pixels, channels] = [out, keep];
  }
  return { width: raw.width, height: raw.height, channels: channels as 1 | 2 | 3 | 4, bitDepth: o.depth16 ? 16 : 8, pixels, format: o.format };
}

/** How an image is fitted to a `size` of another aspect ratio. */
export type ImageFit = 'cover' | 'contain' | 'fill';
const FITS: readonly ImageFit[] = ['cover', 'contain', 'fill'];

export interface LoadImageOptions {
  /** Output size: a number for a square, or [height, width]. Default: the file's own size. */
  size?: number | readonly [number, number];
  /** 3 (RGB, the default) or 1 (gray). */
  channels?: 1 | 3;
  /** What transparency (and `fit: 'contain'` borders) is composited on: a gray level or [r, g, b], in [0, 1]. Default 1 (white). */
  background?: number | readonly [number, number, number];
  /**
   * 'cover' (default): scale to cover `size`, keep the aspect ratio, crop the centre
   * (torchvision's Resize + CenterCrop, on the whole image). 'contain': scale to fit
   * inside, pad with `background`. 'fill': stretch to `size` exactly.
   */
  fit?: ImageFit;
  /** Where the tensor is made (default 'cpu'). */
  device?: DeviceName;
  /** The file's name in messages when the source is a buffer. */
  name?: string;
}

/** sharp's default limitInputPixels, 0x3FFF²: the largest image it reads, and here the largest it writes. */
const MAX_PIXELS = 16383 * 16383;

const LOAD_OPTIONS = ['size', 'channels', 'background', 'fit', 'device', 'name'] as const;

interface Checked {
  size: [number, number] | undefined;
  channels: 1 | 3;
  background: [number, number, number];
  fit: ImageFit;
}

function checkLoadOptions(op: string, options: LoadImageOptions): Checked {
  checkOptions(op, options, LOAD_OPTIONS);
  const { size, channels = 3, background = 1, fit = 'cover' } = options;
  let hw: [number, number] | undefined;
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
  if (size !== undefined) {
    if (positive(size)) hw = [size as number, size as number];
    else if (Array.isArray(size) && size.length === 2 && size.every(positive)) hw = [size[0], size[1]];
    else fail(op, `size must be a positive integer (a square) or [height, width] of positive integers, got ${JSON.stringify(size)}`);
    // sharp's own pixel limit for an image: past it libvips fails as if the file were damaged.
    if (hw![0] * hw![1] > MAX_PIXELS) fail(op, `size [${hw![0]}, ${hw![1]}] is ${hw![0] * hw![1]} pixels, over the ${MAX_PIXELS} (16383²) one image may have`);
  }
  if (channels !== 1 && channels !== 3) fail(op, `channels must be 1 (gray) or 3 (RGB), got ${JSON.stringify(channels)}`);
  const unit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
  let bg: [number, number, number];
  if (unit(background)) bg = [background as number, background as number, background as number];
  else if (Array.isArray(background) && background.length === 3 && background.every(unit)) bg = [background[0], background[1], background[2]];
  else return fail(op, `background must be a gray level in [0, 1] or [r, g, b] in [0, 1], got ${JSON.stringify(background)}`);
  if (!FITS.includes(fit)) fail(op, `fit must be one of ${FITS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(fit)}`);
  return { size: hw, channels, background: bg, fit };
}

/** One image as planar float32 [C,H,W] in [0, 1]. */
async function loadPlanes(op: string, src: ImageSource, c: Checked, name: string | undefined): Promise<{ data: Float32Array; shape: [number, number, number] }> {
  const what = nameOf(src, name);
  const bytes = await readBytes(op, src, what);
  const o = await open(op, bytes, what);
  // Always resize in RGB(A), 8 or 16 bits as stored; gray comes back as R = G = B.
  let p = o.pipeline.rotate().toColourspace(o.depth16 ? 'rgb16' : 'srgb');
  if (c.size) {
    const [h, w] = c.size;
    const fit = c.fit === 'contain' ? 'inside' : c.fit;
    p = p.resize({ width: w, height: h, fit, position: 'centre', kernel: 'lanczos3' });
  }
  const raw = await toRaw(op, o, p, what);
  const [H, W] = c.size ?? [raw.height, raw.width];
  // 'contain': the resized image sits centred in the [H, W] frame, the rest is background.
  const [oy, ox] = [Math.floor((H - raw.height) / 2), Math.floor((W - raw.width) / 2)];
  const C = c.channels;
  const out = new Float32Array(C * H * W);
  const [br, bg, bb] = c.background;
  if (raw.width !== W || raw.height !== H) {
    for (let ch = 0; ch < C; ch++) out.fill(C === 1 ? luma(br, bg, bb) : c.background[ch]!, ch * H * W, (ch + 1) * H * W);
  }
  const scale = o.depth16 ? 1 / 65535 : 1 / 255;
  const n = raw.channels;
  const hasAlpha = n === 4 || n === 2;
  const px = raw.data;
  const plane = H * W;
  for (let y = 0; y < raw.height; y++) {
    for (let x = 0; x < raw.width; x++) {
      const i = (y * raw.width + x) * n;
      let r = px[i]! * scale;
      let g = px[i + 1]! * scale;
      let b = px[i + 2]! * scale;
      if (hasAlpha) {
        const a = px[i + n - 1]! * scale;
        if (a < 1) {
          r = r * a + br * (1 - a);
          g = g * a + bg * (1 - a);
          b = b * a + bb * (1 - a);
        }
      }
      const o2 = (y + oy) * W + (x + ox);
      if (C === 1) out[o2] = luma(r, g, b);
      else {
        out[o2] = r;
        out[plane + o2] = g;
        out[2 * plane + o2] = b;
      }
    }
  }
  return { data: out, shape: [C, H, W] };
}

/** ITU-R BT.601 luma (PIL's convert('L'), torchvision's rgb_to_grayscale); exact on gray (r = g = b). */
function luma(r: number, g: number, b: number): number {
  return r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * Loads an image file as a float32 tensor [C,H,W] in [0, 1] (asynchronous: sharp
 * decodes and resizes off the main thread).
 *
 * - `size`: a number (square) or [height, width]; resized with a Lanczos-3 filter,
 *   antialiased when shrinking. Default: the file's own size.
 * - `fit`: 'cover' (default; keep the aspect ratio, crop the centre), 'contain' (keep
 *   it, pad with the background), 'fill' (stretch).
 * - `channels`: 3 (default) or 1. A grayscale file asked for 3 channels gives R = G = B
 *   (the gray repeated); a colour file asked for 1 gives BT.601 luma 0.299R + 0.587G + 0.114B.
 * - `background`: transparency is composited on it (in sRGB values, as browsers and PIL
 *   do): a gray level or [r, g, b] in [0, 1], default 1 (white).
 * - 16-bit files are read at full depth and scaled by 1/65535 (exact without resizing);
 *   CMYK JPEGs are converted to sRGB; EXIF orientation is applied.
 *
 * A missing, empty, truncated or non-image file is an error naming the function and the file.
 * @example
 * const x = await fv.data.loadImage('/usr/share/tuxpaint/templates/sheep.jpg', { size: 224 });
 * x.shape; // [3, 224, 224]
 * const g = await fv.data.loadImage('photo.png', { size: [48, 64], channels: 1, fit: 'fill' }); // [1, 48, 64]
 */
export async function loadImage(src: ImageSource, options: LoadImageOptions = {}): Promise<Tensor> {
  const op = 'loadImage';
  const c = checkLoadOptions(op, options);
  const { data, shape } = await loadPlanes(op, src, c, options.name);
  return tensor(data, shape, options.device === undefined ? {} : { device: options.device });
}

/**
 * Loads several image files as one batch [B,C,H,W] (same options as loadImage; `name`
 * is not accepted, since each path names itself). Without `size`, every image must
 * have the same size. At most `concurrency` files are decoded at once (default 4, the size
 * of Node's libuv thread pool that sharp runs on; more only queue).
 * @example
 * const batch = await fv.data.loadImages(['a.jpg', 'b.png'], { size: 224 }); // [2, 3, 224, 224]
 */
export async function loadImages(paths: readonly ImageSource[], options: Omit<LoadImageOptions, 'name'> & { concurrency?: number } = {}): Promise<Tensor> {
  const op = 'loadImages';
  checkOptions(op, options, [...LOAD_OPTIONS.filter((k) => k !== 'name'), 'concurrency']);
  const { concurrency = 4, ...rest } = options;
  const c = checkLoadOptions(op, rest);
  if (!Array.isArray(paths)) fail(op, `paths must be an array of file paths, got ${typeof paths}`);
  if (paths.length === 0) fail(op, 'paths is empty: a batch needs at least one image');
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) fail(op, `concurrency must be a positive integer, got ${JSON.stringify(concurrency)}`);
  const results: { data: Float32Array; shape: [number, number, number] }[] = new Array(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      results[i] = await loadPlanes(op, paths[i]!, c, `paths[${i}]`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  const shape = results[0]!.shape;
  const per = shape[0] * shape[1] * shape[2];
  const out = new Float32Array(paths.length * per);
  results.forEach((r, i) => {
    if (r.shape[1] !== shape[1] || r.shape[2] !== shape[2]) {
      fail(op, `${nameOf(paths[i]!, `paths[${i}]`)} is ${r.shape[2]}×${r.shape[1]} but ${nameOf(paths[0]!, 'paths[0]')} is ${shape[2]}×${shape[1]} (width×height): pass size to resize them all`);
    }
    out.set(r.data, i * per);
  });
  return tensor(out, [paths.length, ...shape], rest.device === undefined ? {} : { device: rest.device });
}

/** The normalisation each pretrained encoder expects of [0, 1] input. */
export type NormalizePreset = 'efficientnet-lite' | 'imagenet' | 'inception';

/** Per-channel mean and std, applied as (x − mean) / std to [0, 1] values. */
export const NORMALIZE_PRESETS: Readonly<Record<NormalizePreset, { mean: readonly number[]; std: readonly number[]; note: string }>> = {
  // (255·x − 127) / 128 = (x − 127/255) / (128/255): TF's EfficientNet-Lite preprocessing.
  'efficientnet-lite': { mean: [127 / 255], std: [128 / 255], note: '(255·x − 127)/128, EfficientNet-Lite (TensorFlow)' },
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], note: 'torchvision: (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225] per RGB channel' },
  inception: { mean: [0.5], std: [0.5], note: '2x − 1, Inception / MobileNet (Keras)' },
};

/**
 * Normalises images in [0, 1] ([C,H,W] or [B,C,H,W]) for a pretrained encoder:
 * 'efficientnet-lite' (255·x − 127)/128, 'imagenet' (torchvision mean/std per RGB
 * channel; needs C = 3), 'inception' 2x − 1. Differentiable (tensor ops).
 * @example
 * const x = fv.data.normalizeImage(await fv.data.loadImage('cat.jpg', { size: 224 }), 'imagenet');
 */
export function normalizeImage(x: Tensor, preset: NormalizePreset): Tensor {
  const op = 'normalizeImage';
  const p = (NORMALIZE_PRESETS as Record<string, (typeof NORMALIZE_PRESETS)[NormalizePreset]>)[preset as string];
  const names = Object.keys(NORMALIZE_PRESETS).map((k) => `'${k}'`).join(', ');
  if (typeof preset !== 'string' || p === undefined || !Object.prototype.hasOwnProperty.call(NORMALIZE_PRESETS, preset)) {
    fail(op, `unknown preset ${JSON.stringify(preset)}; presets: ${names}`);
  }
  if (x === null || typeof x !== 'object' || !Array.isArray((x as Tensor).shape)) fail(op, `x must be a Tensor [C,H,W] or [B,C,H,W], got ${typeof x}`);
  const rank = x.shape.length;
  if (rank !== 3 && rank !== 4) fail(op, `x must be [C,H,W] or [B,C,H,W], got shape [${x.shape.join(',')}]`);
  if (p.mean.length === 1) return addScalar(mulScalar(x, 1 / p.std[0]!), -p.mean[0]! / p.std[0]!);
  const C = x.shape[rank - 3]!;
  if (C !== p.mean.length) fail(op, `preset '${preset}' normalises ${p.mean.length} (RGB) channels, got ${C} in shape [${x.shape.join(',')}]: load the image with channels: 3`);
  const stat = rank === 3 ? [C, 1, 1] : [1, C, 1, 1];
  const opts = { device: x.device };
  return div(sub(x, tensor(Float32Array.from(p.mean), stat, opts)), tensor(Float32Array.from(p.std), stat, opts));
}

