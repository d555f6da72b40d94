// DRAM's glimpses as in the paper's Figure 5: for a few test images, one row per
// image and one column per glimpse t = 1..T, the image with glimpse t's window in
// green (the span of the filter centres, gX, gY ± (N−1)/2·δ) and its line width
// showing the filters' spread σ; glimpses.gif plays the same glimpses in order.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { tensor } from '../creation.js';
import { tidy } from '../memory.js';
import { noGrad } from '../tensor.js';
import { argmax } from '../ops/index.js';
import { attentionWindow } from '../models/draw.js';
import { type DRAM } from '../models/dram.js';
import { drawRect, imageGrid, labelGrid, toRgb } from '../viz/grid.js';
import { writePng, type Image } from '../viz/png.js';
import { writeGif, type GifFrame } from '../viz/gif.js';
import { type LabelledImages } from './dram.js';

const GREEN: [number, number, number] = [40, 220, 60];

export interface GlimpseWindow {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  sigma: number;
}

export interface GlimpsePictures {
  png: string;
  gif: string;
  /** Per image: its label, the model's prediction and the T windows (0-based pixels). */
  images: { label: number; predicted: number; windows: GlimpseWindow[] }[];
}

/** Line width (pixels at scale 1) for a filter spread σ: 1 px up to σ = 1, then about σ/2, at most 6. */
export function lineWidth(sigma: number): number {
  return Math.max(1, Math.min(6, Math.round(sigma / 2)));
}

/** Draws a window with a line `width` pixels thick (inward from the box) onto an RGB cell at (ox, oy). */
function box(img: Image, ox: number, oy: number, s: number, w: GlimpseWindow, size: number, width: number): void {
  const c = (v: number): number => Math.min(Math.max((v + 0.5) * s, 0), size * s - 1);
  const [x0, y0, x1, y1] = [c(w.x0), c(w.y0), c(w.x1), c(w.y1)];
  for (let k = 0; k < width * s; k++) {
    if (x0 + k > x1 - k || y0 + k > y1 - k) break;
    drawRect(img, ox + x0 + k, oy + y0 + k, ox + x1 - k, oy + y1 - k, GREEN);
  }
}

/** Gray levels 0–251 then green at 252. */
function palette(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 252; i++) p.fill(Math.round((i * 255) / 251), i * 3, i * 3 + 3);
  p.set(GREEN, 252 * 3);
  return p;
}

function toIndices(img: Image): Uint8Array {
  const out = new Uint8Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b] = [img.pixels[i * 3]!, img.pixels[i * 3 + 1]!, img.pixels[i * 3 + 2]!];
    out[i] = r === GREEN[0] && g === GREEN[1] && b === GREEN[2] ? 252 : Math.round((r * 251) / 255);
  }
  return out;
}

/**
 * Writes DIR/glimpses.png and DIR/glimpses.gif for the first `count` images of
 * `set` (default 6), each atomically. Eval mode, no graph.
 */
export function writeGlimpsePictures(model: DRAM, set: LabelledImages, dir: string, options: { count?: number; scale?: number } = {}): GlimpsePictures {
  checkOptions('writeGlimpsePictures', options, ['count', 'scale']);
  const { count = 6, scale = 2 } = options;
  const c = model.config;
  if (!Number.isSafeInteger(count) || count < 1 || count > set.count) fail('writeGlimpsePictures', `count must be 1..${set.count}, got ${count}`);
  const b = set.batch(0, count);
  const size = c.width;
  if (b.shape[1] !== c.height || b.shape[2] !== c.width) fail('writeGlimpsePictures', `images are ${b.shape[2]}×${b.shape[1]} but the model takes ${c.width}×${c.height}`);
  const wasTraining = model.training;
  model.eval();
  const { windows, predicted } = noGrad(() =>
    tidy(() => {
      const r = model.rollout(tensor(b.images, [count, c.height, c.width], { device: model.device }));
      const raw = r.windows.map((w) => w.toFloat32Array());
      return {
        windows: Array.from({ length: count }, (_, i) => raw.map((p) => attentionWindow(p.subarray(i * 5, i * 5 + 5), c.readN, c.width, c.height))),
        predicted: Array.from(argmax(r.logits, 1).toInt32Array()),
      };
    }),
  );
  model.train(wasTraining);
  const T = c.glimpses;
  const px = c.width * c.height;
  const border = 2;
  const cell = size * scale + border;

  // glimpses.png: row i = image i, column t = glimpse t.
  const cells = new Float32Array(count * T * px);
  for (let i = 0; i < count; i++) for (let t = 0; t < T; t++) cells.set(b.images.subarray(i * px, (i + 1) * px), (i * T + t) * px);
  const strip = toRgb(imageGrid(cells, count * T, c.height, c.width, 1, { scale, columns: T, border }));
  for (let i = 0; i < count; i++) for (let t = 0; t < T; t++) box(strip, border + t * cell, border + i * cell, scale, windows[i]![t]!, size, lineWidth(windows[i]![t]!.sigma));
  const png = `${dir}/glimpses.png`;
  // Labelled: glimpse t=1…T above the columns, the image's number at the left.
  writePng(png, labelGrid(strip, { cellWidth: size * scale, cellHeight: size * scale, border, columns: Array.from({ length: T }, (_, t) => `t=${t + 1}`), rows: Array.from({ length: count }, (_, i) => String(i + 1)) }));

  // glimpses.gif: the images in a square grid, frame t showing glimpse t (the last held longer).
  const gc = Math.ceil(Math.sqrt(count));
  const frames: GifFrame[] = [];
  let dims: [number, number] = [0, 0];
  for (let t = 0; t < T; t++) {
    const img = toRgb(imageGrid(b.images, count, c.height, c.width, 1, { scale, columns: gc, border }));
    for (let i = 0; i < count; i++) box(img, border + (i % gc) * cell, border + Math.floor(i / gc) * cell, scale, windows[i]![t]!, size, lineWidth(windows[i]![t]!.sigma));
    dims = [img.width, img.height];
    frames.push({ indices: toIndices(img), delay: t === T - 1 ? 150 : 60 });
  }
  const gif = `${dir}/glimpses.gif`;
  writeGif(gif, dims[0], dims[1], palette(), frames);
  return { png, gif, images: Array.from({ length: count }, (_, i) => ({ label: b.labels[i]!, predicted: predicted[i]!, windows: windows[i]! })) };
}
