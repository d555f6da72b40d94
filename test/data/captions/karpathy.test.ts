// Karpathy's dataset_*.json + an image folder, on small sets the test writes in that
// exact format (Flickr8k's and COCO's, which adds filepath, cocoid and 'restval').
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'karpathy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A w×h PNG of one colour. */
function png(path: string, w: number, h: number, rgb: [number, number, number]): void {
  const pixels = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) pixels.set(rgb, 3 * p);
  writeFileSync(path, fv.viz.encodePng({ width: w, height: h, channels: 3, pixels }));
}

const RAW = ['A dog runs across the grass.', 'Two children play on a beach !', "The dog's ball isn't red.", 'a man rides a horse', 'A dog jumps .'];

/** Flickr8k's layout: filename, imgid, split, sentids, sentences[{tokens, raw, imgid, sentid}]. */
function flickr(dir: string, splits: string[]): { json: string; images: string } {
  const images = join(dir, 'Flicker8k_Dataset');
  mkdirSync(images, { recursive: true });
  let sentid = 0;
  const entries = splits.map((split, imgid) => {
    const filename = `${1000 + imgid}_abc.png`;
    png(join(images, filename), 40 + imgid, 30, [imgid * 40, 100, 200]);
    const sentences = RAW.map((raw, j) => ({ tokens: raw.toLowerCase().replace(/[.!]/g, '').split(/\s+/).filter(Boolean), raw: j === 4 ? `${raw} ${imgid}` : raw, imgid, sentid: sentid + j }));
    sentid += 5;
    return { sentids: sentences.map((s) => s.sentid), imgid, sentences, split, filename };
  });
  const json = join(dir, 'dataset_flickr8k.json');
  writeFileSync(json, JSON.stringify({ images: entries, dataset: 'flickr8k' }));
  return { json, images };
}

