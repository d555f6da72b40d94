// Colour images for DRAW's colour path (the svhn and cifar presets), since SVHN and
// CIFAR-10 are not obtainable here (PAPERS.md §1): the Noto emoji of the npm
// package `emoji-datasource-google` (images under the Apache License 2.0, see the
// package README), 64×64 RGBA PNGs composited over black and box-downsampled to
// size×size RGB. Split by sorted file name: every 10th image is test.
// The package is not a dependency of foveate (74 MB): `npm install emoji-datasource-google`.
import { checkOptions } from '../options.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { fail } from '../errors.js';

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Row-major bytes, `channels` per pixel. */
  pixels: Uint8Array;
}

const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (gray, gray+alpha, RGB, RGBA; all five
 * row filters). `what` names the file in errors.
 * @example const img = fv.data.decodePng(readFileSync('a.png'), 'a.png'); // { width, height, channels, pixels }
 */
export function decodePng(bytes: Uint8Array, what = '<png>'): DecodedPng {
  const op = 'decodePng';
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 8 || sig.some((b, i) => buf[i] !== b)) fail(op, `${what}: not a PNG file (bad signature at byte offset 0)`);
  let at = 8;
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | undefined;
  const idat: Buffer[] = [];
  let plte: Buffer | undefined;
  let trns: Buffer | undefined;
  let sawEnd = false;
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (at + 12 + len > buf.length) fail(op, `${what}: chunk ${type} at byte offset ${at} runs past the end of the file (truncated)`);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8]!, type: data[9]!, interlace: data[12]! };
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') plte = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    at += 12 + len;
  }
  if (!sawEnd) fail(op, `${what}: the file ends at byte offset ${buf.length} before the IEND chunk (truncated)`);
  if (!header) fail(op, `${what}: no IHDR chunk`);
  const { width, height, depth, type, interlace } = header!;
  const palette = type === 3;
  const channels = palette ? 1 : CHANNELS[type];
  const okDepth = palette ? [1, 2, 4, 8].includes(depth) : depth === 8;
  if (!okDepth || channels === undefined || interlace !== 0) {
    fail(op, `${what}: only non-interlaced 8-bit gray/RGB(A) and 1–8-bit palette PNGs are read, got bit depth ${depth}, colour type ${type}, interlace ${interlace}`);
  }
  if (palette && !plte) fail(op, `${what}: palette image without a PLTE chunk`);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    return fail(op, `${what}: image data is damaged (${(e as Error).message})`);
  }
  const stride = palette ? Math.ceil((width * depth) / 8) : width * channels!;
  if (raw.length < height * (stride + 1)) fail(op, `${what}: image data holds ${raw.length} bytes, ${width}×${height} needs ${height * (stride + 1)}`);
  const px = new Uint8Array(height * stride);
  const bpp = channels!;
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[row + x - bpp]! : 0;
      const b = y > 0 ? px[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? px[row - stride + x - bpp]! : 0;
      let p: number;
      switch (f) {
        case 0: p = 0; break; // prettier-ignore
        case 1: p = a; break; // prettier-ignore
        case 2: p = b; break; // prettier-ignore
        case 3: p = (a + b) >> 1; break; // prettier-ignore
        case 4: {
          const q = a + b - c;
          const [pa, pb, pc] = [Math.abs(q - a), Math.abs(q - b), Math.abs(q - c)];
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          return fail(op, `${what}: row ${y} has filter type ${f}, expected 0–4`);
      }
      px[row + x] = (src[x]! + p) & 0xff;
    }
  }
  if (!palette) return { width, height, channels: channels!, pixels: px };
  // Palette indices (packed MSB first when depth < 8) → RGBA via PLTE and tRNS.
  const rgba = new Uint8Array(width * height * 4);
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = px[y * stride + Math.floor(x / perByte)]!;
      const k = (byte >> (8 - depth * ((x % perByte) + 1))) & ((1 << depth) - 1);
      if (3 * k + 2 >= plte!.length) fail(op, `${what}: palette index ${k} at (${x},${y}) is outside the ${plte!.length / 3}-colour PLTE`);
      rgba.set([plte![3 * k]!, plte![3 * k + 1]!, plte![3 * k + 2]!, trns && k < trns.length ? trns[k]! : 255], (y * width + x) * 4);
    }
  }
  return { width, height, channels: 4, pixels: rgba };
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
