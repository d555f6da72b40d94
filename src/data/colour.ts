// Colour images for DRAW's colour path (the svhn and cifar presets), since SVHN and
// CIFAR-10 are not obtainable here (PAPERS.md §1): the Noto emoji of the npm
// package `emoji-datasource-google` (images under the Apache License 2.0, see the
// package README), 64×64 RGBA PNGs composited over black and box-downsampled to
// size×size RGB. Split by sorted file name: every 10th image is test.
// The package is not a dependency of foveate (74 MB): `npm install emoji-datasource-google`.
import { checkOptions } from '../options.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { fail } from '../errors.js';

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Row-major bytes, `channels` per pixel. */
  pixels: Uint8Array;
}

/** PNG colour type → channels of the result (palette images come out RGBA). */
const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4, 3: 4 };
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG synchronously with the npm package pngjs (it replaced a hand-written
 * decoder): gray, gray+alpha, RGB, RGBA as stored; palette images as RGBA (tRNS
 * applied); 16-bit samples scaled to 8 bits (decodeImage keeps 16); interlaced files
 * too. `what` names the file in errors. For JPEG, resizing or a tensor, use
 * loadImage/decodeImage (asynchronous, sharp).
 * @example const img = fv.data.decodePng(readFileSync('a.png'), 'a.png'); // { width, height, channels, pixels }
 */
export function decodePng(bytes: Uint8Array, what = '<png>'): DecodedPng {
  const op = 'decodePng';
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || SIGNATURE.some((b, i) => buf[i] !== b)) fail(op, `${what}: not a PNG file (bad signature at byte offset 0)`);
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    return fail(op, `${what}: the PNG is truncated or damaged (pngjs: ${(e as Error).message})`);
  }
  const { width, height, data } = png;
  const channels = CHANNELS[(png as PNG & { colorType?: number }).colorType ?? 6] ?? 4;
  if (data.length !== width * height * 4) fail(op, `${what}: decoded ${data.length} bytes, ${width}×${height} RGBA needs ${width * height * 4}`);
  if (channels === 4) return { width, height, channels, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  // pngjs always gives RGBA: keep the stored channels (gray is R; alpha is A).
  const pick = channels === 1 ? [0] : channels === 2 ? [0, 3] : [0, 1, 2];
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) pixels[i * channels + c] = data[i * 4 + pick[c]!]!;
  return { width, height, channels, pixels };
}

/** RGB floats [3, size, size] in [0, 1]: alpha-composited over black, box-averaged from the PNG's size. */
export function toRgbPlanes(img: DecodedPng, size: number, what = '<png>'): Float32Array {
  const { width: w, height: h, channels: ch, pixels } = img;
  if (w % size !== 0 || h % size !== 0) fail('colourImages', `${what}: ${w}×${h} is not a multiple of ${size}×${size}`);
  const [fx, fy] = [w / size, h / size];
  const out = new Float32Array(3 * size * size);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * ch;
      const alpha = ch === 2 || ch === 4 ? pixels[p + ch - 1]! / 255 : 1;
      const o = Math.floor(y / fy) * size + Math.floor(x / fx);
      for (let c = 0; c < 3; c++) {
        const v = ch <= 2 ? pixels[p]! : pixels[p + c]!;
        out[c * size * size + o] += ((v / 255) * alpha) / (fx * fy);
      }
    }
  }
  return out;
}

/** The folder of the package's 64×64 PNGs. */
export function emojiDir(): string {
  try {
    return join(dirname(require.resolve('emoji-datasource-google/package.json')), 'img', 'google', '64');
  } catch {
    return fail('colourImages', 'the npm package emoji-datasource-google is not installed (npm install emoji-datasource-google): it holds the colour images foveate trains the svhn/cifar DRAW presets on');
  }
}

export interface ColourSet {
  images: Float32Array;
  /** [n, 3, size, size]. */
  shape: number[];
}

const cache = new Map<string, { train: ColourSet; test: ColourSet; description: string }>();

/**
 * The colour dataset: every PNG in `dir` (default the emoji package's 64×64
 * folder) as [3, size, size] RGB in [0, 1]; sorted by name, every 10th is test.
 * @example const { train, test } = fv.data.colourImages({ size: 32 }); // train.shape [n,3,32,32]
 */
export function colourImages(options: { size?: number; dir?: string } = {}): { train: ColourSet; test: ColourSet; description: string } {
  checkOptions('colourImages', options, ['size', 'dir']);
  const { size = 32 } = options;
  if (!Number.isSafeInteger(size) || size < 1) fail('colourImages', `size must be a positive integer, got ${String(size)}`);
  const dir = options.dir ?? emojiDir();
  const key = `${dir}@${size}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort();
  } catch (e) {
    return fail('colourImages', `${dir}: ${(e as Error).message}`);
  }
  if (files.length < 2) fail('colourImages', `${dir}: holds ${files.length} PNG files, need at least 2`);
  const per = 3 * size * size;
  const nTest = files.filter((_, i) => i % 10 === 9).length;
  const train = new Float32Array((files.length - nTest) * per);
  const test = new Float32Array(nTest * per);
  let [a, b] = [0, 0];
  files.forEach((f, i) => {
    const path = join(dir, f);
    const rgb = toRgbPlanes(decodePng(readFileSync(path), path), size, path);
    if (i % 10 === 9) test.set(rgb, b++ * per);
    else train.set(rgb, a++ * per);
  });
  const out = {
    train: { images: train, shape: [a, 3, size, size] },
    test: { images: test, shape: [b, 3, size, size] },
    description: `${files.length} Noto emoji (npm emoji-datasource-google, Apache-2.0 images) composited over black, ${size}×${size} RGB; every 10th by file name is test (${a} train, ${b} test)`,
  };
  cache.set(key, out);
  return out;
}
