// Image grids: many small images (gray or RGB, values in [0, 1]) tiled with a
// border, the way DRAW's samples and generation sequences are shown.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { type Image } from './png.js';
import { drawText } from './font.js';

export interface GridOptions {
  /** Images per row (default √n rounded up). */
  columns?: number;
  /** Border width in pixels (default 1). */
  border?: number;
  /** Border gray level in [0, 1] (default 0.5). */
  borderValue?: number;
  /** Nearest-neighbour upscaling factor (default 1). */
  scale?: number;
}

/**
 * Tiles `count` images of `channels`×`height`×`width` (channel-first, row-major,
 * values in [0, 1]) from one flat array into a single RGB or gray image.
 */
export function imageGrid(
  values: ArrayLike<number>,
  count: number,
  height: number,
  width: number,
  channels: 1 | 3 = 1,
  options: GridOptions = {},
): Image {
  checkOptions('imageGrid', options, ['columns', 'border', 'borderValue', 'scale']);
  if (values.length !== count * channels * height * width) {
    fail('imageGrid', `expected ${count}×${channels}×${height}×${width} = ${count * channels * height * width} values, got ${values.length}`);
  }
  const { border = 1, borderValue = 0.5, scale = 1 } = options;
  const columns = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  const cellW = width * scale + border;
  const cellH = height * scale + border;
  const W = columns * cellW + border;
  const H = rows * cellH + border;
  const pixels = new Uint8Array(W * H * channels).fill(Math.round(borderValue * 255));
  const byte = (v: number): number => Math.round(Math.min(Math.max(v, 0), 1) * 255);
  for (let n = 0; n < count; n++) {
    const ox = border + (n % columns) * cellW;
    const oy = border + Math.floor(n / columns) * cellH;
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const sy = Math.floor(y / scale);
        const sx = Math.floor(x / scale);
        for (let c = 0; c < channels; c++) {
          const v = values[((n * channels + c) * height + sy) * width + sx]!;
          pixels[((oy + y) * W + ox + x) * channels + c] = byte(v);
        }
      }
    }
  }
  return { width: W, height: H, channels, pixels };
}

/** Converts a gray image to RGB (to draw coloured marks on it). */
export function toRgb(img: Image): Image {
  if (img.channels === 3) return img;
  const pixels = new Uint8Array(img.width * img.height * 3);
  img.pixels.forEach((v, i) => pixels.set([v, v, v], i * 3));
  return { ...img, channels: 3, pixels };
}

/** Draws a 1-pixel rectangle outline (clipped to the image) in place on an RGB image. */
export function drawRect(img: Image, x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number]): void {
  if (img.channels !== 3) fail('drawRect', 'the image must be RGB (use toRgb first)');
  const put = (x: number, y: number): void => {
    if (x >= 0 && y >= 0 && x < img.width && y < img.height) img.pixels.set(rgb, (y * img.width + x) * 3);
  };
  const [ax, ay, bx, by] = [Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1)];
  for (let x = ax; x <= bx; x++) {
    put(x, ay);
    put(x, by);
  }
  for (let y = ay; y <= by; y++) {
    put(ax, y);
    put(bx, y);
  }
}

export interface GridLabels {
  /** The cells' size in pixels, border excluded (a grid's width × scale, height × scale). */
  cellWidth: number;
  cellHeight: number;
  /** The grid's border width (default 1). */
  border?: number;
  /** A label above each column, e.g. "t=1" (digits, 't', '=' and spaces). */
  columns?: readonly string[];
  /** A label left of each row, e.g. "1". */
  rows?: readonly string[];
}

/**
 * The RGB grid `img` (from imageGrid) with white bands added: column labels above,
 * row labels at the left, centred on their cells — e.g. DRAW's sequence.png with
 * the step of each column and the sample of each row.
 */
export function labelGrid(img: Image, labels: GridLabels): Image {
  checkOptions('labelGrid', labels, ['cellWidth', 'cellHeight', 'border', 'columns', 'rows']);
  if (img.channels !== 3) fail('labelGrid', 'the image must be RGB (use toRgb first)');
  const { cellWidth, cellHeight, border = 1, columns = [], rows = [] } = labels;
  const widest = Math.max(0, ...columns.map((l) => l.length * 6 - 1));
  // Font pixels of 2 when the labels fit the cells at that size.
  const k = widest * 2 <= cellWidth - 2 && cellHeight >= 24 ? 2 : 1;
  const top = columns.length ? 7 * k + 2 * k + 2 : 0;
  const left = rows.length ? Math.max(...rows.map((l) => l.length * 6 - 1)) * k + 4 * k : 0;
  const W = img.width + left;
  const H = img.height + top;
  const pixels = new Uint8Array(W * H * 3).fill(255);
  for (let y = 0; y < img.height; y++) pixels.set(img.pixels.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + top) * W + left) * 3);
  const out: Image = { width: W, height: H, channels: 3, pixels };
  columns.forEach((l, j) => {
    const w = (l.length * 6 - 1) * k;
    drawText(out, l, left + border + j * (cellWidth + border) + Math.floor((cellWidth - w) / 2), k + 1, [0, 0, 0], k);
  });
  rows.forEach((l, i) => {
    const w = (l.length * 6 - 1) * k;
    drawText(out, l, left - 2 * k - w, top + border + i * (cellHeight + border) + Math.floor((cellHeight - 7 * k) / 2), [0, 0, 0], k);
  });
  return out;
}
