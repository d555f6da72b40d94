// Attention correctness (issue 12 item 5; no public captioning library reports it):
// when the captioner generates a word that names an object of the scene, how much of
// its attention α_t lies inside that object's box? Averaged over the object words of
// all captions, beside what uniform attention would score (the box's share of the
// image), so a number above the uniform one says the model looks where it names.
//
// α_t is a distribution over the encoder's h×w grid; each cell covers a rectangle of
// the image, and its mass is taken as spread evenly over that rectangle, so a box
// receives Σ_i α_ti · |cell_i ∩ box| / |cell_i|. α_t is the attention of the step that
// generates word t (Caption.alphas[t] for Caption.tokens[t]).
import { fail } from '../errors.js';

/** A box in pixels: left, top, width, height (fv.data.captions' Box). */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An object of a scene: its box and the words that name it (e.g. ['goat'], ['bunch', 'grapes']). */
export interface NamedObject {
  box: PixelBox;
  words: readonly string[];
}

/** One generated caption of one image. */
export interface AttentionCase {
  /** The generated words. */
  words: readonly string[];
  /** α_t over the grid (row-major h·w) for each generated word (extra steps, e.g. <eos>'s, are ignored). */
  alphas: readonly ArrayLike<number>[];
  /** The grid [h, w] the α's are over. */
  grid: readonly [number, number];
  /** The image [height, width] the boxes are in. */
  image: readonly [number, number];
  objects: readonly NamedObject[];
}

export interface AttentionCorrectness {
  /** Mean share of α inside the named object's box, over object words (NaN when none). */
  correctness: number;
  /** The same for uniform attention: the mean box area share over the same words. */
  uniform: number;
  /** Object words counted. */
  words: number;
  /** Words naming more than one object of their scene (left out: which box is meant is unknown). */
  ambiguous: number;
}

/** Share of α's mass inside `box`, α over an h×w grid laid over an H×W image. */
export function massInBox(alpha: ArrayLike<number>, grid: readonly [number, number], image: readonly [number, number], box: PixelBox): number {
  const [h, w] = grid;
  const [H, W] = image;
  const ch = H / h;
  const cw = W / w;
  const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  let s = 0;
  for (let r = 0; r < h; r++) {
    const fy = overlap(r * ch, (r + 1) * ch, box.y, box.y + box.h) / ch;
    if (fy === 0) continue;
    for (let c = 0; c < w; c++) {
      const fx = overlap(c * cw, (c + 1) * cw, box.x, box.x + box.w) / cw;
      s += alpha[r * w + c]! * fx * fy;
    }
  }
  return s;
}

/**
 * Attention correctness over generated captions: for each generated word that names
 * exactly one object of its scene, the share of α_t inside that object's box.
 * @example
 * const r = attentionCorrectness([{ words: ['a', 'goat'], alphas: [a0, a1], grid: [14, 14], image: [224, 224],
 *   objects: [{ box: { x: 0, y: 0, w: 112, h: 224 }, words: ['goat'] }] }]);
 * r.correctness; r.uniform; // 0.5 for this box
 */
export function attentionCorrectness(cases: readonly AttentionCase[]): AttentionCorrectness {
  const op = 'attentionCorrectness';
  if (!Array.isArray(cases as unknown)) fail(op, `cases must be an array, got ${typeof cases}`);
  let sum = 0;
  let uniform = 0;
  let words = 0;
  let ambiguous = 0;
  cases.forEach((k, n) => {
    const [h, w] = k.grid;
    const [H, W] = k.image;
    if (!(Number.isSafeInteger(h) && Number.isSafeInteger(w) && h > 0 && w > 0)) fail(op, `cases[${n}].grid must be [h, w] of positive integers, got ${JSON.stringify(k.grid)}`);
    if (!(H > 0 && W > 0)) fail(op, `cases[${n}].image must be [height, width] > 0, got ${JSON.stringify(k.image)}`);
    if (k.alphas.length < k.words.length) fail(op, `cases[${n}] has ${k.words.length} words but ${k.alphas.length} α's: one per generated word is needed`);
    k.words.forEach((word, t) => {
      const named = k.objects.filter((o) => o.words.includes(word));
      if (named.length === 0) return;
      if (named.length > 1) {
        ambiguous++;
        return;
      }
      const alpha = k.alphas[t]!;
      if (alpha.length !== h * w) fail(op, `cases[${n}].alphas[${t}] has ${alpha.length} entries, the grid ${h}×${w} has ${h * w}`);
      const box = named[0]!.box;
      sum += massInBox(alpha, k.grid, k.image, box);
      const inside = Math.max(0, Math.min(box.x + box.w, W) - Math.max(box.x, 0)) * Math.max(0, Math.min(box.y + box.h, H) - Math.max(box.y, 0));
      uniform += inside / (H * W);
      words++;
    });
  });
  return { correctness: words ? sum / words : NaN, uniform: words ? uniform / words : NaN, words, ambiguous };
}
