// The safetensors format (huggingface/safetensors), written as the Python
// library writes it and read with its checks:
//   8 bytes  header length N, unsigned little-endian
//   N bytes  JSON header {"__metadata__": {string: string}?, name: {"dtype", "shape",
//            "data_offsets": [begin, end]}, …}, compact, padded with spaces to a
//            multiple of 8
//   rest     the tensors' bytes, little-endian, row-major, back to back
// Tensors are laid out by dtype (the library's enum order, last first: F64, F32,
// I32, F16), then by name — the library's order, so files are byte-identical to
// what it writes. F16 (half precision, for small shipped weights) is read as
// float32 tensors and I8 (quantised weights) as int32: foveate computes in 32 bits.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { tensor } from '../creation.js';
import { fail, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { writeFileAtomic } from './atomic.js';
import { fromHalf, toHalf } from './float16.js';

/** The dtypes foveate reads and writes, with their byte sizes. */
const DTYPES = { F64: 8, F32: 4, I32: 4, F16: 2, I8: 1 } as const;
type SafeDType = keyof typeof DTYPES;
/** The library's sort rank (its Dtype enum order): larger first. */
const RANK: Record<SafeDType, number> = { I8: -2, F16: -1, I32: 0, F32: 1, F64: 2 };

/** Narrower storage on write: float32 tensors as F16, or int32 tensors (values in −128…127) as I8. */
export type Narrow = 'float16' | 'int8';
const OF_TENSOR = { float64: 'F64', float32: 'F32', int32: 'I32' } as const;
/** The Python library refuses larger headers (100 MB). */
const MAX_HEADER = 100_000_000;

if (endianness() !== 'LE') throw new Error('io: safetensors support assumes a little-endian machine');

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  byteLength: number;
  /** The bytes; a plain tensor's are read into `scratch`, valid until the next entry's. */
  bytes: () => Uint8Array;
}

/**
 * One buffer, reused by every write, that tensors are read into on their way to
 * the file. A checkpoint is written tensor by tensor from it, so saving never
 * holds a second copy of the model (nor one JavaScript buffer per tensor that
 * stays resident until V8 collects it: the MNIST MLP's 8 MB checkpoint was a
 * fresh 8 MB mapping at every save). It grows to the largest tensor written.
 */
let scratch = new ArrayBuffer(0);

function readIntoScratch(t: Tensor, op: string): Uint8Array {
  const bytes = t.size * 4;
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(bytes);
  t.handle(op).readInto(t.dtype === 'int32' ? new Int32Array(scratch, 0, t.size) : new Float32Array(scratch, 0, t.size));
  return new Uint8Array(scratch, 0, bytes);
}

