// foveate scenes: real photographs (the photo cut-outs of tuxpaint-stamps-default,
// see stamps.ts) composed into scenes of 2–4 objects on a plain or textured
// background, each with five references from the grammar of grammar.ts and every
// object's box kept with the words that name it.
//
// Scene i is a pure function of (the options, i): its own splitmix32 stream draws
// its categories (none of the held-out pairs unless it is a 'heldout' scene), a
// stamp per category, the background, the layout and the references. Making the set
// lays every scene out (that measures occlusion, so it resizes the objects); pixels
// are drawn when asked for, by render(i) or pixels(i), or written by `foveate data scenes`.
import { createHash } from 'node:crypto';
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { splitmix } from '../batches.js';
import { imageSeed } from '../cluttered.js';
import { drawBackground, renderBackground, type Background } from './background.js';
import { captionDataset, checkSize, type CaptionDataset, type CaptionImage } from './dataset.js';
import { describeScene, type Mention } from './grammar.js';
import { drawCategories, heldoutPairs, pairKey, sceneSplits, type SceneSplit } from './heldout.js';
import { readPngRgba } from './image-file.js';
import { placeObjects } from './layout.js';
import { alphaBox, compositeOver, crop, resize, type Box, type Rgba } from './raster.js';
import { stampCatalogue, TUXPAINT_STAMPS_DIR } from './stamps.js';
import { type VocabularyOptions } from './vocabulary.js';

