// Image files for the caption datasets: the stamps' PNGs (decoded synchronously,
// once, when a scenes set is made) and dataset images fitted to size×size for an
// encoder. Everything that decodes a file goes through here.
import { readFileSync } from 'node:fs';
import { fail } from '../../errors.js';
import { decodePng } from '../colour.js';
import { fitSquare, rgbaFromDecoded, type Rgba } from './raster.js';

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
  if (!/\.png$/i.test(path)) fail(op, `${path}: only PNG files can be read until fv.data.loadImage is available`);
  return fitSquare(readPngRgba(path, op), size, fit);
}
