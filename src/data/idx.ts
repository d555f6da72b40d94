// The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): a big-endian
// magic number 0x0000TTNN (TT the element type, NN the number of dimensions),
// NN big-endian uint32 sizes, then the elements row-major. foveate reads the
// unsigned-byte type (0x08) that MNIST uses, gzipped or not.
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { fail } from '../errors.js';

export const IDX_IMAGES = 0x00000803;
export const IDX_LABELS = 0x00000801;

export interface IdxArray {
  /** The sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The elements (unsigned bytes), row-major. */
  data: Uint8Array;
}

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

/**
 * Inflates a gzipped IDX file no further than the size its own header declares:
 * the header is read from an inflated prefix first, so a small file that
 * inflates to gigabytes (a gzip bomb) fails at once instead of filling memory.
 */
function gunzipIdx(buf: Buffer, what: string): Buffer {
  const op = 'readIdx';
  const damaged = (e: unknown): never => fail(op, `${what}: gzip data is damaged (${(e as Error).message})`);
  let declared: number | undefined;
  for (let take = 1024; declared === undefined; take *= 4) {
    let head: Buffer;
    try {
      // A prefix of the stream, flushed as far as it goes (no end-of-stream error).
      head = gunzipSync(buf.subarray(0, take), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: Math.min(take * 1100 + 4096, bufferConstants.MAX_LENGTH) });
    } catch (e) {
      return damaged(e);
    }
    if (head.length >= 4) {
      const rank = head.readUInt32BE(0) & 0xff;
      if (head.length >= 4 + 4 * rank) declared = 4 + 4 * rank + Array.from({ length: rank }, (_, i) => head.readUInt32BE(4 + 4 * i)).reduce((a, b) => a * b, 1);
    }
    if (take >= buf.length) break;
  }
  // One byte over the declared size is enough to report the mismatch.
  const limit = Math.min((declared ?? 1 << 20) + 1, bufferConstants.MAX_LENGTH);
  try {
    return gunzipSync(buf, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      fail(op, `${what}: gzip data inflates past the ${declared ?? limit - 1} bytes its IDX header declares (a damaged file or a gzip bomb); stopped at ${limit} bytes`);
    }
    return damaged(e);
  }
}

/**
 * Parses IDX bytes; `what` names the file in errors. With `magic`, the magic
 * number must equal it (IDX_IMAGES or IDX_LABELS).
 */
export function parseIdx(bytes: Uint8Array, what: string, magic?: number): IdxArray {
  const op = 'readIdx';
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipIdx(buf, what);
  if (buf.length < 4) fail(op, `${what}: file is ${buf.length} bytes, too short for the magic number at byte offset 0`);
  const m = buf.readUInt32BE(0);
  const type = (m >>> 8) & 0xff;
  const rank = m & 0xff;
  if (magic !== undefined && m !== magic) {
    fail(op, `${what}: magic number ${hex(m)} at byte offset 0, expected ${hex(magic)} (${magic === IDX_IMAGES ? 'images' : 'labels'}): not an MNIST ${magic === IDX_IMAGES ? 'image' : 'label'} file`);
  }
  if (m >>> 16 !== 0 || type !== 0x08 || rank === 0) fail(op, `${what}: magic number ${hex(m)} at byte offset 0 is not an unsigned-byte IDX header (0x000008NN)`);
  const headerEnd = 4 + 4 * rank;
  if (buf.length < headerEnd) fail(op, `${what}: file ends at byte offset ${buf.length}, inside the ${rank} dimension sizes (bytes 4..${headerEnd})`);
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const need = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - headerEnd;
  if (have !== need) {
    fail(
      op,
      `${what}: dimensions [${dims.join(',')}] need ${need} data bytes from byte offset ${headerEnd}, but ${have < need ? `the file ends at byte offset ${buf.length} (truncated)` : `the file has ${have - need} extra bytes after byte offset ${headerEnd + need}`}`,
    );
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerEnd, need) };
}

/**
 * Reads an IDX file (gzipped or not), checking the magic number and that the
 * sizes match the file's length; errors name the file and the byte offset.
 * @example const { dims, data } = fv.data.readIdx('train-images-idx3-ubyte', fv.data.IDX_IMAGES);
 */
export function readIdx(path: string, magic?: number): IdxArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return fail('readIdx', `${path}: ${(e as Error).message}`);
  }
  return parseIdx(bytes, path, magic);
}
