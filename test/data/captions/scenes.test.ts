// foveate scenes on cut-outs the test makes (solid shapes with names), so it runs
// without Debian's stamps: the grammar says only what the boxes make true, mentions
// point at the objects' words, held-out pairs never reach training, the layout keeps
// occlusion under its limit, and the set is a pure function of its options.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { measure } from '../../../src/data/captions/layout.js';
import { above, IN_FRONT, leftOf, near, nextTo, region, regionPhrases } from '../../../src/data/captions/relations.js';
import { type Box } from '../../../src/data/captions/raster.js';

const { scenes } = fv.data.captions;
const root = mkdtempSync(join(tmpdir(), 'scenes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 60], blue: [40, 60, 220], yellow: [240, 220, 40] };
const SHAPES = ['disc', 'square', 'triangle'] as const;

/** A solid shape on a transparent ground, 40×30 (squares and triangles fill their box's width). */
function shape(kind: (typeof SHAPES)[number], rgb: [number, number, number]): { width: number; height: number; rgba: Uint8Array } {
  const [w, h] = [40, 30];
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = kind === 'square' ? true : kind === 'disc' ? ((x + 0.5 - w / 2) / (w / 2)) ** 2 + ((y + 0.5 - h / 2) / (h / 2)) ** 2 <= 1 : Math.abs(x + 0.5 - w / 2) <= ((y + 0.5) / h) * (w / 2);
      if (inside) rgba.set([...rgb, 255], 4 * (y * w + x));
    }
  }
  return { width: w, height: h, rgba };
}

const cutOuts = Object.entries(COLOURS).flatMap(([c, rgb]) => SHAPES.map((s) => ({ name: `${c} ${s}`, category: `${c} ${s}`, ...shape(s, rgb) })));

/** The facts a phrase between two mentions (a then b) states. */
function relationHolds(phrase: string, a: Box, b: Box, covers: number[][], ia: number, ib: number, size: number): boolean | undefined {
  switch (phrase) {
    case 'to the left of': case 'on the left of': return leftOf(a, b);
    case 'to the right of': case 'on the right of': return leftOf(b, a);
    case 'above': return above(a, b);
    case 'below': case 'beneath': return above(b, a);
    case 'next to': case 'beside': return nextTo(a, b, size);
    case 'in front of': case 'partly covering': return covers[ia]![ib]! >= IN_FRONT;
    case 'behind': case 'partly hidden by': return covers[ib]![ia]! >= IN_FRONT;
    case 'near': case 'close to': return near(a, b, size);
    default: return undefined;
  }
}

