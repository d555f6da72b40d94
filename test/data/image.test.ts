// Image files in (src/data/image.ts): decodeImage, loadImage, loadImages,
// normalizeImage. Every test image is made here with sharp into a temp folder, so CI
// needs nothing extra; the real-photo tests use Debian's tuxpaint-data and
// tuxpaint-stamps-default (installed by .ci/run) and are skipped where they are absent.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fv-image-'));
const at = (name: string): string => join(dir, name);

/** Raw interleaved 8-bit pixels → an encoded file of `format`. */
async function encode(pixels: Uint8Array | Uint16Array, width: number, height: number, channels: 1 | 2 | 3 | 4, format: 'png' | 'jpeg'): Promise<Buffer> {
  let s = sharp(pixels, { raw: { width, height, channels } });
  if (pixels instanceof Uint16Array) s = s.toColourspace(channels <= 2 ? 'grey16' : 'rgb16');
  else if (channels <= 2) s = s.toColourspace('b-w'); // else sharp writes raw gray as RGB
  return format === 'png' ? s.png().toBuffer() : s.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
}

/** A w×h image of one colour per pixel from f(x, y) → [r, g, b] bytes. */
function paint(width: number, height: number, f: (x: number, y: number) => number[]): Uint8Array {
  const ch = f(0, 0).length;
  const out = new Uint8Array(width * height * ch);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.set(f(x, y), (y * width + x) * ch);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('expected a rejection, the promise resolved');
}

const RGB = paint(5, 4, (x, y) => [x * 50, y * 60, (x * 7 + y * 31) % 256]);

