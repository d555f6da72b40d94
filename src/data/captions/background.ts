// Scene backgrounds: a named colour, plain or with a texture of that colour (a
// gradient, mottling, grain or soft stripes), so the words "on a blue background"
// are true of every kind, and the encoder sees more than flat colour.
import { splitmix } from '../batches.js';

/** Background colours by the word a caption uses for them, as sRGB in [0, 1]. */
export const BACKGROUND_COLOURS: Readonly<Record<string, readonly [number, number, number]>> = {
  white: [0.94, 0.94, 0.92],
  gray: [0.55, 0.55, 0.55],
  black: [0.1, 0.1, 0.1],
  red: [0.72, 0.18, 0.16],
  orange: [0.93, 0.55, 0.16],
  yellow: [0.94, 0.84, 0.32],
  green: [0.3, 0.58, 0.3],
  blue: [0.26, 0.45, 0.78],
  purple: [0.5, 0.3, 0.64],
  pink: [0.94, 0.62, 0.74],
  brown: [0.5, 0.34, 0.2],
};

export const BACKGROUND_KINDS = ['plain', 'gradient', 'mottled', 'grain', 'stripes'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

export interface Background {
  kind: BackgroundKind;
  /** A key of BACKGROUND_COLOURS. */
  colour: string;
  /** The colour used (the named one, jittered a little), sRGB in [0, 1]. */
  rgb: [number, number, number];
  /** The texture's own stream. */
  seed: number;
}

/** Draws a background from `rng`. */
export function drawBackground(rng: () => number): Background {
  const names = Object.keys(BACKGROUND_COLOURS);
  const colour = names[Math.floor(rng() * names.length)]!;
  const base = BACKGROUND_COLOURS[colour]!;
  const rgb = base.map((v) => Math.min(1, Math.max(0, v + (rng() - 0.5) * 0.08))) as [number, number, number];
  const kind = BACKGROUND_KINDS[Math.floor(rng() * BACKGROUND_KINDS.length)]!;
  return { kind, colour, rgb, seed: Math.floor(rng() * 4294967296) };
}

/** Bilinear value noise on a (cells+1)² grid of values in [−1, 1]. */
function valueNoise(rng: () => number, size: number, cells: number): Float32Array {
  const g = Float32Array.from({ length: (cells + 1) * (cells + 1) }, () => 2 * rng() - 1);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const fy = (y / size) * cells;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    const sy = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < size; x++) {
      const fx = (x / size) * cells;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const sx = tx * tx * (3 - 2 * tx);
      const k = y0 * (cells + 1) + x0;
      const top = (1 - sx) * g[k]! + sx * g[k + 1]!;
      const bottom = (1 - sx) * g[k + cells + 1]! + sx * g[k + cells + 2]!;
      out[y * size + x] = (1 - sy) * top + sy * bottom;
    }
  }
  return out;
}

/** The background as planar RGB [3, size, size] in [0, 1]. */
export function renderBackground(bg: Background, size: number): Float32Array {
  const rng = splitmix(bg.seed);
  const plane = size * size;
  // A brightness factor per pixel around 1.
  const f = new Float32Array(plane).fill(1);
  switch (bg.kind) {
    case 'plain':
      break;
    case 'gradient': {
      const angle = rng() * 2 * Math.PI;
      const amp = 0.12 + 0.1 * rng();
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) f[y * size + x] = 1 + amp * (((x / size - 0.5) * c + (y / size - 0.5) * s) * 1.4);
      break;
    }
    case 'mottled': {
      const n1 = valueNoise(rng, size, 3 + Math.floor(rng() * 4));
      const n2 = valueNoise(rng, size, 12 + Math.floor(rng() * 8));
      for (let p = 0; p < plane; p++) f[p] = 1 + 0.12 * n1[p]! + 0.05 * n2[p]!;
      break;
    }
    case 'grain':
      for (let p = 0; p < plane; p++) f[p] = 1 + 0.1 * (rng() - 0.5) + 0.1 * (rng() - 0.5);
      break;
    case 'stripes': {
      const angle = rng() * Math.PI;
      const period = size * (0.04 + 0.08 * rng());
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) f[y * size + x] = 1 + 0.07 * Math.sin((2 * Math.PI * (x * c + y * s)) / period);
      break;
    }
  }
  const out = new Float32Array(3 * plane);
  if (bg.kind === 'plain') {
    for (let ch = 0; ch < 3; ch++) out.fill(bg.rgb[ch]!, ch * plane, (ch + 1) * plane);
    return out;
  }
  for (let ch = 0; ch < 3; ch++) {
    const v = bg.rgb[ch]!;
    // Dark colours vary upward, so black is not flattened at 0.
    for (let p = 0; p < plane; p++) out[ch * plane + p] = Math.min(1, Math.max(0, v < 0.2 ? v + (f[p]! - 1) * 0.5 : v * f[p]!));
  }
  return out;
}
