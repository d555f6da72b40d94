// Pixels for composing scenes: RGBA images with premultiplied alpha as float32, an
// antialiased resize (a triangle filter widened by the scale when shrinking, as
// PIL's BILINEAR, applied to premultiplied values so transparent pixels bleed no
// colour into edges), a tight crop to the alpha mask, and "over" compositing onto
// planar RGB. Decoding files is not here: see image-file.ts.
import { fail } from '../../errors.js';
import { type DecodedPng } from '../colour.js';

/** width×height pixels, 4 floats each: premultiplied r, g, b and alpha, in [0, 1]. */
export interface Rgba {
  width: number;
  height: number;
  data: Float32Array;
}

/** A box in pixels: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A decoded 8-bit image (gray, gray+alpha, RGB, RGBA) as premultiplied float RGBA. */
export function rgbaFromDecoded(img: DecodedPng): Rgba {
  const { width, height, channels: ch, pixels } = img;
  const data = new Float32Array(width * height * 4);
  for (let p = 0, q = 0; p < width * height; p++, q += ch) {
    const a = ch === 2 || ch === 4 ? pixels[q + ch - 1]! / 255 : 1;
    const r = pixels[q]! / 255;
    const g = ch >= 3 ? pixels[q + 1]! / 255 : r;
    const b = ch >= 3 ? pixels[q + 2]! / 255 : r;
    data[4 * p] = r * a;
    data[4 * p + 1] = g * a;
    data[4 * p + 2] = b * a;
    data[4 * p + 3] = a;
  }
  return { width, height, data };
}

/** The smallest box holding every pixel with alpha ≥ threshold, or undefined when none has. */
export function alphaBox(img: Rgba, threshold = 1 / 16): Box | undefined {
  let [x0, y0, x1, y1] = [img.width, img.height, -1, -1];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[4 * (y * img.width + x) + 3]! < threshold) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

export function crop(img: Rgba, box: Box): Rgba {
  const { x, y, w, h } = box;
  if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > img.width || y + h > img.height) fail('crop', `box ${JSON.stringify(box)} is outside the ${img.width}×${img.height} image`);
  const data = new Float32Array(w * h * 4);
  for (let r = 0; r < h; r++) data.set(img.data.subarray(4 * ((y + r) * img.width + x), 4 * ((y + r) * img.width + x + w)), 4 * r * w);
  return { width: w, height: h, data };
}

/**
 * Per output index, the input indices and weights of a triangle filter of support
 * max(1, scale) input pixels (pixel centres aligned as PIL and OpenCV's INTER_AREA-like
 * resizes do: out centre (o + 0.5)·in/out − 0.5).
 */
function filterTaps(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Float32Array; width: number } {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const width = Math.ceil(support) * 2 + 2;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(inSize, Math.ceil(centre + support));
    let total = 0;
    let n = 0;
    for (let i = lo; i < hi && n < width; i++, n++) {
      const wgt = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
      weights[o * width + n] = wgt;
      total += wgt;
    }
    for (let k = 0; k < n; k++) weights[o * width + k]! /= total || 1;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, width };
}

/** One pass of a separable resize: `lines` lines of `inLen` pixels (stride `step` floats between pixels) to `outLen`. */
function pass(src: Float32Array, dst: Float32Array, lines: number, taps: ReturnType<typeof filterTaps>, outLen: number, srcLine: number, srcStep: number, dstLine: number, dstStep: number): void {
  const { start, count, weights, width } = taps;
  for (let l = 0; l < lines; l++) {
    for (let o = 0; o < outLen; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      let p = l * srcLine + start[o]! * srcStep;
      const base = o * width;
      for (let k = 0; k < count[o]!; k++, p += srcStep) {
        const wt = weights[base + k]!;
        r += wt * src[p]!;
        g += wt * src[p + 1]!;
        b += wt * src[p + 2]!;
        a += wt * src[p + 3]!;
      }
      const q = l * dstLine + o * dstStep;
      dst[q] = r;
      dst[q + 1] = g;
      dst[q + 2] = b;
      dst[q + 3] = a;
    }
  }
}

/** `img` resized to w×h (separable triangle filter on premultiplied RGBA). */
export function resize(img: Rgba, w: number, h: number): Rgba {
  if (!Number.isSafeInteger(w) || !Number.isSafeInteger(h) || w < 1 || h < 1) fail('resize', `size must be positive integers, got ${w}×${h}`);
  // Rows first (img.height lines of width → w), then columns (w lines of img.height → h).
  const mid = new Float32Array(img.height * w * 4);
  pass(img.data, mid, img.height, filterTaps(img.width, w), w, 4 * img.width, 4, 4 * w, 4);
  const out = new Float32Array(h * w * 4);
  pass(mid, out, w, filterTaps(img.height, h), h, 4, 4 * w, 4, 4 * w);
  return { width: w, height: h, data: out };
}

/** Composites `src` over planar RGB `dst` ([3, size, size]) with its top-left corner at (x, y); clipped to the canvas. */
export function compositeOver(dst: Float32Array, size: number, src: Rgba, x: number, y: number): void {
  const plane = size * size;
  for (let r = Math.max(0, -y); r < src.height && y + r < size; r++) {
    for (let c = Math.max(0, -x); c < src.width && x + c < size; c++) {
      const p = 4 * (r * src.width + c);
      const a = src.data[p + 3]!;
      if (a <= 0) continue;
      const q = (y + r) * size + x + c;
      for (let ch = 0; ch < 3; ch++) dst[ch * plane + q] = src.data[p + ch]! + (1 - a) * dst[ch * plane + q]!;
    }
  }
}

/** Planar RGB floats in [0, 1] ([3, h, w]) as interleaved 8-bit RGB (clamped, rounded). */
export function rgbBytes(planes: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const out = new Uint8ClampedArray(plane * 3);
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    for (let p = 0, q = c; p < plane; p++, q += 3) out[q] = planes[base + p]! * 255;
  }
  return new Uint8Array(out.buffer);
}