/** A cut-out of your own for scenes: 8-bit RGBA, straight (not premultiplied) alpha. */
export interface CutOut {
  name: string;
  /** Default: the name's last word. */
  category?: string;
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface ScenesOptions {
  /** Scenes in the set (default 10,000). */
  n?: number;
  /** The set's seed (default 0). */
  seed?: number;
  /** Canvas side in pixels (default 224). */
  size?: number;
  /** Objects per scene: [min, max] (default [2, 4]). */
  objects?: readonly [number, number];
  /** Longest side of an object as a fraction of the canvas (default [0.22, 0.5]). */
  scale?: readonly [number, number];
  /** Largest fraction of an object the objects over it may hide (default 0.25). */
  maxOcclusion?: number;
  /** Category pairs held out of train/val/test (default 200, or 5% of all pairs when fewer; 0: no 'heldout' split). */
  heldoutPairs?: number;
  /** Share of the scenes in each of val, test and heldout (default 0.1). */
  splitFraction?: number;
  /** References per scene (default 5). */
  references?: number;
  /** tuxpaint-stamps-default's folder (default /usr/share/tuxpaint/stamps, or FOVEATE_TUXPAINT_STAMPS). */
  stampsDir?: string;
  /** Cut-outs to use instead of the stamps. */
  cutOuts?: readonly CutOut[];
  /** Default: every word of the train split's references (minCount 1). */
  vocabulary?: VocabularyOptions;
  /** Called after each scene is laid out (a progress bar's hook). */
  onProgress?: (done: number, total: number) => void;
}

/** One object of a scene, in drawing order. */
export interface SceneObject {
  name: string;
  category: string;
  /** The stamp's path under the stamps folder (or the cut-out's index). */
  stamp: string;
  /** The object's picture on the canvas, in pixels. */
  box: Box;
  /** Fraction of it hidden by objects drawn over it. */
  occluded: number;
}

export interface SceneImage extends CaptionImage {
  split: SceneSplit;
  objects: SceneObject[];
  background: Background;
  /** mentions[j]: the token spans of references[j] that name each object. */
  mentions: Mention[][];
  /** covers[a][b]: the fraction of object b's alpha mass under object a (drawn after it), else 0. */
  covers: number[][];
}

export interface ScenesDataset extends CaptionDataset<SceneImage> {
  readonly size: number;
  readonly seed: number;
  /** The held-out category pairs ([a, b], a < b). */
  readonly heldoutPairs: readonly (readonly [string, string])[];
  /** The objects scenes are made of. */
  readonly stamps: readonly { id: string; name: string; category: string; description?: string }[];
  /** Catalogue stamps this version of the package lacks. */
  readonly missingStamps: readonly string[];
  /** The options that made the set, defaults filled in. */
  readonly options: Readonly<Required<Omit<ScenesOptions, 'stampsDir' | 'cutOuts' | 'vocabulary' | 'onProgress'>>>;
  /** Scene i as planar RGB [3, size, size] in [0, 1] (synchronous). */
  render(i: number, size?: number): Float32Array;
}

interface Source {
  id: string;
  name: string;
  category: string;
  description?: string;
  picture: Rgba;
}

const OPTIONS = ['n', 'seed', 'size', 'objects', 'scale', 'maxOcclusion', 'heldoutPairs', 'splitFraction', 'references', 'stampsDir', 'cutOuts', 'vocabulary', 'onProgress'] as const;

function checkInt(op: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail(op, `${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  return v;
}

function checkRange(op: string, name: string, v: unknown, lo: number, hi: number, integer: boolean): [number, number] {
  const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= lo && x <= hi && (!integer || Number.isInteger(x))) && v[0] <= v[1];
  if (!ok) fail(op, `${name} must be [min, max] with ${lo} ≤ min ≤ max ≤ ${hi}${integer ? ', integers' : ''}, got ${JSON.stringify(v)}`);
  return [v[0], v[1]];
}

/** The picture cropped to its alpha mask and shrunk so its longer side is at most `long`. */
function prepare(op: string, what: string, img: Rgba, long: number): Rgba {
  const box = alphaBox(img);
  if (!box) fail(op, `${what}: the picture is fully transparent`);
  let p = crop(img, box);
  const s = long / Math.max(p.width, p.height);
  if (s < 1) p = resize(p, Math.max(1, Math.round(p.width * s)), Math.max(1, Math.round(p.height * s)));
  return p;
}

/** Pictures are kept at most `long` pixels on their longer side: 1.5× the largest object, so every resize shrinks. */
function loadSources(op: string, o: ScenesOptions, long: number): { sources: Source[]; missing: string[] } {
  if (o.cutOuts !== undefined) {
    if (!Array.isArray(o.cutOuts) || o.cutOuts.length < 2) fail(op, 'cutOuts must be an array of at least 2 cut-outs');
    const sources = o.cutOuts.map((c, i) => {
      const what = `cutOuts[${i}]`;
      if (typeof c?.name !== 'string' || !/^[a-z][a-z' -]*[a-z]$/.test(c.name)) fail(op, `${what}.name must be a lower-case noun phrase, got ${JSON.stringify(c?.name)}`);
      checkInt(op, `${what}.width`, c.width, 1);
      checkInt(op, `${what}.height`, c.height, 1);
      if (!(c.rgba instanceof Uint8Array) || c.rgba.length !== c.width * c.height * 4) fail(op, `${what}.rgba must be a Uint8Array of ${c.width}×${c.height}×4 bytes`);
      const data = new Float32Array(c.width * c.height * 4);
      for (let p = 0; p < c.width * c.height; p++) {
        const a = c.rgba[4 * p + 3]! / 255;
        for (let ch = 0; ch < 3; ch++) data[4 * p + ch] = (c.rgba[4 * p + ch]! / 255) * a;
        data[4 * p + 3] = a;
      }
      return { id: String(i), name: c.name, category: c.category ?? c.name.split(' ').pop()!, picture: prepare(op, what, { width: c.width, height: c.height, data }, long) };
    });
    return { sources, missing: [] };
  }
  const dir = o.stampsDir ?? process.env.FOVEATE_TUXPAINT_STAMPS ?? TUXPAINT_STAMPS_DIR;
  const { stamps, missing } = stampCatalogue(dir, op);
  // Decoding the ~300 PNGs takes seconds: the last set's pictures are kept for the next.
  const key = JSON.stringify([dir, long, stamps.map((s) => s.id)]);
  if (lastStamps?.key !== key) {
    const sources = stamps.map((s) => ({ id: s.id, name: s.name, category: s.category, description: s.description, picture: prepare(op, s.file, readPngRgba(s.file, op), long) }));
    lastStamps = { key, sources };
  }
  return { sources: lastStamps.sources, missing };
}

let lastStamps: { key: string; sources: Source[] } | undefined;

/**
 * foveate scenes: n generated images of 2–4 real photographed objects, five
 * references each, splits train/val/test/heldout.
 * @example
 * const ds = fv.data.captions.scenes({ n: 1000, seed: 1 });
 * ds.references[0]; // ['A goat to the left of a bunch of grapes.', …]
 * ds.images[0].objects; // [{ name: 'goat', box: { x, y, w, h }, … }, …]
 * const rgb = ds.render(0); // Float32Array [3, 224, 224]
 */
export function scenes(options: ScenesOptions = {}): ScenesDataset {
  const op = 'scenes';
  checkOptions(op, options, OPTIONS);
  const o = options ?? {};
  const n = checkInt(op, 'n', o.n ?? 10000, 1);
  const seed = checkInt(op, 'seed', o.seed ?? 0, 0);
  const size = checkInt(op, 'size', o.size ?? 224, 32, 4096);
  const objects = checkRange(op, 'objects', o.objects ?? [2, 4], 1, 6, true);
  const scale = checkRange(op, 'scale', o.scale ?? [0.22, 0.5], 0.05, 1, false);
  const maxOcclusion = o.maxOcclusion ?? 0.25;
  if (typeof maxOcclusion !== 'number' || !(maxOcclusion >= 0 && maxOcclusion <= 1)) fail(op, `maxOcclusion must be in [0, 1], got ${JSON.stringify(maxOcclusion)}`);
  const heldoutOption = o.heldoutPairs === undefined ? undefined : checkInt(op, 'heldoutPairs', o.heldoutPairs, 0);
  const splitFraction = o.splitFraction ?? 0.1;
  if (typeof splitFraction !== 'number' || !(splitFraction >= 0 && splitFraction <= 0.3)) fail(op, `splitFraction must be in [0, 0.3], got ${JSON.stringify(splitFraction)}`);
  const nRefs = checkInt(op, 'references', o.references ?? 5, 1, 10);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') fail(op, `onProgress must be a function, got ${typeof o.onProgress}`);
  const { sources, missing } = loadSources(op, o, Math.ceil(1.5 * size * scale[1]));
  const categories = [...new Set(sources.map((s) => s.category))].sort();
  if (categories.length < objects[1]) fail(op, `${categories.length} categories cannot fill scenes of ${objects[1]} distinct objects`);
  const byCategory = new Map(categories.map((c) => [c, sources.filter((s) => s.category === c)]));
  // Held-out pairs: at most a quarter of all pairs, so scenes without them can be drawn.
  const allPairs = (categories.length * (categories.length - 1)) / 2;
  const heldout = heldoutOption ?? Math.min(200, Math.round(0.05 * allPairs));
  if (heldout > allPairs / 4) fail(op, `heldoutPairs ${heldout} is more than a quarter of the ${allPairs} category pairs`);

  const rng = splitmix((seed ^ 0x243f6a88) >>> 0);
  const pairs = heldout > 0 ? heldoutPairs(categories, heldout, rng) : [];
  const banned = new Set(pairs.map(([a, b]) => pairKey(a!, b!)));
  const splitOf = sceneSplits(n, Math.floor(rng() * 4294967296), splitFraction, pairs.length > 0);
  const settings = { n, seed, size, objects, scale, maxOcclusion, heldoutPairs: heldout, splitFraction, references: nRefs };
  const hash = createHash('sha256').update(JSON.stringify({ v: 1, ...settings, stamps: sources.map((s) => [s.id, s.name, s.category, s.picture.width, s.picture.height]) })).digest('hex').slice(0, 12);

  const images: SceneImage[] = [];
  const references: string[][] = [];
  const tokens: string[][][] = [];
  for (let i = 0; i < n; i++) {
    const r = splitmix(imageSeed(seed, i));
    const split = splitOf[i]!;
    const k = objects[0] + Math.floor(r() * (objects[1] - objects[0] + 1));
    const cats = drawCategories(categories, Math.max(k, split === 'heldout' ? 2 : 1), split, pairs, banned, r);
    const chosen = cats.map((c) => {
      const list = byCategory.get(c)!;
      return list[Math.floor(r() * list.length)]!;
    });
    const background = drawBackground(r);
    const layout = placeObjects(chosen.map((s) => s.picture), r, { size, scale, maxOcclusion });
    const objs: SceneObject[] = chosen.map((s, j) => ({ name: s.name, category: s.category, stamp: s.id, box: layout.objects[j]!.box, occluded: Math.round(layout.objects[j]!.occluded * 1e4) / 1e4 }));
    const covers = layout.covers.map((row) => row.map((c) => Math.round(c * 1e4) / 1e4));
    const refs = describeScene({ objects: objs, covers, background, size }, r, nRefs);
    images.push({ index: i, key: `scenes-${hash}/${String(i).padStart(6, '0')}`, split, objects: objs, background, mentions: refs.map((x) => x.mentions), covers });
    references.push(refs.map((x) => x.raw));
    tokens.push(refs.map((x) => x.tokens));
    o.onProgress?.(i + 1, n);
  }
  const pictures = new Map(sources.map((s) => [s.id, s.picture]));
  const render = (i: number, at = size): Float32Array => {
    checkInt(`${op}.render`, 'i', i, 0, n - 1);
    checkSize(`${op}.render`, at);
    const im = images[i]!;
    const out = renderBackground(im.background, size);
    for (const ob of im.objects) compositeOver(out, size, resize(pictures.get(ob.stamp)!, ob.box.w, ob.box.h), ob.box.x, ob.box.y);
    return at === size ? out : rescale(out, size, at);
  };
  const splits: Record<string, Int32Array> = {};
  for (const s of ['train', 'val', 'test', ...(pairs.length ? ['heldout'] : [])]) splits[s] = Int32Array.from(images.filter((im) => im.split === s), (im) => im.index);
  const ds = captionDataset({
    name: `scenes-${hash}`,
    images,
    references,
    tokens,
    splits,
    ...(o.vocabulary ? { vocabulary: o.vocabulary } : {}),
    pixels: async (i, at) => render(i, at),
  });
  return {
    ...ds,
    size,
    seed,
    heldoutPairs: pairs as [string, string][],
    stamps: sources.map(({ id, name, category, description }) => ({ id, name, category, ...(description ? { description } : {}) })),
    missingStamps: missing,
    options: settings,
    render,
  };
}

/** Planar RGB at another size. */
function rescale(planes: Float32Array, from: number, to: number): Float32Array {
  const plane = from * from;
  const rgba: Rgba = { width: from, height: from, data: new Float32Array(plane * 4) };
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgba.data[4 * p + c] = planes[c * plane + p]!;
    rgba.data[4 * p + 3] = 1;
  }
  const r = resize(rgba, to, to);
  const out = new Float32Array(3 * to * to);
  for (let p = 0; p < to * to; p++) for (let c = 0; c < 3; c++) out[c * to * to + p] = r.data[4 * p + c]!;
  return out;
}
