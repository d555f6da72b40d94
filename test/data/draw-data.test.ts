// DRAW's extra data: two-digit 60×60 MNIST (PAPERS.md §1) and the colour images
// (PNG decoding checked against foveate's own encoder and a hand-made palette PNG).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE((fv.viz.crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

describe('two-digit MNIST', () => {
  it('pastes two digits at random places on a 60×60 canvas, clipped at 1, deterministic in the seed', () => {
    // Two 28×28 "digits": all ones and a single pixel.
    const images = new Float32Array(2 * 784);
    images.fill(1, 0, 784);
    images[784 + 14 * 28 + 14] = 0.75;
    const src = { images, labels: Int32Array.from([3, 7]), shape: [2, 28, 28] };
    const a = fv.data.twoDigitMnist(src, { count: 50, seed: 4 });
    expect(a.shape).toEqual([50, 60, 60]);
    expect(a.labels).toHaveLength(100);
    expect(a.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    for (let i = 0; i < 50; i++) {
      const img = a.images.subarray(i * 3600, (i + 1) * 3600);
      const ones = img.filter((v) => v === 1).length;
      const [l0, l1] = [a.labels[2 * i]!, a.labels[2 * i + 1]!];
      // Each full-ones digit covers 784 pixels; overlaps clip at 1, so 784 ≤ ones ≤ 1568.
      const full = (l0 === 3 ? 1 : 0) + (l1 === 3 ? 1 : 0);
      if (full > 0) expect(ones).toBeGreaterThanOrEqual(784);
      expect(ones).toBeLessThanOrEqual(full * 784);
    }
    expect(fv.data.twoDigitMnist(src, { count: 50, seed: 4 }).images).toEqual(a.images);
    expect(fv.data.twoDigitMnist(src, { count: 50, seed: 5 }).images).not.toEqual(a.images);
    expect(() => fv.data.twoDigitMnist(src, { count: 0 })).toThrow(/twoDigitMnist: count must be a positive integer, got 0/);
    expect(() => fv.data.twoDigitMnist(src, { count: 2, size: 20 })).toThrow(/size must be an integer ≥ the digit size 28/);
  });
});

describe('colour images', () => {
  it('decodes PNGs foveate encodes (gray and RGB) exactly', () => {
    const rgb = Uint8Array.from({ length: 7 * 5 * 3 }, (_, i) => (i * 37) % 256);
    const d = fv.data.decodePng(fv.viz.encodePng({ width: 7, height: 5, channels: 3, pixels: rgb }));
    expect(d).toMatchObject({ width: 7, height: 5, channels: 3 });
    expect(Array.from(d.pixels)).toEqual(Array.from(rgb));
  });

  it('decodes gray, gray+alpha, 16-bit (to 8 bits) and interlaced PNGs (pngjs), checked against libpng via sharp', async () => {
    const { default: sharp } = await import('sharp');
    const px = Uint8Array.from({ length: 9 * 6 * 2 }, (_, i) => (i * 53) % 256);
    const gray = await sharp(px, { raw: { width: 9, height: 6, channels: 2 } }).toColourspace('b-w').png().toBuffer();
    const ga = fv.data.decodePng(gray, 'ga.png');
    expect(ga).toMatchObject({ width: 9, height: 6, channels: 2 });
    expect(Array.from(ga.pixels)).toEqual(Array.from(px));
    const g1 = fv.data.decodePng(await sharp(px.subarray(0, 54), { raw: { width: 9, height: 6, channels: 1 } }).toColourspace('b-w').png().toBuffer());
    expect(g1.channels).toBe(1);
    expect(Array.from(g1.pixels)).toEqual(Array.from(px.subarray(0, 54)));
    const deep = Uint16Array.from({ length: 4 * 3 * 3 }, (_, i) => i * 1800);
    const d16 = fv.data.decodePng(await sharp(deep, { raw: { width: 4, height: 3, channels: 3 } }).toColourspace('rgb16').png().toBuffer());
    expect(d16.channels).toBe(3);
    expect(Array.from(d16.pixels)).toEqual(Array.from(deep, (v) => Math.round((v * 255) / 65535)));
    const rgb = Uint8Array.from({ length: 17 * 11 * 3 }, (_, i) => (i * 31) % 256);
    const interlaced = await sharp(rgb, { raw: { width: 17, height: 11, channels: 3 } }).png({ progressive: true }).toBuffer();
    expect(interlaced[8 + 8 + 12]).toBe(1); // IHDR interlace method: Adam7
    expect(Array.from(fv.data.decodePng(interlaced).pixels)).toEqual(Array.from(rgb));
  });

  it('decodes every row filter and palettes with transparency; composites over black and box-downsamples', () => {
    // 4×2 RGBA, rows filtered with Paeth (4) and Up (2), against the raw values.
    const raw = [
      [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 128, 100, 110, 120, 0],
      [200, 190, 180, 255, 170, 160, 150, 255, 140, 130, 120, 255, 110, 100, 90, 255],
    ];
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    const rows = [
      [4, ...raw[0]!.map((v, x) => (v - paeth(x >= 4 ? raw[0]![x - 4]! : 0, 0, 0)) & 255)],
      [2, ...raw[1]!.map((v, x) => (v - raw[0]![x]!) & 255)],
    ];
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(4, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr.set([8, 6, 0, 0, 0], 8);
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const png = Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows.flat()))), chunk('IEND', new Uint8Array())]);
    const d = fv.data.decodePng(png, 't.png');
    expect(Array.from(d.pixels)).toEqual(raw.flat());
    // 2-bit palette with tRNS: indices 0..3 → colours; index 3 transparent.
    const ih2 = Buffer.from(ihdr);
    ih2.set([2, 3], 8);
    const plte = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
    const idat = deflateSync(Buffer.from([0, 0b00011011, 0, 0b11100100]));
    const pal = fv.data.decodePng(Buffer.concat([sig, chunk('IHDR', ih2), chunk('PLTE', plte), chunk('tRNS', Uint8Array.from([255, 255, 255, 0])), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]));
    expect(pal.channels).toBe(4);
    expect(Array.from(pal.pixels.subarray(0, 16))).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 0]);
    // A folder of two such images → a [n,3,1,1] dataset (box average of 4×2 → needs size dividing both: use 2×... size 1).
    const dir = mkdtempSync(join(tmpdir(), 'colour-'));
    writeFileSync(join(dir, 'a.png'), png);
    writeFileSync(join(dir, 'b.png'), png);
    const set = fv.data.colourImages({ dir, size: 1 });
    expect(set.train.shape).toEqual([2, 3, 1, 1]);
    const want = (c: number) => raw.flat().reduce((acc, _, i, all) => (i % 4 === c ? acc + (all[i]! / 255) * (all[i - c + 3]! / 255) : acc), 0) / 8;
    expect(set.train.images[0]).toBeCloseTo(want(0), 6);
    expect(set.train.images[2]).toBeCloseTo(want(2), 6);
    expect(() => fv.data.decodePng(Buffer.from('hello'), 'x.png')).toThrow(/decodePng: x\.png: not a PNG file/);
    expect(() => fv.data.decodePng(png.subarray(0, 40), 'cut.png')).toThrow(/cut\.png: .*truncated/);
  });
});
