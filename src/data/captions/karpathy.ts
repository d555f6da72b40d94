// Karpathy's caption splits, `dataset_{flickr8k,flickr30k,coco}.json` (PAPERS.md §3),
// with the folder of images they name:
//   { "dataset": "flickr8k", "images": [ { "filename": "…jpg", "filepath": "val2014" (COCO),
//     "imgid": 0, "split": "train" | "val" | "test" | "restval", "sentids": [0, …],
//     "sentences": [ { "tokens": ["a", …], "raw": "A …", "imgid": 0, "sentid": 0 }, … ] }, … ] }
// Checked entry by entry: a missing or mistyped field, a repeated file, or an image
// that is not on disk is an error naming the JSON file and the entry. 'restval'
// images (COCO) train, as in Karpathy's and the paper's use; image.split keeps the name.
// Other split names (foveate scenes' 'heldout') become splits of their own.
//
// References are re-tokenised from `raw` with the metrics' tokenizer, so training
// and scoring see the same words (option tokens: 'karpathy' uses the file's own
// `tokens`, lower-cased: quicker on COCO's 616,767 captions).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOptions } from '../../options.js';
import { fail } from '../../errors.js';
import { captionDataset, type CaptionDataset, type CaptionImage } from './dataset.js';
import { fileToSquare } from './image-file.js';
import { type VocabularyOptions } from './vocabulary.js';

export const KARPATHY_SPLITS = ['train', 'val', 'test', 'restval'] as const;

export interface KarpathyOptions {
  /** Vocabulary: words seen at least minCount times in training captions (default 5), at most maxWords (default 10,000, the paper's). */
  vocabulary?: VocabularyOptions;
  /** 'ptb' (default): tokenise `raw` as the metrics do; 'karpathy': the file's `tokens`. */
  tokens?: 'ptb' | 'karpathy';
}

