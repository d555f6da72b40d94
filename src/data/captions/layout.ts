// Where a scene's objects go: sizes and places drawn at random, each object wholly
// inside the canvas, later objects drawn over earlier ones, and occlusion limited:
// measured on the alpha masks, no object may lose more than `maxOcclusion` of its
// visible mass (Σα) to the objects drawn over it. A layout that breaks the limit is
// drawn again (smaller after every 20 tries).
import { fail } from '../../errors.js';
import { resize, type Box, type Rgba } from './raster.js';

export interface LayoutOptions {
  /** Canvas side in pixels. */
  size: number;
  /** Longest side of an object as a fraction of the canvas: [min, max] (default [0.22, 0.5]). */
  scale?: readonly [number, number];
  /** Largest fraction of an object's alpha mass the objects over it may hide (default 0.25). */
  maxOcclusion?: number;
}

export interface Placed {
  /** Where the object's (alpha-cropped) picture lies on the canvas. */
  box: Box;
  /** Fraction of its alpha mass hidden by the objects drawn over it. */
  occluded: number;
}

export interface Layout {
  /** In drawing order: objects[i] is drawn before objects[i + 1]. */
  objects: Placed[];
  /** covers[a][b]: fraction of b's alpha mass under a (a drawn after b), 0 otherwise. */
  covers: number[][];
  /** The pictures resized to their boxes (to draw them without resizing again). */
  patches: Rgba[];
}

/** A box of longest side `long` for a picture of aspect w/h, at least 4 pixels thin. */
function boxSize(width: number, height: number, long: number): [number, number] {
  const s = long / Math.max(width, height);
  return [Math.max(4, Math.round(width * s)), Math.max(4, Math.round(height * s))];
}

/**
 * Places the pictures (in drawing order) on a size×size canvas.
 * `pictures[i]` is the cropped picture, used for its aspect ratio and alpha.
 */
export function placeObjects(pictures: readonly Rgba[], rng: () => number, options: LayoutOptions): Layout {
  const op = 'scenes';
  const { size, scale = [0.22, 0.5], maxOcclusion = 0.25 } = options;
  const k = pictures.length;
  let shrink = 1 - 0.08 * Math.max(0, k - 2);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (attempt > 0 && attempt % 20 === 0) shrink *= 0.9;
    const boxes: Box[] = [];
    const patches: Rgba[] = [];
    for (const pic of pictures) {
      const long = Math.min(size, size * shrink * (scale[0] + rng() * (scale[1] - scale[0])));
      const [w, h] = boxSize(pic.width, pic.height, long);
      const [bw, bh] = [Math.min(w, size), Math.min(h, size)];
      boxes.push({ x: Math.floor(rng() * (size - bw + 1)), y: Math.floor(rng() * (size - bh + 1)), w: bw, h: bh });
      patches.push(resize(pic, bw, bh));
    }
    const layout = measure(boxes, patches, size);
    if (layout.objects.every((o) => o.occluded <= maxOcclusion)) return layout;
  }
  return fail(op, `could not place ${k} objects on a ${size}×${size} canvas with at most ${maxOcclusion} of each hidden in 200 tries; lower the object scale or raise maxOcclusion`);
}

/** Occlusion of each object by those drawn after it, from the alpha masks. */
export function measure(boxes: readonly Box[], patches: readonly Rgba[], size: number): Layout {
  const k = boxes.length;
  // Transmittance of everything above, per canvas pixel, built from the top down.
  const through = new Float32Array(size * size).fill(1);
  const objects: Placed[] = new Array(k);
  const mass = boxes.map((_, i) => alphaMass(patches[i]!));
  for (let i = k - 1; i >= 0; i--) {
    const { x, y, w, h } = boxes[i]!;
    const a = patches[i]!.data;
    let hidden = 0;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const al = a[4 * (r * w + c) + 3]!;
        const q = (y + r) * size + x + c;
        hidden += al * (1 - through[q]!);
        through[q]! *= 1 - al;
      }
    }
    objects[i] = { box: { ...boxes[i]! }, occluded: mass[i]! > 0 ? hidden / mass[i]! : 0 };
  }
  const covers = boxes.map(() => new Array<number>(k).fill(0));
  for (let top = 0; top < k; top++) {
    for (let under = 0; under < top; under++) covers[top]![under] = pairCover(boxes[top]!, patches[top]!, boxes[under]!, patches[under]!) / (mass[under]! || 1);
  }
  return { objects, covers, patches: [...patches] };
}

function alphaMass(p: Rgba): number {
  let m = 0;
  for (let i = 3; i < p.data.length; i += 4) m += p.data[i]!;
  return m;
}

/** Σ α_under · α_top over the canvas (the part of `under` that `top` alone covers). */
function pairCover(bt: Box, pt: Rgba, bu: Box, pu: Rgba): number {
  const x0 = Math.max(bt.x, bu.x);
  const y0 = Math.max(bt.y, bu.y);
  const x1 = Math.min(bt.x + bt.w, bu.x + bu.w);
  const y1 = Math.min(bt.y + bt.h, bu.y + bu.h);
  let s = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) s += pt.data[4 * ((y - bt.y) * bt.w + x - bt.x) + 3]! * pu.data[4 * ((y - bu.y) * bu.w + x - bu.x) + 3]!;
  }
  return s;
}
