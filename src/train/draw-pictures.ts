// DRAW's pictures: a grid of generated images (Fig 6), the generation sequence
// σ(c̃_t) with the write window drawn (Figs 1, 7, 10) as a PNG strip per sample
// and as an animated GIF.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { getRngState, setRngState } from '../random.js';
import { type DRAW, type GenerationSequence } from '../models/draw.js';
import { drawRect, imageGrid, labelGrid, toRgb } from '../viz/grid.js';
import { writePng, type Image } from '../viz/png.js';
import { writeGif, type GifFrame } from '../viz/gif.js';

const RED: [number, number, number] = [230, 40, 40];

/** Draws the write window of `win` onto the grid cell at (ox, oy) of an RGB image (scale `s`). */
function rect(img: Image, ox: number, oy: number, s: number, win: { x0: number; y0: number; x1: number; y1: number }, w: number, h: number): void {
  // Pixel centres: pixel p (0-based) spans [p·s, (p+1)·s); clip to the cell.
  const cx = (v: number): number => ox + Math.min(Math.max((v + 0.5) * s, 0), w * s - 1);
  const cy = (v: number): number => oy + Math.min(Math.max((v + 0.5) * s, 0), h * s - 1);
  drawRect(img, cx(win.x0), cy(win.y0), cx(win.x1), cy(win.y1), RED);
}

/** Frame indices shown in the sequence strip: `k` steps spread over 1..T, the last always included. */
export function stripSteps(T: number, k: number): number[] {
  const n = Math.min(T, k);
  return Array.from({ length: n }, (_, j) => Math.round(((j + 1) * T) / n) - 1);
}

/** Indices into a 256-colour palette: 0–251 grays (grayPalette) or a 6×6×6 colour cube; 252 is red. */
function palette(colour: boolean): Uint8Array {
  const p = new Uint8Array(768);
  if (!colour) for (let i = 0; i < 252; i++) p.set([0, 0, 0].map(() => Math.round((i * 255) / 251)), i * 3);
  else for (let i = 0; i < 216; i++) p.set([Math.floor(i / 36), Math.floor(i / 6) % 6, i % 6].map((v) => v * 51), i * 3);
  p.set(RED, 252 * 3);
  return p;
}

function toIndices(img: Image): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [img.pixels[i * 3]!, img.pixels[i * 3 + 1]!, img.pixels[i * 3 + 2]!];
    if (r === RED[0] && g === RED[1] && b === RED[2]) out[i] = 252;
    else if (r === g && g === b) out[i] = Math.round((r * 251) / 255);
    else out[i] = Math.round(r / 51) * 36 + Math.round(g / 51) * 6 + Math.round(b / 51);
  }
  return out;
}

export interface DrawPictures {
  samples: string;
  sequencePng: string;
  sequenceGif: string;
}

/**
 * Generates with the model under its own seed (the global stream is left as it
 * was) and writes samples.png, sequence.png and sequence.gif into `dir` (each atomically).
 */
export function writeDrawPictures(model: DRAW, dir: string, options: { seed?: number; samples?: number; rows?: number; columns?: number; scale?: number } = {}): DrawPictures {
  checkOptions('writeDrawPictures', options, ['seed', 'samples', 'rows', 'columns', 'scale']);
  const { seed = 1, samples = 64, rows = 8, columns = 16 } = options;
  const c = model.config;
  const scale = options.scale ?? Math.max(1, Math.round(56 / Math.max(c.width, c.height)));
  const saved = getRngState();
  setRngState({ seed, offset: 0 });
  let seq: GenerationSequence;
  try {
    seq = model.generate(Math.max(samples, rows));
  } finally {
    setRngState(saved);
  }
  const per = c.channels * c.height * c.width;
  const C = c.channels as 1 | 3;
  const last = seq.canvases[c.T - 1]!;
  const paths: DrawPictures = { samples: `${dir}/samples.png`, sequencePng: `${dir}/sequence.png`, sequenceGif: `${dir}/sequence.gif` };
  writePng(paths.samples, imageGrid(last.subarray(0, samples * per), samples, c.height, c.width, C, { scale, columns: Math.ceil(Math.sqrt(samples)) }));

  // sequence.png: one row per sample, one column per shown step (labelled t=1…T above,
  // the sample's number at the left), write window in red.
  const steps = stripSteps(c.T, columns);
  const cells = new Float32Array(rows * steps.length * per);
  for (let i = 0; i < rows; i++) steps.forEach((t, j) => cells.set(seq.canvases[t]!.subarray(i * per, (i + 1) * per), (i * steps.length + j) * per));
  const border = 1;
  const strip = toRgb(imageGrid(cells, rows * steps.length, c.height, c.width, C, { scale, columns: steps.length, border }));
  if (c.attention) {
    for (let i = 0; i < rows; i++) {
      steps.forEach((t, j) => rect(strip, border + j * (c.width * scale + border), border + i * (c.height * scale + border), scale, seq.windows[t]![i]!, c.width, c.height));
    }
  }
  writePng(paths.sequencePng, labelGrid(strip, { cellWidth: c.width * scale, cellHeight: c.height * scale, border, columns: steps.map((t) => `t=${t + 1}`), rows: Array.from({ length: rows }, (_, i) => String(i + 1)) }));

  // sequence.gif: a square grid of samples, one frame per step t = 1..T (the last held longer).
  const g = Math.min(16, Math.max(samples, rows));
  const gc = Math.ceil(Math.sqrt(g));
  const frames: GifFrame[] = [];
  let size: [number, number] = [0, 0];
  for (let t = 0; t < c.T; t++) {
    const img = toRgb(imageGrid(seq.canvases[t]!.subarray(0, g * per), g, c.height, c.width, C, { scale, columns: gc, border }));
    if (c.attention) {
      for (let i = 0; i < g; i++) rect(img, border + (i % gc) * (c.width * scale + border), border + Math.floor(i / gc) * (c.height * scale + border), scale, seq.windows[t]![i]!, c.width, c.height);
    }
    size = [img.width, img.height];
    frames.push({ indices: toIndices(img), delay: t === c.T - 1 ? 200 : 8 });
  }
  if (frames.length === 0) fail('writeDrawPictures', 'no frames');
  writeGif(paths.sequenceGif, size[0], size[1], palette(C === 3), frames);
  return paths;
}
