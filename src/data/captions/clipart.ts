// Clip-art with human descriptions: the drawings of Debian's openclipart-png
// (rasterised from openclipart-svg; public domain), each with the title and, where
// its author wrote one, the description from its SVG metadata as references (see
// clipart-text.ts for what is kept), normalised to lower-case words without numbers or
// file names (clipartCaption). A small set of real, human-written captions.
//
// The packages keep a drawing under several folders (copies in the SVG package,
// symbolic links in the PNG one): each PNG file counts once, under its real path.
// Drawings whose PNG is under 32 pixels on its longer side (icons, bullets) or over
// 50 megapixels are left out. Splits: a seeded 10% val, 10% test, the rest train.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { permutation } from '../batches.js';
import { cleanDescription, cleanTitle, clipartCaption, svgMetadata } from './clipart-text.js';
import { captionDataset, type CaptionDataset, type CaptionImage } from './dataset.js';
import { fileToSquare } from './image-file.js';
import { type VocabularyOptions } from './vocabulary.js';
import { chooseMinCount } from './min-count.js';
import { tokenize } from '../../metrics/tokenize.js';

export const OPENCLIPART_SVG_DIR = '/usr/share/openclipart/svg';
export const OPENCLIPART_PNG_DIR = '/usr/share/openclipart/png';

export interface ClipartOptions {
  /** openclipart-svg's folder (default /usr/share/openclipart/svg). */
  svgDir?: string;
  /** openclipart-png's folder (default /usr/share/openclipart/png). */
  pngDir?: string;
  /** The splits' seed (default 0). */
  seed?: number;
  /** Default: minCount chosen on the training captions (min-count.ts; 4 on Debian's set). */
  vocabulary?: VocabularyOptions;
}

export interface ClipartImage extends CaptionImage {
  file: string;
  svg: string;
  /** The metadata as written. */
  title: string;
  description: string;
  width: number;
  height: number;
}

export interface ClipartDataset extends CaptionDataset<ClipartImage> {
  /** Drawings looked at, and why the others were left out. */
  readonly counts: { pngFiles: number; noSvg: number; tooSmall: number; tooLarge: number; noUsableText: number; kept: number; withDescription: number };
}

/** Width and height from a PNG's IHDR (undefined when the file is not a PNG). */
function pngSize(path: string): { width: number; height: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(24);
    if (readSync(fd, b, 0, 24, 0) < 24 || b.readUInt32BE(12) !== 0x49484452) return undefined;
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  } finally {
    closeSync(fd);
  }
}

function* pngFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* pngFiles(p);
    else if (e.isFile() && e.name.endsWith('.png')) yield p; // symbolic links are other folders' copies
  }
}

/** Descriptions shared word for word by more than this many drawings are a set's blurb. */
const SHARED_DESCRIPTION = 3;
/** Titles shared by more than this many drawings name a collection, not each picture. */
const SHARED_TITLE = 25;

/**
 * Open Clip Art drawings with their titles and descriptions as references.
 * @example
 * const ds = fv.data.captions.clipart();
 * ds.references[0]; // ['armadillo'] or ['rubber duck', 'a yellow rubber duck …']
 */
export function clipart(options: ClipartOptions = {}): ClipartDataset {
  const op = 'clipart';
  checkOptions(op, options, ['svgDir', 'pngDir', 'seed', 'vocabulary']);
  const { svgDir = OPENCLIPART_SVG_DIR, pngDir = OPENCLIPART_PNG_DIR, seed = 0 } = options ?? {};
  if (!Number.isSafeInteger(seed) || seed < 0) fail(op, `seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
  if (!existsSync(svgDir)) fail(op, `${svgDir} not found: install Debian's package openclipart-svg (apt-get install openclipart-svg), or pass svgDir`);
  if (!existsSync(pngDir)) fail(op, `${pngDir} not found: install Debian's package openclipart-png (apt-get install openclipart-png), or pass pngDir`);
  const counts = { pngFiles: 0, noSvg: 0, tooSmall: 0, tooLarge: 0, noUsableText: 0, kept: 0, withDescription: 0 };
  const found: Omit<ClipartImage, 'index' | 'split'>[] = [];
  const seenReal = new Set<string>();
  for (const file of pngFiles(pngDir)) {
    const real = realpathSync(file);
    if (seenReal.has(real)) continue;
    seenReal.add(real);
    counts.pngFiles++;
    const rel = relative(pngDir, file);
    const svg = join(svgDir, rel.replace(/\.png$/, '.svg'));
    if (!existsSync(svg)) {
      counts.noSvg++;
      continue;
    }
    const size = pngSize(file);
    if (!size || Math.max(size.width, size.height) < 32) {
      counts.tooSmall++;
      continue;
    }
    if (size.width * size.height > 50e6) {
      counts.tooLarge++;
      continue;
    }
    const { title, description } = svgMetadata(readFileSync(svg, 'utf8'));
    found.push({ key: rel, file, svg, title, description, ...size });
  }
  // Collection names and set blurbs: the same title or description on many drawings.
  const uses = new Map<string, number>();
  const titles = new Map<string, number>();
  for (const f of found) {
    if (f.description) uses.set(f.description, (uses.get(f.description) ?? 0) + 1);
    titles.set(f.title, (titles.get(f.title) ?? 0) + 1);
  }
  const kept: Omit<ClipartImage, 'index' | 'split'>[] = [];
  const references: string[][] = [];
  for (const f of found) {
    const t = clipartCaption((titles.get(f.title) ?? 0) > SHARED_TITLE ? '' : cleanTitle(f.title));
    const d = clipartCaption((uses.get(f.description) ?? 0) > SHARED_DESCRIPTION ? '' : cleanDescription(f.description, f.title));
    // A description that normalises to the title adds no second reference.
    const refs = [...new Set([t, d])].filter((r) => r !== '');
    if (refs.length === 0) {
      counts.noUsableText++;
      continue;
    }
    if (refs.length === 2) counts.withDescription++;
    kept.push(f);
    references.push(refs);
  }
  counts.kept = kept.length;
  if (kept.length < 3) fail(op, `only ${kept.length} drawings with usable titles in ${pngDir} and ${svgDir}; are they openclipart-png's and openclipart-svg's folders?`);
  const order = permutation(kept.length, seed);
  const k = Math.round(0.1 * kept.length);
  const splitOf = new Array<string>(kept.length).fill('train');
  for (let i = 0; i < k; i++) splitOf[order[i]!] = 'val';
  for (let i = k; i < 2 * k; i++) splitOf[order[i]!] = 'test';
  const images: ClipartImage[] = kept.map((f, i) => ({ ...f, index: i, split: splitOf[i]! }));
  const splits: Record<string, Int32Array> = {};
  for (const s of ['train', 'val', 'test']) splits[s] = Int32Array.from(images.filter((im) => im.split === s), (im) => im.index);
  const tokens = references.map((refs) => refs.map((r) => tokenize(r)));
  const vocabulary = options?.vocabulary ?? { minCount: chooseMinCount([...splits.train!].flatMap((i) => tokens[i]!)).minCount };
  const ds = captionDataset({
    name: 'clipart',
    images,
    references,
    tokens,
    splits,
    vocabulary,
    pixels: (i, size) => fileToSquare(images[i]!.file, size, 'contain', 'clipart.pixels'),
  });
  return { ...ds, counts };
}
