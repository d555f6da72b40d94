// Image files for the caption datasets: the stamps' PNGs (decoded synchronously,
// once, when a scenes set is made, so scenes() needs no await) and dataset images
// fitted to size×size for an encoder by fv.data.loadImage (sharp: JPEG, PNG, …, a
// Lanczos-3 resize, transparency on white). Everything that decodes a file goes through here.
import { readFileSync } from 'node:fs';
import { fail } from '../../errors.js';
import { decodePng } from '../colour.js';
import { loadImage } from '../image.js';
import type { Sharp, SharpOptions } from 'sharp';
import { rgbaFromDecoded, type Rgba } from './raster.js';

/** A PNG file as premultiplied float RGBA. */
export function readPngRgba(path: string, op: string): Rgba {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return fail(op, `cannot read ${path}: ${(e as Error).message}`);
  }
  return rgbaFromDecoded(decodePng(bytes, path));
}

/**
 * An image file as planar RGB [3, size, size] in [0, 1]: 'cover' scales the shorter
 * side to size and keeps the centre; 'contain' fits it whole on white.
 */
export async function fileToSquare(path: string, size: number, fit: 'cover' | 'contain', op: string): Promise<Float32Array> {
  let t;
  try {
    t = await loadImage(path, { size, fit, channels: 3 });
  } catch (e) {
    return fail(op, (e as Error).message);
  }
  try {
    return t.toFloat32Array();
  } finally {
    t.dispose();
  }
}

type SharpFactory = (input?: Buffer, options?: SharpOptions) => Sharp;

/**
 * Interleaved 8-bit RGB as a JPEG file's bytes (sharp, loaded on first use as
 * src/data/image.ts loads it; image.ts has no encoder to call).
 */
export async function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number, op: string): Promise<Buffer> {
  let sharp: SharpFactory;
  try {
    const m = require('sharp') as unknown; // on first use: importing foveate stays quick
    sharp = (typeof m === 'function' ? m : (m as { default: SharpFactory }).default) as SharpFactory;
  } catch (e) {
    return fail(op, `the image library sharp could not be loaded (${(e as Error).message.split('\n')[0]}): reinstall with 'npm install sharp'`);
  }
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } }).jpeg({ quality, mozjpeg: false }).toBuffer();
}