function write(dir: string, name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

describe('captions: karpathy', () => {
  const set = flickr(join(root, 'f8k'), ['train', 'train', 'train', 'val', 'test', 'train']);

  it('reads images, references, splits and a vocabulary of the training captions', () => {
    const ds = fv.data.captions.karpathy(set.json, set.images, { vocabulary: { minCount: 1 } });
    expect(ds.name).toBe('karpathy:flickr8k');
    expect(ds.images).toHaveLength(6);
    expect(ds.images[2]).toMatchObject({ index: 2, key: '1002_abc.png', split: 'train', imgid: 2, sentids: [10, 11, 12, 13, 14], file: join(set.images, '1002_abc.png') });
    expect(Array.from(ds.splits.train!)).toEqual([0, 1, 2, 5]);
    expect(Array.from(ds.splits.val!)).toEqual([3]);
    expect(Array.from(ds.splits.test!)).toEqual([4]);
    expect(ds.references[0]).toHaveLength(5);
    // Tokenised as the metrics tokenise (PTB clitics split, punctuation dropped, lower-cased).
    expect(ds.tokens[0]![2]).toEqual(['the', 'dog', "'s", 'ball', 'is', "n't", 'red']);
    expect(ds.tokens[0]![2]).toEqual(fv.metrics.tokenize(RAW[2]!));
    // Only training captions count: "3" (val) and "4" (test) are not words, "5" (train) is.
    expect(ds.vocabulary.has('5')).toBe(true);
    expect(ds.vocabulary.has('3')).toBe(false);
    expect(ds.vocabulary.has('4')).toBe(false);
    // The default vocabulary keeps words seen at least 5 times: the train split has 4 images,
    // each with 'horse' once and 'dog' three times.
    const strict = fv.data.captions.karpathy(set.json, set.images);
    expect(strict.vocabulary.has('horse')).toBe(false);
    expect(strict.vocabulary.has('dog')).toBe(true);
    expect(strict.vocabulary.minCount).toBe(5);
    // Karpathy's own tokens, on request.
    const own = fv.data.captions.karpathy(set.json, set.images, { tokens: 'karpathy' });
    expect(own.tokens[0]![2]).toEqual(["the", "dog's", 'ball', "isn't", 'red']);
  });

  it('batches its captions and gives pixels of the images (shorter side scaled, centre kept)', async () => {
    const ds = fv.data.captions.karpathy(set.json, set.images, { vocabulary: { minCount: 1 } });
    let rows = 0;
    for (const b of ds.batches({ batchSize: 3, seed: 1 })) {
      for (const i of b.images) expect(ds.images[i]!.split).toBe('train');
      rows += b.shape[0];
    }
    expect(rows).toBe(20);
    const px = await ds.pixels(3, { size: 16 });
    expect(px).toHaveLength(3 * 16 * 16);
    expect(px[0]).toBeCloseTo(120 / 255, 5);
    expect(px[256]).toBeCloseTo(100 / 255, 5);
    await expect(ds.pixels(9)).rejects.toThrow(/karpathy:flickr8k.pixels: image index 9 is outside 0..5/);
    await expect(ds.pixels(0, { size: 0 })).rejects.toThrow(/size must be an integer in 1..8192, got 0/);
  });

  it("reads COCO's layout: filepath folders, cocoid, and 'restval' images in train", () => {
    const dir = join(root, 'coco');
    for (const f of ['train2014', 'val2014']) mkdirSync(join(dir, 'img', f), { recursive: true });
    png(join(dir, 'img', 'train2014', 'COCO_train2014_000000000009.png'), 8, 8, [0, 0, 0]);
    png(join(dir, 'img', 'val2014', 'COCO_val2014_000000000042.png'), 8, 8, [0, 0, 0]);
    png(join(dir, 'img', 'val2014', 'COCO_val2014_000000000073.png'), 8, 8, [0, 0, 0]);
    const s = (raw: string, imgid: number, sentid: number) => ({ tokens: raw.split(' '), raw, imgid, sentid });
    const json = write(dir, 'dataset_coco.json', {
      dataset: 'coco',
      images: [
        { filepath: 'train2014', sentids: [0], filename: 'COCO_train2014_000000000009.png', imgid: 0, split: 'train', sentences: [s('a plate of food', 0, 0)], cocoid: 9 },
        { filepath: 'val2014', sentids: [1], filename: 'COCO_val2014_000000000042.png', imgid: 1, split: 'restval', sentences: [s('a man on a bike', 1, 1)], cocoid: 42 },
        { filepath: 'val2014', sentids: [2], filename: 'COCO_val2014_000000000073.png', imgid: 2, split: 'test', sentences: [s('a red bus', 2, 2)], cocoid: 73 },
      ],
    });
    const ds = fv.data.captions.karpathy(json, join(dir, 'img'), { vocabulary: { minCount: 1 } });
    expect(ds.images.map((im) => im.key)).toEqual(['train2014/COCO_train2014_000000000009.png', 'val2014/COCO_val2014_000000000042.png', 'val2014/COCO_val2014_000000000073.png']);
    expect(ds.images[1]).toMatchObject({ split: 'restval', cocoid: 42 });
    expect(Array.from(ds.splits.train!)).toEqual([0, 1]);
    expect(Array.from(ds.splits.val!)).toEqual([]);
    expect(ds.vocabulary.has('bike')).toBe(true);
    expect(ds.vocabulary.has('bus')).toBe(false);
  });

  it('refuses bad input with the file and the entry', () => {
    const dir = join(root, 'bad');
    const good = flickr(dir, ['train', 'val']);
    const base = JSON.parse(readFileSync(good.json, 'utf8')) as { images: Record<string, unknown>[] };
    const edit = (name: string, f: (images: Record<string, unknown>[]) => void): string => {
      const copy = JSON.parse(JSON.stringify(base)) as { images: Record<string, unknown>[] };
      f(copy.images);
      return write(dir, name, copy);
    };
    const k = (p: string) => fv.data.captions.karpathy(p, good.images);
    expect(() => k(join(dir, 'nope.json'))).toThrow(/^karpathy: cannot read .*nope\.json/);
    expect(() => k(write(dir, 'trunc.json', '{"images": [{"filename"'))).toThrow(/^karpathy: .*trunc\.json: not JSON/);
    expect(() => k(write(dir, 'arr.json', []))).toThrow(/arr\.json: top level: expected an object with "images", got an array/);
    expect(() => k(write(dir, 'noimages.json', { dataset: 'x' }))).toThrow(/noimages\.json: "images": missing/);
    expect(() => k(write(dir, 'empty.json', { images: [] }))).toThrow(/empty\.json: "images": empty/);
    expect(() => k(edit('nofile.json', (im) => delete im[1]!.filename))).toThrow(/nofile\.json: images\[1\]: no "filename"/);
    expect(() => k(edit('numfile.json', (im) => (im[0]!.filename = 7)))).toThrow(/images\[0\]: "filename" must be a non-empty string, got number/);
    expect(() => k(edit('nosplit.json', (im) => delete im[0]!.split))).toThrow(/nosplit\.json: images\[0\] \(1000_abc\.png\): no "split"/);
    expect(() => k(edit('badsplit.json', (im) => (im[0]!.split = 3)))).toThrow(/"split" must be a name such as train, val, test, restval, got number/);
    expect(() => k(edit('nosent.json', (im) => delete im[1]!.sentences))).toThrow(/images\[1\] \(1001_abc\.png\): no "sentences"/);
    expect(() => k(edit('nosent0.json', (im) => (im[1]!.sentences = [])))).toThrow(/"sentences" is empty/);
    expect(() => k(edit('noraw.json', (im) => ((im[1]!.sentences as Record<string, unknown>[])[2] = { imgid: 1, sentid: 7 })))).toThrow(/images\[1\] \(1001_abc\.png\)\.sentences\[2\]: has neither "raw" nor "tokens"/);
    expect(() => k(edit('rawnum.json', (im) => ((im[0]!.sentences as Record<string, unknown>[])[0]!.raw = 5)))).toThrow(/sentences\[0\]: "raw" must be a string, got number/);
    expect(() => k(edit('toks.json', (im) => ((im[0]!.sentences as Record<string, unknown>[])[1]!.tokens = 'a dog')))).toThrow(/sentences\[1\]: "tokens" must be an array of strings, got the string "a dog"/);
    expect(() => k(edit('sentids.json', (im) => (im[0]!.sentids = [0, 1])))).toThrow(/images\[0\] \(1000_abc\.png\): "sentids" lists 2 sentences but "sentences" holds 5/);
    expect(() => k(edit('sentids2.json', (im) => (im[0]!.sentids = [0, 1, 2, 3, 9])))).toThrow(/"sentids" \[0,1,2,3,9\] do not match the sentences' sentid \[0,1,2,3,4\]/);
    expect(() => k(edit('imgid.json', (im) => ((im[0]!.sentences as Record<string, unknown>[])[0]!.imgid = 5)))).toThrow(/sentences\[0\]: "imgid" 5 differs from the image's 0/);
    expect(() => k(edit('dup.json', (im) => (im[1]!.filename = im[0]!.filename)))).toThrow(/images\[1\] \(1000_abc\.png\): repeats the image of images\[0\]/);
    expect(() => k(edit('missing.json', (im) => { im[0]!.filename = 'gone.jpg'; im[1]!.filename = 'gone2.jpg'; }))).toThrow(/missing\.json: images\[0\] \(gone\.jpg\): image file .*gone\.jpg is not in .*Flicker8k_Dataset \(and 1 more of the 2 images: gone2\.jpg\)/);
    expect(() => fv.data.captions.karpathy(good.json, join(dir, 'no-folder'))).toThrow(/karpathy: image folder .*no-folder not found/);
    expect(() => fv.data.captions.karpathy(good.json, good.images, { tokenizer: 'ptb' } as never)).toThrow(/unknown option 'tokenizer' \(did you mean 'tokens'\?\)/);
  });
});