function entryOf(op: string, name: string, t: unknown, narrow: Narrow | undefined): Entry {
  if (!(t instanceof Tensor)) fail(op, `tensors["${name}"] must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.isDisposed) fail(op, `tensors["${name}"] ${fmtShape(t.shape)} was disposed`);
  const shape = [...t.shape];
  const fixed = (dtype: SafeDType, bytes: Uint8Array): Entry => ({ name, dtype, shape, byteLength: bytes.byteLength, bytes: () => bytes });
  if (narrow === 'float16' && t.dtype === 'float32') return fixed('F16', new Uint8Array(toHalf(t.toFloat32Array()).buffer));
  if (narrow === 'int8' && t.dtype === 'int32') {
    const v = t.toInt32Array();
    const bad = v.findIndex((x) => x < -128 || x > 127);
    if (bad >= 0) fail(op, `tensors["${name}"] ${fmtShape(t.shape)}: value ${v[bad]} at index ${bad} does not fit int8 (−128…127)`);
    return fixed('I8', new Uint8Array(Int8Array.from(v).buffer));
  }
  if (t.dtype === 'float64') return fixed('F64', new Uint8Array(t.toFloat64Array().buffer));
  const dtype = OF_TENSOR[t.dtype];
  return { name, dtype, shape, byteLength: t.size * DTYPES[dtype], bytes: () => readIntoScratch(t, op) };
}

/**
 * A safetensors file holding `tensors` (and string `metadata`) as its parts, in
 * order: the length and header, then each tensor's bytes. The parts are
 * produced one at a time (each valid until the next is asked for), so a writer
 * streams the file without holding it whole. `narrow` stores float32 tensors
 * as F16 (rounded to nearest even) or int32 tensors as I8 (an error, before
 * any part, unless every value fits).
 */
function fileParts(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, op: string, narrow: Narrow | undefined): { size: number; parts: Iterable<Uint8Array> } {
  if (tensors === null || typeof tensors !== 'object') fail(op, `tensors must be an object of name → Tensor, got ${String(tensors)}`);
  const entries = Object.entries(tensors).map(([n, t]) => entryOf(op, n, t, narrow));
  for (const e of entries) if (e.name === '__metadata__') fail(op, 'a tensor cannot be named "__metadata__" (reserved by the format)');
  entries.sort((a, b) => RANK[b.dtype] - RANK[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Null prototypes: a tensor named "__proto__" is a key like any other, not the object's prototype.
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') fail(op, `metadata must be an object of strings, got ${String(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(op, `metadata["${k}"] must be a string, got ${typeof v}`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.byteLength] };
    offset += e.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const head = Buffer.alloc(8 + padded, 0x20);
  head.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(head, 8);
  function* parts(): Generator<Uint8Array> {
    yield head;
    for (const e of entries) yield e.bytes();
  }
  return { size: head.length + offset, parts: parts() };
}

/**
 * The bytes of a safetensors file holding `tensors` (and string `metadata`),
 * identical to what Python's `safetensors.serialize` gives for one metadata key.
 * `narrow` stores float32 tensors as F16 (rounded to nearest even) or int32
 * tensors as I8 (an error unless every value fits).
 */
export function serialize(tensors: Record<string, Tensor>, metadata?: Record<string, string>, op = 'io.save', narrow?: Narrow): Uint8Array {
  const { size, parts } = fileParts(tensors, metadata, op, narrow);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Writes `tensors` as a safetensors file at `path`, atomically (temp file +
 * fsync + rename), streamed tensor by tensor: the same bytes as `serialize`.
 */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, op = 'io.save', narrow?: Narrow): void {
  writeFileAtomic(path, fileParts(tensors, metadata, op, narrow).parts, op);
}

interface Header {
  metadata: Record<string, string>;
  entries: { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }[];
  headerEnd: number;
}

/**
 * Parses and checks the header of a file of `size` bytes whose first bytes are
 * `data` (the whole file, or at least its length field and header): every
 * entry's dtype, shape and offsets, and that the tensors tile the data section.
 */
function parseHeader(data: Buffer, size: number, what: string, op: string): Header {
  const bad = (msg: string): never => fail(op, `${what}: ${msg}`);
  if (size < 8) bad(`file is ${size} bytes, too short for the 8-byte header length (truncated, or not a safetensors file)`);
  const n = data.readBigUInt64LE(0);
  if (n > BigInt(size - 8)) bad(`header length ${n} exceeds file size ${size} (truncated, or not a safetensors file)`);
  if (n > BigInt(MAX_HEADER)) bad(`header length ${n} exceeds the format's limit of ${MAX_HEADER} bytes`);
  const headerEnd = 8 + Number(n);
  const text = data.subarray(8, headerEnd);
  if (text.length === 0 || text[0] !== 0x7b) bad(`header does not start with '{' (not a safetensors file)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (e) {
    bad(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) bad('header JSON is not an object');
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) bad('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as object)) {
        if (typeof v !== 'string') bad(`__metadata__["${k}"] must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (t === null || typeof t !== 'object') bad(`tensor "${name}": entry must be an object, got ${JSON.stringify(info)}`);
    if (typeof t.dtype !== 'string' || !(t.dtype in DTYPES)) {
      bad(`tensor "${name}": unsupported dtype ${JSON.stringify(t.dtype)}, expected one of ${Object.keys(DTYPES).join(', ')}`);
    }
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`tensor "${name}": shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    const offs = t.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      bad(`tensor "${name}": data_offsets ${JSON.stringify(offs)} is not [begin, end]`);
    }
    const [begin, end] = offs as [number, number];
    const dtype = t.dtype as SafeDType;
    const need = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPES[dtype];
    if (end < begin || end - begin !== need) bad(`tensor "${name}": data_offsets [${begin},${end}] hold ${end - begin} bytes, ${dtype} ${fmtShape(shape as number[])} needs ${need}`);
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  // As the library: the tensors tile the data section exactly, in offset order.
  const body = size - headerEnd;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) {
      bad(
        e.begin < at
          ? `tensor "${e.name}": data_offsets [${e.begin},${e.end}] overlap the previous tensor (ending at ${at})`
          : `tensor "${e.name}": data_offsets [${e.begin},${e.end}] leave a gap after byte ${at}`,
      );
    }
    at = e.end;
  }
  if (at !== body) bad(at > body ? `data_offsets reach byte ${at} but the data section has ${body} bytes (truncated)` : `data section has ${body} bytes but the tensors cover ${at}`);
  return { metadata, entries, headerEnd };
}

/** Parses and checks a whole file before making any tensor. `what` names it in errors. */
export function deserialize(buf: Uint8Array, what = '<buffer>', op = 'io.load'): SafetensorsFile {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const { metadata, entries, headerEnd } = parseHeader(data, data.length, what, op);
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  try {
    for (const e of entries) {
      const copy = new Uint8Array(data.subarray(headerEnd + e.begin, headerEnd + e.end)); // aligned
      const values = e.dtype === 'F64' ? new Float64Array(copy.buffer) : e.dtype === 'F32' ? new Float32Array(copy.buffer) : e.dtype === 'F16' ? fromHalf(new Uint16Array(copy.buffer)) : e.dtype === 'I8' ? Int32Array.from(new Int8Array(copy.buffer)) : new Int32Array(copy.buffer);
      tensors[e.name] = tensor(values, e.shape);
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

/**
 * Saves tensors (float32, int32, float64) to a safetensors file, atomically.
 * @example fv.io.save('model.safetensors', { 'fc.weight': w, 'fc.bias': b }, { epoch: '3' });
 */
export function save(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  if (typeof path !== 'string' || path === '') fail('io.save', `path must be a non-empty string, got ${String(path)}`);
  writeSafetensors(path, tensors, metadata, 'io.save');
}

/** Reads a safetensors file: its tensors (on the CPU) and its metadata. */
export function loadFile(path: string, op = 'io.load'): SafetensorsFile {
  if (typeof path !== 'string' || path === '') fail(op, `path must be a non-empty string, got ${String(path)}`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return fail(op, `${path}: ${(e as Error).message}`);
  }
  return deserialize(buf, path, op);
}

/**
 * The metadata of a safetensors file, reading only its header (checked as
 * `loadFile` checks it, the data section's size included): for a model's config
 * or a run's records without making its tensors.
 */
export function readMetadata(path: string, op = 'io.readMetadata'): Record<string, string> {
  if (typeof path !== 'string' || path === '') fail(op, `path must be a non-empty string, got ${String(path)}`);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 8));
    readSync(fd, head, 0, head.length, 0);
    // The header's length as the file states it, capped by what the file holds (parseHeader reports a lie).
    const n = size >= 8 ? Math.min(Number(head.readBigUInt64LE(0)), size - 8, MAX_HEADER) : 0;
    const data = Buffer.alloc(head.length + n);
    head.copy(data);
    if (n > 0) readSync(fd, data, 8, n, 8);
    return parseHeader(data, size, path, op).metadata;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op}:`)) throw e;
    return fail(op, `${path}: ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Metadata entry `key` parsed as JSON (undefined when absent), or an error naming
 * the file and key: the records foveate keeps in checkpoints' metadata.
 */
export function metadataJson(metadata: Record<string, string>, key: string, path: string, op: string): unknown {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(op, `${path}: metadata ${key} is not valid JSON`);
  }
}

/**
 * Loads every tensor of a safetensors file (F32 → float32, I32 → int32,
 * F64 → float64). A damaged or foreign file is an error naming it; nothing is
 * half-loaded.
 * @example const sd = fv.io.load('model.safetensors'); model.loadStateDict(sd);
 */
export function load(path: string): Record<string, Tensor> {
  return loadFile(path).tensors;
}