describe('captions: scenes (synthetic cut-outs)', () => {
  const ds = scenes({ n: 300, seed: 5, size: 96, cutOuts, heldoutPairs: 6, vocabulary: { minCount: 1 } });

  it('makes n scenes of 2–4 distinct objects inside the canvas, occlusion under the limit, five distinct references each', () => {
    expect(ds.images).toHaveLength(300);
    const counts = new Set<number>();
    for (const im of ds.images) {
      const k = im.objects.length;
      counts.add(k);
      expect(new Set(im.objects.map((o) => o.category)).size).toBe(k);
      for (const o of im.objects) {
        expect(o.box.x).toBeGreaterThanOrEqual(0);
        expect(o.box.y).toBeGreaterThanOrEqual(0);
        expect(o.box.x + o.box.w).toBeLessThanOrEqual(96);
        expect(o.box.y + o.box.h).toBeLessThanOrEqual(96);
        expect(Math.max(o.box.w, o.box.h)).toBeGreaterThanOrEqual(Math.floor(0.22 * 96 * 0.8 * 0.9 ** 9));
        expect(o.occluded).toBeLessThanOrEqual(0.25);
      }
      expect(im.objects[k - 1]!.occluded).toBe(0); // nothing is drawn over the last one
      const refs = ds.references[im.index]!;
      expect(refs).toHaveLength(5);
      expect(new Set(refs).size).toBe(5);
    }
    expect([...counts].sort()).toEqual([2, 3, 4]);
    // 2, 3 and 4 objects equally often, in every split.
    for (const [s, list] of Object.entries(ds.splits)) {
      for (const k of [2, 3, 4]) expect([...list].filter((i) => ds.images[i]!.objects.length === k).length / list.length, `${s}, ${k} objects`).toBeGreaterThan(0.2);
    }
    expect(Object.fromEntries(Object.entries(ds.splits).map(([k, v]) => [k, v.length]))).toEqual({ train: 210, val: 30, test: 30, heldout: 30 });
  });

  it('names every object in every reference, the mentions spanning its words, tokens as the metrics tokenise', () => {
    for (const im of ds.images) {
      ds.references[im.index]!.forEach((raw, j) => {
        const tokens = ds.tokens[im.index]![j]!;
        expect(tokens).toEqual(fv.metrics.tokenize(raw));
        const mentioned = new Set<number>();
        for (const m of im.mentions[j]!) {
          const words = tokens.slice(m.start, m.end);
          const name = im.objects[m.object]!.name.split(' ');
          expect(words.slice(1)).toEqual(name);
          expect(['a', 'an', 'the']).toContain(words[0]);
          mentioned.add(m.object);
        }
        expect(mentioned.size).toBe(im.objects.length);
      });
    }
  });

  it('states only relations, places and orders that the boxes make true', () => {
    let relations = 0;
    let places = 0;
    const seenPhrases = new Set<string>();
    for (const im of ds.images) {
      const boxes = im.objects.map((o) => o.box);
      ds.tokens[im.index]!.forEach((tokens, j) => {
        const ms = [...im.mentions[j]!].sort((p, q) => p.start - q.start);
        ms.forEach((m, k) => {
          const next = ms[k + 1];
          const between = tokens.slice(m.end, next ? next.start : tokens.length).join(' ').replace(/^(and) /, '').replace(/ (and)$/, '');
          if (next) {
            const holds = relationHolds(between, boxes[m.object]!, boxes[next.object]!, im.covers, m.object, next.object, 96);
            if (holds !== undefined) {
              seenPhrases.add(between);
              relations++;
              expect(holds, `${ds.references[im.index]![j]} (${between})`).toBe(true);
              return;
            }
          }
          // "x on the left (and)": a place in the picture.
          const place = regionPhrases(region(boxes[m.object]!, 96));
          const said = between.replace(/ and$/, '');
          const all = ['in the', 'on the', 'at the', 'near the'].some((p) => said.startsWith(p));
          if (all) {
            places++;
            expect(place, ds.references[im.index]![j]).toContain(said);
          }
        });
        const raw = ds.references[im.index]![j]!.toLowerCase();
        if (raw.includes('from left to right') || raw.includes('from top to bottom')) {
          const order = ms.map((m) => boxes[m.object]!);
          const rel = raw.includes('from left to right') ? leftOf : above;
          order.forEach((b, k) => k === 0 || expect(rel(order[k - 1]!, b), raw).toBe(true));
        }
      });
    }
    expect(relations).toBeGreaterThan(300);
    expect(places).toBeGreaterThan(300);
    for (const p of ['to the left of', 'to the right of', 'above', 'below', 'next to', 'in front of', 'behind']) expect(seenPhrases).toContain(p);
  });

  it('keeps held-out category pairs out of train, val and test; every heldout scene has one', () => {
    expect(ds.heldoutPairs).toHaveLength(6);
    const banned = new Set(ds.heldoutPairs.map(([a, b]) => `${a}|${b}`));
    const pairsOf = (i: number): string[] => {
      const cats = ds.images[i]!.objects.map((o) => o.category).sort();
      return cats.flatMap((a, x) => cats.slice(x + 1).map((b) => `${a}|${b}`));
    };
    for (const s of ['train', 'val', 'test']) for (const i of ds.splits[s]!) expect(pairsOf(i).some((p) => banned.has(p))).toBe(false);
    for (const i of ds.splits.heldout!) expect(pairsOf(i).some((p) => banned.has(p))).toBe(true);
    // Each held-out category is still seen in training, with other partners.
    const trained = new Set([...ds.splits.train!].flatMap((i) => ds.images[i]!.objects.map((o) => o.category)));
    for (const [a, b] of ds.heldoutPairs) expect(trained.has(a!) && trained.has(b!)).toBe(true);
    expect(scenes({ n: 20, seed: 5, size: 96, cutOuts, heldoutPairs: 0 }).splits.heldout).toBeUndefined();
    expect(scenes({ n: 20, seed: 5, size: 96, cutOuts }).heldoutPairs).toHaveLength(3); // 5% of 66 pairs
    expect(() => scenes({ n: 20, cutOuts, heldoutPairs: 17 })).toThrow(/heldoutPairs 17 is more than a quarter of the 66 category pairs/);
  });

  it('is a pure function of its options: same seed, same scenes and pixels; another seed, others', () => {
    const a = scenes({ n: 12, seed: 9, size: 64, cutOuts });
    const b = scenes({ n: 12, seed: 9, size: 64, cutOuts });
    const c = scenes({ n: 12, seed: 10, size: 64, cutOuts });
    expect(b.references).toEqual(a.references);
    expect(b.images).toEqual(a.images);
    expect(b.render(3)).toEqual(a.render(3));
    expect(c.references).not.toEqual(a.references);
    expect(a.images[0]!.key).toMatch(/^scenes-[0-9a-f]{12}\/000000$/);
    expect(c.images[0]!.key).not.toBe(a.images[0]!.key);
  });

  it('draws the objects where their boxes say, over the background', async () => {
    const one = scenes({ n: 40, seed: 2, size: 64, cutOuts });
    for (const im of one.images) {
      const px = one.render(im.index);
      expect(px).toHaveLength(3 * 64 * 64);
      expect(px.every((v) => v >= 0 && v <= 1)).toBe(true);
      // The top object, if a square, shows its colour at its box's centre.
      const top = im.objects[im.objects.length - 1]!;
      if (!top.name.endsWith('square') || top.box.w < 6 || top.box.h < 6) continue;
      const [r, g, b] = COLOURS[top.name.split(' ')[0]!]!;
      const q = Math.floor(top.box.y + top.box.h / 2) * 64 + Math.floor(top.box.x + top.box.w / 2);
      expect([px[q]!, px[4096 + q]!, px[8192 + q]!].map((v) => Math.round(v * 255))).toEqual([r, g, b]);
    }
    expect(await one.pixels(0, { size: 64 })).toEqual(one.render(0));
    expect(await one.pixels(0, { size: 32 })).toHaveLength(3 * 32 * 32);
  });

  it('measures occlusion from the alpha masks', () => {
    const solid = (w: number, h: number) => ({ width: w, height: h, data: new Float32Array(w * h * 4).fill(1) });
    const half = { width: 10, height: 10, data: new Float32Array(400).map((_, i) => (i % 4 === 3 ? 0.5 : 0.25)) };
    // A 10×10 square under another shifted by (5, 0): half of it hidden; a half-transparent one hides half as much.
    const l = measure([{ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }], [solid(10, 10), solid(10, 10)], 20);
    expect(l.objects.map((o) => o.occluded)).toEqual([0.5, 0]);
    expect(l.covers[1]![0]).toBeCloseTo(0.5, 6);
    const m = measure([{ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }], [solid(10, 10), half], 20);
    expect(m.objects[0]!.occluded).toBeCloseTo(0.25, 6);
  });

  it('writes Karpathy-format JSON that karpathy() reads back, boxes and mentions kept', () => {
    const small = scenes({ n: 10, seed: 1, size: 48, cutOuts, heldoutPairs: 3 });
    const dir = join(root, 'out');
    mkdirSync(join(dir, 'images'), { recursive: true });
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(dir, 'images', fv.data.captions.sceneFilename(i)), fv.viz.encodePng({ width: 48, height: 48, channels: 3, pixels: new Uint8Array(48 * 48 * 3) }));
    }
    const json = fv.data.captions.scenesToKarpathy(small);
    writeFileSync(join(dir, 'dataset_scenes.json'), JSON.stringify(json));
    const back = fv.data.captions.karpathy(join(dir, 'dataset_scenes.json'), join(dir, 'images'), { vocabulary: { minCount: 1 } });
    expect(back.references).toEqual(small.references);
    expect(back.tokens).toEqual(small.tokens);
    expect(Object.keys(back.splits).sort()).toEqual(['heldout', 'test', 'train', 'val']);
    for (const s of Object.keys(small.splits)) expect(Array.from(back.splits[s]!)).toEqual(Array.from(small.splits[s]!));
    const im = (json.images as { objects: { box: number[]; name: string }[]; sentences: { mentions: unknown[] }[] }[])[4]!;
    expect(im.objects[0]!.box).toEqual(Object.values(small.images[4]!.objects[0]!.box));
    expect(im.sentences[2]!.mentions).toEqual(small.images[4]!.mentions[2]);
  });

  it('refuses bad options with their names', () => {
    expect(() => scenes({ n: 0, cutOuts })).toThrow(/^scenes: n must be an integer in 1\.\./);
    expect(() => scenes({ n: 5, cutOuts, objects: [3, 2] })).toThrow(/objects must be \[min, max\] with 1 ≤ min ≤ max ≤ 6, integers, got \[3,2\]/);
    expect(() => scenes({ n: 5, cutOuts, size: 8 })).toThrow(/size must be an integer in 32\.\.4096, got 8/);
    expect(() => scenes({ n: 5, cutOuts, maxOcclusion: 2 })).toThrow(/maxOcclusion must be in \[0, 1\]/);
    expect(() => scenes({ n: 5, cutOuts: cutOuts.slice(0, 1) })).toThrow(/cutOuts must be an array of at least 2 cut-outs/);
    expect(() => scenes({ n: 5, cutOuts: [cutOuts[0]!, { ...cutOuts[1]!, name: 'Blue Disc' }] })).toThrow(/cutOuts\[1\]\.name must be a lower-case noun phrase, got "Blue Disc"/);
    expect(() => scenes({ n: 5, cutOuts: [cutOuts[0]!, { ...cutOuts[1]!, rgba: new Uint8Array(3) }] })).toThrow(/cutOuts\[1\]\.rgba must be a Uint8Array of 40×30×4 bytes/);
    expect(() => scenes({ n: 5, cutOuts: cutOuts.slice(0, 3) })).toThrow(/3 categories cannot fill scenes of 4 distinct objects/);
    expect(() => scenes({ n: 5, stampsDir: join(root, 'none') })).toThrow(/scenes: .*none not found: install Debian's package tuxpaint-stamps-default \(apt-get install tuxpaint-stamps-default\)/);
    expect(() => scenes({ count: 5 } as never)).toThrow(/unknown option 'count'/);
    const ds = scenes({ n: 3, size: 32, cutOuts });
    expect(() => ds.render(3)).toThrow(/scenes.render: i must be an integer in 0..2, got 3/);
  });
});