export interface KarpathyImage extends CaptionImage {
  file: string;
  /** Karpathy's imgid (and COCO's cocoid), when the file has them. */
  imgid?: number;
  cocoid?: number;
  sentids: number[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : typeof v);

/**
 * A Karpathy-format caption dataset.
 * @example
 * const ds = fv.data.captions.karpathy('dataset_flickr8k.json', 'Flicker8k_Dataset');
 * ds.splits.train.length; // 6000
 * for (const b of ds.batches({ batchSize: 64, seed: 0 })) { … }
 */
export function karpathy(jsonPath: string, imageDir: string, options: KarpathyOptions = {}): CaptionDataset<KarpathyImage> {
  const op = 'karpathy';
  checkOptions(op, options, ['vocabulary', 'tokens']);
  const { vocabulary = { minCount: 5, maxWords: 10000 }, tokens: tokenizer = 'ptb' } = options ?? {};
  if (tokenizer !== 'ptb' && tokenizer !== 'karpathy') fail(op, `tokens must be 'ptb' or 'karpathy', got ${JSON.stringify(tokenizer)}`);
  if (typeof jsonPath !== 'string') fail(op, `jsonPath must be a file path, got ${kind(jsonPath)}`);
  if (typeof imageDir !== 'string') fail(op, `imageDir must be a folder, got ${kind(imageDir)}`);
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch (e) {
    return fail(op, `cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(op, `${jsonPath}: not JSON (${(e as Error).message})`);
  }
  if (!existsSync(imageDir)) fail(op, `image folder ${imageDir} not found`);
  const bad = (where: string, what: string): never => fail(op, `${jsonPath}: ${where}: ${what}`);
  if (!isObj(json)) bad('top level', `expected an object with "images", got ${kind(json)}`);
  const top = json as Obj;
  if (top.dataset !== undefined && typeof top.dataset !== 'string') bad('"dataset"', `expected a string, got ${kind(top.dataset)}`);
  if (!Array.isArray(top.images)) bad('"images"', top.images === undefined ? 'missing' : `expected an array, got ${kind(top.images)}`);
  const entries = top.images as unknown[];
  if (entries.length === 0) bad('"images"', 'empty');

  const images: KarpathyImage[] = [];
  const references: string[][] = [];
  const tokens: string[][][] = [];
  const seen = new Map<string, number>();
  const missing: number[] = [];
  const folders = new Map<string, Set<string>>();
  const listed = (dir: string): Set<string> => {
    let s = folders.get(dir);
    if (!s) folders.set(dir, (s = existsSync(dir) ? new Set(readdirSync(dir)) : new Set()));
    return s;
  };
  entries.forEach((e, i) => {
    let where = `images[${i}]`;
    if (!isObj(e)) bad(where, `expected an object, got ${kind(e)}`);
    const im = e as Obj;
    if (typeof im.filename !== 'string' || im.filename.length === 0) bad(where, im.filename === undefined ? 'no "filename"' : `"filename" must be a non-empty string, got ${kind(im.filename)}`);
    where = `images[${i}] (${im.filename as string})`;
    if (im.filepath !== undefined && typeof im.filepath !== 'string') bad(where, `"filepath" must be a string, got ${kind(im.filepath)}`);
    const rel = im.filepath ? `${im.filepath as string}/${im.filename as string}` : (im.filename as string);
    if (typeof im.split !== 'string' || !/^[A-Za-z0-9_-]+$/.test(im.split)) bad(where, im.split === undefined ? 'no "split"' : `"split" must be a name such as ${KARPATHY_SPLITS.join(', ')}, got ${kind(im.split)}`);
    for (const id of ['imgid', 'cocoid'] as const) if (im[id] !== undefined && !Number.isSafeInteger(im[id])) bad(where, `"${id}" must be an integer, got ${kind(im[id])}`);
    if (!Array.isArray(im.sentences)) bad(where, im.sentences === undefined ? 'no "sentences"' : `"sentences" must be an array, got ${kind(im.sentences)}`);
    const sentences = im.sentences as unknown[];
    if (sentences.length === 0) bad(where, '"sentences" is empty: every image needs at least one reference');
    if (seen.has(rel)) bad(where, `repeats the image of images[${seen.get(rel)}]`);
    seen.set(rel, i);
    const raws: string[] = [];
    const toks: string[][] = [];
    const sentids: number[] = [];
    sentences.forEach((s, j) => {
      const at = `${where}.sentences[${j}]`;
      if (!isObj(s)) bad(at, `expected an object, got ${kind(s)}`);
      const sent = s as Obj;
      const hasRaw = typeof sent.raw === 'string';
      const hasTokens = Array.isArray(sent.tokens) && sent.tokens.every((t) => typeof t === 'string');
      if (sent.raw !== undefined && !hasRaw) bad(at, `"raw" must be a string, got ${kind(sent.raw)}`);
      if (sent.tokens !== undefined && !hasTokens) bad(at, `"tokens" must be an array of strings, got ${kind(sent.tokens)}`);
      if (!hasRaw && !hasTokens) bad(at, 'has neither "raw" nor "tokens"');
      if (tokenizer === 'karpathy' && !hasTokens) bad(at, 'no "tokens" (needed with tokens: \'karpathy\')');
      if (sent.sentid !== undefined && !Number.isSafeInteger(sent.sentid)) bad(at, `"sentid" must be an integer, got ${kind(sent.sentid)}`);
      if (sent.imgid !== undefined && im.imgid !== undefined && sent.imgid !== im.imgid) bad(at, `"imgid" ${JSON.stringify(sent.imgid)} differs from the image's ${JSON.stringify(im.imgid)}`);
      raws.push(hasRaw ? (sent.raw as string) : (sent.tokens as string[]).join(' '));
      if (tokenizer === 'karpathy') toks.push((sent.tokens as string[]).map((t) => t.toLowerCase()).filter((t) => t.length > 0));
      if (sent.sentid !== undefined) sentids.push(sent.sentid as number);
    });
    if (im.sentids !== undefined) {
      if (!Array.isArray(im.sentids) || !im.sentids.every((x) => Number.isSafeInteger(x))) bad(where, `"sentids" must be an array of integers, got ${kind(im.sentids)}`);
      const ids = im.sentids as number[];
      if (ids.length !== sentences.length) bad(where, `"sentids" lists ${ids.length} sentences but "sentences" holds ${sentences.length}`);
      if (sentids.length === ids.length && sentids.some((x, j) => x !== ids[j])) bad(where, `"sentids" ${JSON.stringify(ids)} do not match the sentences' sentid ${JSON.stringify(sentids)}`);
    }
    const dir = im.filepath ? join(imageDir, im.filepath as string) : imageDir;
    if (!listed(dir).has(im.filename as string)) missing.push(i);
    images.push({
      index: i,
      key: rel,
      file: join(dir, im.filename as string),
      split: im.split as string,
      ...(im.imgid !== undefined ? { imgid: im.imgid as number } : {}),
      ...(im.cocoid !== undefined ? { cocoid: im.cocoid as number } : {}),
      sentids: (im.sentids as number[] | undefined) ?? sentids,
    });
    references.push(raws);
    if (tokenizer === 'karpathy') tokens.push(toks);
  });
  if (missing.length > 0) {
    const first = images[missing[0]!]!;
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more of the ${images.length} images: ${missing.slice(1, 4).map((k) => images[k]!.key).join(', ')}${missing.length > 4 ? ', …' : ''})` : '';
    fail(op, `${jsonPath}: images[${first.index}] (${first.key}): image file ${first.file} is not in ${imageDir}${more}`);
  }
  const splits: Record<string, Int32Array> = {};
  const names = new Set(['train', 'val', 'test', ...images.map((im) => im.split)]);
  names.delete('restval');
  for (const s of names) {
    splits[s] = Int32Array.from(images.filter((im) => im.split === s || (s === 'train' && im.split === 'restval')), (im) => im.index);
  }
  return captionDataset({
    name: `karpathy:${typeof top.dataset === 'string' ? top.dataset : 'dataset'}`,
    images,
    references,
    ...(tokenizer === 'karpathy' ? { tokens } : {}),
    splits,
    vocabulary,
    pixels: (i, size) => fileToSquare(images[i]!.file, size, 'cover', `karpathy.pixels`),
  });
}
