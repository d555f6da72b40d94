// Where the captioner looked (Show, Attend and Tell, Figs 2, 3, 5): for each generated
// word, α_t over the encoder's h×w grid upsampled to the image (bilinear) and blurred
// with a Gaussian, as the authors' pyramid_expand(α, upscale=16, sigma=20) does — σ is
// 1.25 grid cells — then laid over the image: bright where the model attends, dim
// elsewhere, with the word above each panel. The same panels as an animated GIF.
import { fail } from '../errors.js';
import { drawText, textWidth } from './font.js';
import { encodeGif, type GifFrame } from './gif.js';
import { type Image } from './png.js';

export interface AttentionPicture {
  /** The image as planar RGB [3, height, width] in [0, 1]. */
  image: Float32Array;
  height: number;
  width: number;
  /** The grid [h, w] the α's are over. */
  grid: readonly [number, number];
  /** The words, one per α (a shorter list labels the first panels only, e.g. '<eos>' may be added). */
  words: readonly string[];
  alphas: readonly ArrayLike<number>[];
}

const LABEL = 11;

/** α [h·w] → a blurred map [height·width] scaled to a maximum of 1. */
export function attentionMap(alpha: ArrayLike<number>, grid: readonly [number, number], height: number, width: number): Float32Array {
  const [h, w] = grid;
  if (alpha.length !== h * w) fail('attentionMap', `α has ${alpha.length} entries, the grid ${h}×${w} has ${h * w}`);
  const up = new Float32Array(height * width);
  // Bilinear, sampling each pixel's centre in grid coordinates (edges clamped).
  for (let y = 0; y < height; y++) {
    const gy = Math.min(Math.max(((y + 0.5) * h) / height - 0.5, 0), h - 1);
    const y0 = Math.floor(gy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(Math.max(((x + 0.5) * w) / width - 0.5, 0), w - 1);
      const x0 = Math.floor(gx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = gx - x0;
      up[y * width + x] = (1 - fy) * ((1 - fx) * alpha[y0 * w + x0]! + fx * alpha[y0 * w + x1]!) + fy * ((1 - fx) * alpha[y1 * w + x0]! + fx * alpha[y1 * w + x1]!);
    }
  }
  const sigma = 1.25 * Math.max(height / h, width / w);
  const blurred = blur(up, height, width, sigma);
  let max = 0;
  for (const v of blurred) max = Math.max(max, v);
  if (max > 0) for (let i = 0; i < blurred.length; i++) blurred[i]! /= max;
  return blurred;
}

/** A separable Gaussian blur (σ in pixels, radius 3σ, edges clamped). */
function blur(src: Float32Array, height: number, width: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = k.reduce((s, v) => s + v, 0);
  for (let i = 0; i < k.length; i++) k[i]! /= total;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * src[y * width + Math.min(Math.max(x + i, 0), width - 1)]!;
      tmp[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * tmp[Math.min(Math.max(y + i, 0), height - 1) * width + x]!;
      out[y * width + x] = s;
    }
  }
  return out;
}

/** One labelled panel: the image dimmed to 25% where α is 0, whole where it peaks. */
function panel(p: AttentionPicture, label: string, map: Float32Array | undefined): Image {
  const { width: W, height: H, image } = p;
  const width = Math.max(W, textWidth(label) + 4);
  const out: Image = { width, height: H + LABEL, channels: 3, pixels: new Uint8Array(width * (H + LABEL) * 3) };
  const plane = H * W;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const m = map ? 0.25 + 0.75 * map[y * W + x]! : 1;
      for (let c = 0; c < 3; c++) out.pixels[((y + LABEL) * width + x) * 3 + c] = Math.round(Math.min(Math.max(image[c * plane + y * W + x]! * m, 0), 1) * 255);
    }
  }
  drawText(out, label, 2, 2, [255, 255, 255]);
  return out;
}

function checkPicture(op: string, p: AttentionPicture): void {
  const { height: H, width: W } = p;
  if (!(Number.isSafeInteger(H) && Number.isSafeInteger(W) && H > 0 && W > 0)) fail(op, `height and width must be positive integers, got ${H}×${W}`);
  if (p.image.length !== 3 * H * W) fail(op, `image has ${p.image.length} values, RGB ${H}×${W} needs ${3 * H * W}`);
  if (p.alphas.length === 0) fail(op, 'no α: a caption of no words (or a model without attention) has nothing to show');
}

/** The panels: the image itself, then one per α labelled with its word. */
export function attentionPanels(p: AttentionPicture): Image[] {
  checkPicture('attentionPanels', p);
  return [panel(p, '', undefined), ...p.alphas.map((a, t) => panel(p, p.words[t] ?? '', attentionMap(a, p.grid, p.height, p.width)))];
}

/** The panels side by side, `columns` per row (default 5), on a black background. */
export function attentionFigure(p: AttentionPicture, columns = 5): Image {
  const panels = attentionPanels(p);
  const cw = Math.max(...panels.map((x) => x.width)) + 4;
  const ch = panels[0]!.height + 4;
  const cols = Math.min(columns, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const out: Image = { width: cols * cw + 4, height: rows * ch + 4, channels: 3, pixels: new Uint8Array((cols * cw + 4) * (rows * ch + 4) * 3) };
  panels.forEach((q, n) => {
    const ox = 4 + (n % cols) * cw;
    const oy = 4 + Math.floor(n / cols) * ch;
    for (let y = 0; y < q.height; y++) out.pixels.set(q.pixels.subarray(y * q.width * 3, (y + 1) * q.width * 3), ((oy + y) * out.width + ox) * 3);
  });
  return out;
}

/** A 6×7×6 colour cube (252 colours) and 4 grays: a fixed palette for photographs. */
function cubePalette(): Uint8Array {
  const p = new Uint8Array(768);
  let i = 0;
  for (let r = 0; r < 6; r++) for (let g = 0; g < 7; g++) for (let b = 0; b < 6; b++) p.set([Math.round((r * 255) / 5), Math.round((g * 255) / 6), Math.round((b * 255) / 5)], 3 * i++);
  for (const v of [64, 128, 192, 224]) p.set([v, v, v], 3 * i++);
  return p;
}

/** The panels as an animated GIF (one frame per word, `delay` hundredths of a second each). */
export function attentionGif(p: AttentionPicture, delay = 80): Uint8Array {
  const panels = attentionPanels(p);
  const W = Math.max(...panels.map((x) => x.width));
  const H = panels[0]!.height;
  const frames: GifFrame[] = panels.map((q) => {
    const indices = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x >= q.width) continue;
        const o = (y * q.width + x) * 3;
        const r = Math.round((q.pixels[o]! * 5) / 255);
        const g = Math.round((q.pixels[o + 1]! * 6) / 255);
        const b = Math.round((q.pixels[o + 2]! * 5) / 255);
        indices[y * W + x] = (r * 7 + g) * 6 + b;
      }
    }
    return { indices, delay };
  });
  return encodeGif(W, H, cubePalette(), frames);
}
