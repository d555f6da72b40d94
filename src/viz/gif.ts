// Animated GIF (GIF89a) encoding: a fixed 256-entry palette and variable-width
// LZW, so generation sequences play in any browser or viewer.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface GifFrame {
  /** One palette index per pixel, row-major. */
  indices: Uint8Array;
  /** Display time in hundredths of a second. */
  delay: number;
}

/** LZW-compresses palette indices with the GIF variant (min code size 8). */
function lzw(indices: Uint8Array): Uint8Array {
  const minSize = 8;
  const clear = 1 << minSize;
  const end = clear + 1;
  const out: number[] = [];
  let bitBuf = 0;
  let bitLen = 0;
  let size = minSize + 1;
  const emit = (code: number): void => {
    bitBuf |= code << bitLen;
    bitLen += size;
    while (bitLen >= 8) {
      out.push(bitBuf & 0xff);
      bitBuf >>>= 8;
      bitLen -= 8;
    }
  };
  let dict = new Map<number, number>();
  let next = end + 1;
  emit(clear);
  let prefix = indices[0] ?? 0;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    const hit = dict.get(key);
    if (hit !== undefined) {
      prefix = hit;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << size && size < 12) size++;
    } else {
      emit(clear);
      dict = new Map();
      next = end + 1;
      size = minSize + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (bitLen > 0) out.push(bitBuf & 0xff);
  return Uint8Array.from(out);
}

/** Encodes frames over `palette` (256 RGB triples, 768 bytes); loops forever. */
export function encodeGif(width: number, height: number, palette: Uint8Array, frames: GifFrame[]): Uint8Array {
  if (palette.length !== 768) fail('encodeGif', `palette must hold 256 RGB entries (768 bytes), got ${palette.length}`);
  if (frames.length === 0) fail('encodeGif', 'needs at least one frame');
  frames.forEach((f, i) => checkOptions(`encodeGif: frames[${i}]`, f, ['indices', 'delay']));
  const parts: Buffer[] = [];
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'ascii');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0xf7; // global colour table, 8 bits per colour, 256 entries
  parts.push(header, Buffer.from(palette));
  parts.push(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 0x03, 0x01, 0x00, 0x00, 0x00]));
  frames.forEach((f, i) => {
    if (f.indices.length !== width * height) fail('encodeGif', `frame ${i} has ${f.indices.length} pixels, expected ${width * height}`);
    const gce = Buffer.from([0x21, 0xf9, 0x04, 0x00, 0, 0, 0x00, 0x00]);
    gce.writeUInt16LE(Math.max(0, Math.round(f.delay)), 4);
    const desc = Buffer.alloc(10);
    desc[0] = 0x2c;
    desc.writeUInt16LE(width, 5);
    desc.writeUInt16LE(height, 7);
    const data = lzw(f.indices);
    const blocks: number[] = [8];
    for (let o = 0; o < data.length; o += 255) {
      const n = Math.min(255, data.length - o);
      blocks.push(n, ...data.subarray(o, o + n));
    }
    blocks.push(0);
    parts.push(gce, desc, Buffer.from(blocks));
  });
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/** A palette of 252 grays (indices 0–251) plus accent colours at 252–255 (red, green, blue, yellow). */
export function grayPalette(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 252; i++) p.set([Math.round((i * 255) / 251)].flatMap((v) => [v, v, v]), i * 3);
  p.set([230, 40, 40, 40, 200, 60, 50, 90, 230, 240, 210, 40], 252 * 3);
  return p;
}

export function writeGif(path: string, width: number, height: number, palette: Uint8Array, frames: GifFrame[]): void {
  writeFileAtomic(path, encodeGif(width, height, palette, frames));
}
