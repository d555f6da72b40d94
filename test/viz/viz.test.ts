import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

/**
 * Reads a PNG foveate wrote: checks the signature and every chunk's CRC here, and
 * decodes the pixels with libpng (through sharp), a decoder independent of pngjs.
 */
async function readPng(buf: Buffer): Promise<{ width: number; height: number; channels: number; pixels: Uint8Array }> {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let channels = 0;
  const types: string[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const crc = buf.readUInt32BE(off + 8 + len);
    expect((fv.viz.crc32(buf.subarray(off + 4, off + 8 + len)) ^ 0xffffffff) >>> 0).toBe(crc);
    if (type === 'IHDR') {
      expect(buf[off + 8 + 8]).toBe(8); // bit depth
      channels = buf[off + 8 + 9] === 2 ? 3 : 1;
    }
    types.push(type);
    off += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  const pixels = channels === 1 ? Uint8Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]!) : new Uint8Array(data);
  return { width: info.width, height: info.height, channels, pixels };
}

/** Minimal GIF decoder (global palette, full-size frames): the palette indices of each frame. */
function readGifFrames(buf: Buffer): Uint8Array[] {
  expect(buf.toString('ascii', 0, 6)).toBe('GIF89a');
  const width = buf.readUInt16LE(6);
  const height = buf.readUInt16LE(8);
  let off = 13 + 768;
  const frames: Uint8Array[] = [];
  while (buf[off] !== 0x3b) {
    if (buf[off] === 0x21) {
      off += 2;
      while (buf[off] !== 0) off += buf[off]! + 1;
      off++;
      continue;
    }
    expect(buf[off]).toBe(0x2c);
    off += 10;
    const min = buf[off++]!;
    const data: number[] = [];
    while (buf[off] !== 0) {
      data.push(...buf.subarray(off + 1, off + 1 + buf[off]!));
      off += buf[off]! + 1;
    }
    off++;
    const clear = 1 << min;
    let size = min + 1;
    let dict: number[][] = [];
    const reset = (): void => {
      dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
      size = min + 1;
    };
    reset();
    const out: number[] = [];
    let bit = 0;
    let prev: number[] | undefined;
    for (;;) {
      let code = 0;
      for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i;
      if (code === clear) {
        reset();
        prev = undefined;
        continue;
      }
      if (code === clear + 1) break;
      const entry = code < dict.length ? dict[code]! : [...prev!, prev![0]!];
      out.push(...entry);
      if (prev) dict.push([...prev, entry[0]!]);
      if (dict.length === 1 << size && size < 12) size++;
      prev = entry;
    }
    expect(out.length).toBe(width * height);
    frames.push(Uint8Array.from(out));
  }
  return frames;
}

describe('viz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'foveate-viz-'));

  it('writes a PNG grid whose pixels decode back exactly (gray and RGB)', async () => {
    const values = Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => (i % 7) / 6);
    const img = fv.viz.imageGrid(values, 3, 4, 5, 1, { columns: 2, border: 1, borderValue: 0 });
    fv.viz.writePng(join(dir, 'g.png'), img);
    const back = await readPng(readFileSync(join(dir, 'g.png')));
    expect(Array.from(back.pixels)).toEqual(Array.from(img.pixels));
    expect([back.width, back.height, back.channels]).toEqual([2 * 6 + 1, 2 * 5 + 1, 1]);
    expect(back.pixels[(1 * back.width + 1)]).toBe(Math.round(values[0]! * 255));
    expect(back.pixels[(1 * back.width + 7)]).toBe(Math.round(values[20]! * 255));
    const rgb = fv.viz.toRgb(img);
    fv.viz.drawRect(rgb, 0, 0, 3, 3, [255, 0, 0]);
    fv.viz.writePng(join(dir, 'c.png'), rgb);
    const c = await readPng(readFileSync(join(dir, 'c.png')));
    expect(Array.from(c.pixels)).toEqual(Array.from(rgb.pixels));
    expect(Array.from(c.pixels.subarray(0, 3))).toEqual([255, 0, 0]);
  });

  it('writes an animated GIF whose frames LZW-decode back exactly, including the 4096-code reset', async () => {
    const w = 97;
    const h = 61;
    fv.seed(4);
    const noise = fv.rand([w * h * 3]).toFloat32Array();
    const frames = [0, 1, 2].map((f) => ({ indices: Uint8Array.from({ length: w * h }, (_, i) => Math.floor(noise[f * w * h + i]! * 252)), delay: 8 }));
    fv.viz.writeGif(join(dir, 'a.gif'), w, h, fv.viz.grayPalette(), frames);
    const back = readGifFrames(readFileSync(join(dir, 'a.gif')));
    expect(back.length).toBe(3);
    // libvips's GIF reader agrees on the frames, their delay (80 ms) and endless looping.
    const meta = await sharp(readFileSync(join(dir, 'a.gif')), { pages: -1 }).metadata();
    expect([meta.pages, meta.delay, meta.loop, meta.pageHeight, meta.width]).toEqual([3, [80, 80, 80], 0, h, w]);
    back.forEach((f, i) => expect(Buffer.from(f).equals(Buffer.from(frames[i]!.indices))).toBe(true));
  });

  it('writes an SVG line plot with its series, labels and escaped text', () => {
    fv.viz.writeLinePlot(join(dir, 'p.svg'), [{ label: 'a<b', x: [0, 10, 20], y: [1, 0.5, 0.25] }], { title: 'loss', xLabel: 'step', logY: true });
    const svg = readFileSync(join(dir, 'p.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('a&lt;b');
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
    expect(() => fv.viz.linePlot([{ label: 'x', x: [1, 2], y: [1] }])).toThrow(/linePlot: series 0 \(x\) has 2 x values and 1 y values/);
  });

  it('leaves nothing behind when a write fails, and names the file', () => {
    const blocker = join(dir, 'file-not-folder');
    fv.viz.writeFileAtomic(blocker, 'x');
    expect(() => fv.viz.writePng(join(blocker, 'x.png'), { width: 1, height: 1, channels: 1, pixels: new Uint8Array(1) })).toThrow(/write: cannot write .*file-not-folder[/\\]x\.png/);
    expect(() => fv.viz.encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) })).toThrow(/encodePng: expected 4 bytes for 2×2×1, got 3/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'g.png'))).toBe(true);
  });
});