beforeAll(async () => {
  writeFileSync(at('rgb.png'), await encode(RGB, 5, 4, 3, 'png'));
  writeFileSync(at('gray.png'), await encode(paint(6, 3, (x, y) => [x * 40 + y]), 6, 3, 1, 'png'));
  writeFileSync(at('rgba.png'), await encode(paint(4, 4, (x) => [255, 0, 0, x === 0 ? 0 : x === 1 ? 128 : 255]), 4, 4, 4, 'png'));
  writeFileSync(at('gray-alpha.png'), await encode(paint(2, 1, (x) => [100, x === 0 ? 0 : 255]), 2, 1, 2, 'png'));
  writeFileSync(at('gray.jpg'), await encode(paint(16, 16, (x, y) => [(x * 16 + y * 3) % 256]), 16, 16, 1, 'jpeg'));
  writeFileSync(at('flat.jpg'), await encode(paint(40, 30, () => [200, 100, 50]), 40, 30, 3, 'jpeg'));
  // 16-bit PNG with values that 8 bits cannot hold.
  const deep = new Uint16Array(3 * 2 * 3);
  for (let i = 0; i < deep.length; i++) deep[i] = (i * 3851 + 1) % 65536;
  writeFileSync(at('deep.png'), await encode(deep, 3, 2, 3, 'png'));
  // A 200×100 picture: green | red | blue columns (50 | 100 | 50 wide).
  writeFileSync(at('bands.png'), await encode(paint(200, 100, (x) => (x < 50 ? [0, 255, 0] : x < 150 ? [255, 0, 0] : [0, 0, 255])), 200, 100, 3, 'png'));
  // A 1-pixel checkerboard: aliasing shows as stripes after a careless downscale.
  writeFileSync(at('checker.png'), await encode(paint(301, 301, (x, y) => [(x + y) % 2 ? 255 : 0]), 301, 301, 1, 'png'));
  // Bad files.
  const jpg = await encode(paint(64, 64, (x, y) => [x * 4, y * 4, 128]), 64, 64, 3, 'jpeg');
  writeFileSync(at('truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  const png = await encode(paint(64, 64, (x, y) => [x * 4, y * 4, 128]), 64, 64, 3, 'png');
  writeFileSync(at('truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
  writeFileSync(at('notes.txt'), 'These are not the pixels you are looking for.\n');
  writeFileSync(at('empty.png'), Buffer.alloc(0));
  mkdirSync(at('folder.png'));
  // CMYK JPEG: colours inside the CMYK gamut, converted back to sRGB on load.
  const cmykSrc = paint(32, 32, (x, y) => (y < 16 ? (x < 16 ? [200, 100, 50] : [60, 120, 180]) : x < 16 ? [128, 128, 128] : [240, 220, 200]));
  writeFileSync(at('cmyk.jpg'), await sharp(cmykSrc, { raw: { width: 32, height: 32, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer());
});

describe('decodeImage', () => {
  it('gives the stored pixels: RGB, gray, RGBA, gray+alpha, with format and bit depth', async () => {
    const rgb = await fv.data.decodeImage(at('rgb.png'));
    expect(rgb).toMatchObject({ width: 5, height: 4, channels: 3, bitDepth: 8, format: 'png' });
    expect(Array.from(rgb.pixels)).toEqual(Array.from(RGB));
    expect((await fv.data.decodeImage(at('gray.png'))).channels).toBe(1);
    const rgba = await fv.data.decodeImage(at('rgba.png'));
    expect(rgba.channels).toBe(4);
    expect(Array.from(rgba.pixels.subarray(0, 8))).toEqual([255, 0, 0, 0, 255, 0, 0, 128]);
    expect((await fv.data.decodeImage(at('gray-alpha.png'))).channels).toBe(2);
    expect((await fv.data.decodeImage(at('flat.jpg'))).format).toBe('jpeg');
  });

  it('decodes bytes as well as paths, naming the buffer in errors', async () => {
    const { readFileSync } = await import('node:fs');
    const img = await fv.data.decodeImage(readFileSync(at('rgb.png')));
    expect(img.width).toBe(5);
    const msg = await rejection(fv.data.decodeImage(Buffer.from('not an image'), { name: 'upload #3' }));
    expect(msg).toMatch(/^decodeImage: upload #3: not an image file/);
  });

  it('turns a photo upright by its EXIF orientation', async () => {
    // Stored 3 wide × 2 high, tagged "rotate 90° clockwise to view" (orientation 6).
    const stored = paint(3, 2, (x, y) => [x * 100, y * 200, 0]);
    writeFileSync(at('exif6.jpg'), await sharp(stored, { raw: { width: 3, height: 2, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer());
    const img = await fv.data.decodeImage(at('exif6.jpg'));
    expect([img.width, img.height]).toEqual([2, 3]);
    expect((await fv.data.loadImage(at('exif6.jpg'))).shape).toEqual([3, 3, 2]);
  });

  it('reads a 16-bit PNG at full depth', async () => {
    const img = await fv.data.decodeImage(at('deep.png'));
    expect(img.bitDepth).toBe(16);
    expect(img.pixels).toBeInstanceOf(Uint16Array);
    expect(Array.from(img.pixels)).toEqual(Array.from({ length: 18 }, (_, i) => (i * 3851 + 1) % 65536));
  });
});

describe('loadImage', () => {
  it('gives float32 [C,H,W] in [0, 1], exactly byte/255 without resizing', async () => {
    const x = await fv.data.loadImage(at('rgb.png'));
    expect(x.shape).toEqual([3, 4, 5]);
    expect(x.dtype).toBe('float32');
    const v = x.toArray() as number[][][];
    for (let y = 0; y < 4; y++) {
      for (let c = 0; c < 5; c++) {
        for (let ch = 0; ch < 3; ch++) expect(v[ch]![y]![c]).toBe(Math.fround(RGB[(y * 5 + c) * 3 + ch]! / 255));
      }
    }
  });

  it('scales a 16-bit PNG to [0, 1] exactly (value/65535)', async () => {
    const v = (await fv.data.loadImage(at('deep.png'))).toArray() as number[][][];
    for (let i = 0; i < 6; i++) {
      for (let ch = 0; ch < 3; ch++) expect(v[ch]![Math.floor(i / 3)]![i % 3]).toBe(Math.fround(((i * 3 + ch) * 3851 + 1) % 65536 / 65535));
    }
  });

  it('resizes to size (square or [h, w]) with an antialiasing filter', async () => {
    expect((await fv.data.loadImage(at('rgb.png'), { size: 7 })).shape).toEqual([3, 7, 7]);
    expect((await fv.data.loadImage(at('rgb.png'), { size: [6, 9] })).shape).toEqual([3, 6, 9]);
    // A flat image stays flat; a 1-pixel checkerboard shrunk 301 → 64 averages to gray.
    const flat = (await fv.data.loadImage(at('flat.jpg'), { size: 17 })).toArray() as number[][][];
    for (const [ch, want] of [[0, 200], [1, 100], [2, 50]] as const) for (const row of flat[ch]!) for (const v of row) expect(Math.abs(v - want / 255)).toBeLessThan(3 / 255);
    const checker = (await fv.data.loadImage(at('checker.png'), { size: 64, channels: 1 })).toFloat32Array();
    const worst = checker.reduce((m, v) => Math.max(m, Math.abs(v - 0.5)), 0);
    expect(worst).toBeLessThan(0.03); // a nearest-neighbour shrink gives 0.5 here
  });

  it("fit: 'cover' crops the centre, 'contain' pads with the background, 'fill' stretches", async () => {
    // bands.png: green | red | blue, 50 | 100 | 50 of 200 columns.
    const cover = (await fv.data.loadImage(at('bands.png'), { size: 50 })).toArray() as number[][][];
    for (let x = 2; x < 48; x++) expect([cover[0]![25]![x], cover[1]![25]![x], cover[2]![25]![x]].map((v) => Math.round(v!))).toEqual([1, 0, 0]);
    const contain = (await fv.data.loadImage(at('bands.png'), { size: 50, fit: 'contain', background: [0, 0, 0] })).toArray() as number[][][];
    // 200×100 → 50×25, centred: rows 12..36 are the picture, the rest background (black).
    for (const y of [0, 11, 37, 49]) expect([contain[0]![y]![25], contain[1]![y]![25], contain[2]![y]![25]]).toEqual([0, 0, 0]);
    expect(Math.round(contain[0]![24]![25]!)).toBe(1);
    expect(Math.round(contain[1]![24]![2]!)).toBe(1); // green band at the left
    const fill = (await fv.data.loadImage(at('bands.png'), { size: 40, fit: 'fill' })).toArray() as number[][][];
    expect(Math.round(fill[1]![20]![3]!)).toBe(1); // left quarter green
    expect(Math.round(fill[0]![20]![20]!)).toBe(1); // middle red
    expect(Math.round(fill[2]![20]![37]!)).toBe(1); // right quarter blue
  });

  it('composites transparency on white by default, or on the given background', async () => {
    // rgba.png columns: red at alpha 0, 128/255, 1, 1.
    const white = (await fv.data.loadImage(at('rgba.png'))).toArray() as number[][][];
    expect([white[0]![0]![0], white[1]![0]![0], white[2]![0]![0]]).toEqual([1, 1, 1]);
    const a = 128 / 255;
    expect(white[0]![0]![1]).toBeCloseTo(1, 6);
    expect(white[1]![0]![1]).toBeCloseTo(1 - a, 6);
    expect([white[0]![0]![3], white[1]![0]![3], white[2]![0]![3]]).toEqual([1, 0, 0]);
    const black = (await fv.data.loadImage(at('rgba.png'), { background: 0 })).toArray() as number[][][];
    expect(black[0]![0]![0]).toBe(0);
    expect(black[0]![0]![1]).toBeCloseTo(a, 6);
    const blue = (await fv.data.loadImage(at('rgba.png'), { background: [0, 0, 1] })).toArray() as number[][][];
    expect([blue[0]![0]![0], blue[1]![0]![0], blue[2]![0]![0]]).toEqual([0, 0, 1]);
    // Gray+alpha on a colour background becomes colour.
    const ga = (await fv.data.loadImage(at('gray-alpha.png'), { background: [1, 0, 0] })).toArray() as number[][][];
    expect([ga[0]![0]![0], ga[1]![0]![0], ga[2]![0]![0]]).toEqual([1, 0, 0]);
    expect([ga[0]![0]![1], ga[1]![0]![1], ga[2]![0]![1]]).toEqual([100 / 255, 100 / 255, 100 / 255].map(Math.fround));
  });

  it('a grayscale JPEG asked for 3 channels repeats the gray; a colour image asked for 1 gives BT.601 luma', async () => {
    const gray = await fv.data.decodeImage(at('gray.jpg'));
    expect(gray.channels).toBe(1);
    const x = (await fv.data.loadImage(at('gray.jpg'), { channels: 3 })).toArray() as number[][][];
    for (let y = 0; y < 16; y++) {
      for (let c = 0; c < 16; c++) {
        const g = Math.fround(gray.pixels[y * 16 + c]! / 255);
        expect([x[0]![y]![c], x[1]![y]![c], x[2]![y]![c]]).toEqual([g, g, g]);
      }
    }
    const one = (await fv.data.loadImage(at('gray.jpg'), { channels: 1 })).toFloat32Array();
    expect(Array.from(one)).toEqual(Array.from(gray.pixels, (v) => Math.fround(v / 255)));
    const luma = (await fv.data.loadImage(at('rgb.png'), { channels: 1 })).toArray() as number[][][];
    expect(luma.length).toBe(1);
    const [r, g, b] = [RGB[3 * 7]! / 255, RGB[3 * 7 + 1]! / 255, RGB[3 * 7 + 2]! / 255]; // pixel (2, 1)
    expect(luma[0]![1]![2]).toBeCloseTo(0.299 * r + 0.587 * g + 0.114 * b, 6);
  });

  it('converts a CMYK JPEG to sRGB (3 channels, colours kept within 8%)', async () => {
    const raw = await fv.data.decodeImage(at('cmyk.jpg'));
    expect(raw.channels).toBe(3);
    const v = (await fv.data.loadImage(at('cmyk.jpg'))).toArray() as number[][][];
    const want: [number, number, number[]][] = [[8, 8, [200, 100, 50]], [8, 24, [60, 120, 180]], [24, 8, [128, 128, 128]], [24, 24, [240, 220, 200]]];
    for (const [y, x, rgb] of want) for (let ch = 0; ch < 3; ch++) expect(Math.abs(v[ch]![y]![x]! - rgb[ch]! / 255)).toBeLessThan(0.08);
  });
});

describe('loadImages', () => {
  it('stacks images into [B,C,H,W], equal to loading each', async () => {
    const paths = [at('rgb.png'), at('flat.jpg'), at('rgba.png')];
    const batch = await fv.data.loadImages(paths, { size: [8, 10], concurrency: 2 });
    expect(batch.shape).toEqual([3, 3, 8, 10]);
    const all = batch.toFloat32Array();
    for (let i = 0; i < 3; i++) {
      const one = (await fv.data.loadImage(paths[i]!, { size: [8, 10] })).toFloat32Array();
      expect(Array.from(all.subarray(i * 240, (i + 1) * 240))).toEqual(Array.from(one));
    }
  });

  it('refuses images of different sizes without size, naming both files', async () => {
    const msg = await rejection(fv.data.loadImages([at('rgb.png'), at('gray.png')]));
    expect(msg).toContain('loadImages:');
    expect(msg).toContain('gray.png is 6×3');
    expect(msg).toContain('rgb.png is 5×4');
    expect(msg).toContain('pass size');
    expect(await rejection(fv.data.loadImages([]))).toMatch(/^loadImages: paths is empty/);
    expect(await rejection(fv.data.loadImages([at('rgb.png'), at('missing.png')], { size: 4 }))).toMatch(/^loadImages: .*missing\.png: no such file/);
  });
});

describe('normalizeImage', () => {
  const x = fv.tensor([0, 0.5, 1, 0.25, 0, 1], [3, 1, 2]);

  it("'efficientnet-lite' is (255x − 127)/128, 'inception' 2x − 1, 'imagenet' torchvision's mean/std", () => {
    const lite = fv.data.normalizeImage(x, 'efficientnet-lite').toFloat32Array();
    [0, 0.5, 1, 0.25, 0, 1].forEach((v, i) => expect(lite[i]).toBeCloseTo((255 * v - 127) / 128, 5));
    const inc = fv.data.normalizeImage(x, 'inception').toFloat32Array();
    [0, 0.5, 1, 0.25, 0, 1].forEach((v, i) => expect(inc[i]).toBeCloseTo(2 * v - 1, 6));
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const net = fv.data.normalizeImage(x, 'imagenet').toFloat32Array();
    [0, 0.5, 1, 0.25, 0, 1].forEach((v, i) => expect(net[i]).toBeCloseTo((v - mean[i >> 1]!) / std[i >> 1]!, 5));
    const batch = fv.data.normalizeImage(fv.ops.concat([x.reshape([1, 3, 1, 2]), x.reshape([1, 3, 1, 2])], 0), 'imagenet');
    expect(batch.shape).toEqual([2, 3, 1, 2]);
    expect(Array.from(batch.toFloat32Array().subarray(6))).toEqual(Array.from(net));
  });

  it('names the presets on an unknown one, and wants RGB for imagenet', () => {
    expect(() => fv.data.normalizeImage(x, 'resnet' as 'imagenet')).toThrow(/^normalizeImage: unknown preset "resnet"; presets: 'efficientnet-lite', 'imagenet', 'inception'$/);
    expect(() => fv.data.normalizeImage(fv.zeros([1, 4, 4]), 'imagenet')).toThrow(/normalizeImage: preset 'imagenet' normalises 3 \(RGB\) channels, got 1/);
    expect(() => fv.data.normalizeImage(fv.zeros([4, 4]), 'inception')).toThrow(/normalizeImage: x must be \[C,H,W\] or \[B,C,H,W\], got shape \[4,4\]/);
  });
});

describe('bad image input', () => {
  it('a truncated JPEG or PNG: the function, the file and "truncated or damaged"', async () => {
    for (const f of ['truncated.jpg', 'truncated.png']) {
      const format = f.endsWith('jpg') ? 'JPEG' : 'PNG';
      for (const [fn, load] of [['loadImage', fv.data.loadImage], ['decodeImage', fv.data.decodeImage]] as const) {
        const msg = await rejection(load(at(f)));
        expect(msg).toContain(`${fn}: ${at(f)}: cannot decode the ${format} image, the file is truncated or damaged`);
      }
    }
  });

  it('a non-image, an empty file, a missing path, a folder', async () => {
    expect(await rejection(fv.data.loadImage(at('notes.txt')))).toMatch(new RegExp(`^loadImage: ${at('notes.txt')}: not an image file`));
    expect(await rejection(fv.data.loadImage(at('empty.png')))).toBe(`loadImage: ${at('empty.png')}: the file is empty (0 bytes), not an image`);
    expect(await rejection(fv.data.loadImage(at('nope.jpg')))).toBe(`loadImage: ${at('nope.jpg')}: no such file`);
    expect(await rejection(fv.data.loadImage(at('folder.png')))).toBe(`loadImage: ${at('folder.png')}: is a folder, not an image file`);
    expect(await rejection(fv.data.decodeImage(''))).toBe('decodeImage: the path is an empty string');
    expect(await rejection(fv.data.decodeImage(42 as unknown as string))).toMatch(/^decodeImage: expected a file path \(string\) or the file's bytes/);
  });

  it('a size of 0, negative, non-integer or malformed', async () => {
    for (const size of [0, -3, 2.5, [0, 4], [4], [4, 4, 4], '224', NaN]) {
      const msg = await rejection(fv.data.loadImage(at('rgb.png'), { size: size as number }));
      expect(msg).toBe(`loadImage: size must be a positive integer (a square) or [height, width] of positive integers, got ${JSON.stringify(size)}`);
    }
  });

  it('bad channels, background, fit, and unknown options (with a suggestion)', async () => {
    expect(await rejection(fv.data.loadImage(at('rgb.png'), { channels: 4 as 3 }))).toBe('loadImage: channels must be 1 (gray) or 3 (RGB), got 4');
    expect(await rejection(fv.data.loadImage(at('rgb.png'), { background: 255 }))).toMatch(/^loadImage: background must be a gray level in \[0, 1\] or \[r, g, b\] in \[0, 1\], got 255/);
    expect(await rejection(fv.data.loadImage(at('rgb.png'), { fit: 'stretch' as 'fill' }))).toBe(`loadImage: fit must be one of 'cover', 'contain', 'fill', got "stretch"`);
    expect(await rejection(fv.data.loadImage(at('rgb.png'), { sizes: 4 } as never))).toMatch(/^loadImage: unknown option 'sizes' \(did you mean 'size'\?\); accepted: size, channels, background, fit, device, name$/);
    expect(await rejection(fv.data.decodeImage(at('rgb.png'), { size: 4 } as never))).toMatch(/^decodeImage: unknown option 'size'; accepted: name$/);
    expect(await rejection(fv.data.loadImages([at('rgb.png')], { name: 'x' } as never))).toMatch(/^loadImages: unknown option 'name'/);
  });
});

const TEMPLATES = '/usr/share/tuxpaint/templates';
const STAMPS = '/usr/share/tuxpaint/stamps';

describe.skipIf(!existsSync(join(TEMPLATES, 'sheep.jpg')) || !existsSync(STAMPS))('real photos (Debian tuxpaint-data, tuxpaint-stamps-default)', () => {
  it('a progressive JPEG photo at 224×224, and a transparent PNG stamp on white', async () => {
    const meta = await fv.data.decodeImage(join(TEMPLATES, 'sheep.jpg'));
    expect(meta).toMatchObject({ format: 'jpeg', channels: 3, bitDepth: 8 });
    const x = await fv.data.loadImage(join(TEMPLATES, 'sheep.jpg'), { size: 224 });
    expect(x.shape).toEqual([3, 224, 224]);
    const v = x.toFloat32Array();
    expect(v.every((a) => a >= 0 && a <= 1)).toBe(true);
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.9);
    // A stamp photo: transparent corners come out white, the middle is the object.
    const stamp = (await fv.data.loadImage(join(STAMPS, 'animals/mammals/elephant.png'), { size: 64, fit: 'contain' })).toArray() as number[][][];
    expect([stamp[0]![0]![0], stamp[1]![0]![0], stamp[2]![0]![0]]).toEqual([1, 1, 1]);
    expect(stamp[0]![32]![32]).toBeLessThan(0.9);
    // A gray+alpha stamp asked for RGB: three equal planes.
    const gray = (await fv.data.loadImage(join(STAMPS, 'animals/mammals/echidna.png'), { size: 32 })).toArray() as number[][][];
    expect(gray[0]).toEqual(gray[1]);
    expect(gray[1]).toEqual(gray[2]);
  });
});
