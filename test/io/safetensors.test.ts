// Safetensors: files written by Python's safetensors 0.8 (test/fixtures/safetensors,
// made by make_fixtures.py) load with the exact values, and foveate writes the
// same bytes for the same tensors; the layout byte by byte against the format's
// spec; atomic writes; damaged, foreign and hostile files give errors naming
// the file and the problem.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { readMetadata, serialize, writeSafetensors } from '../../src/io/safetensors.js';

const FIX = join(__dirname, '..', 'fixtures', 'safetensors');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as Record<
  string,
  { metadata: Record<string, string> | null; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string | null)[] }> }
>;
const DTYPE: Record<string, fv.DType> = { float32: 'float32', int32: 'int32', float64: 'float64' };
const num = (v: number | string | null): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === null ? NaN : (v as number));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'fv-st-'));
/** serialize's bytes (a Uint8Array in the public types, so they need no @types/node) viewed as a Buffer. */
const serialized = (...args: Parameters<typeof fv.io.serialize>): Buffer => {
  const u = fv.io.serialize(...args);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
};

function values(t: fv.Tensor): number[] {
  return Array.from(t.dtype === 'int32' ? t.toInt32Array() : t.toFloat64Array());
}

describe('io: files written by Python safetensors', () => {
  it.each(Object.keys(expected))('%s.safetensors loads with exact values, dtypes, shapes and metadata', (name) => {
    const file = fv.io.loadFile(join(FIX, `${name}.safetensors`));
    const want = expected[name]!;
    expect(Object.keys(file.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
    for (const [k, w] of Object.entries(want.tensors)) {
      const t = file.tensors[k]!;
      expect(t.dtype, k).toBe(DTYPE[w.dtype]);
      expect(t.shape, k).toEqual(w.shape);
      const got = values(t);
      got.forEach((v, i) => expect(Object.is(v, num(w.values[i]!)), `${k}[${i}] ${v} vs ${w.values[i]}`).toBe(true));
    }
    expect(file.metadata).toEqual(want.metadata ?? {});
    Object.values(file.tensors).forEach((t) => t.dispose());
  });

  // Python's library keeps metadata in a hash map, so its key order is not
  // fixed when there are several keys (long_names has three): those files are
  // compared by content above; files with at most one key must match bytewise.
  it.each(['mixed', 'plain'])('foveate writes %s.safetensors byte for byte as Python did', (name) => {
    const original = readFileSync(join(FIX, `${name}.safetensors`));
    const loaded = fv.io.loadFile(join(FIX, `${name}.safetensors`));
    const meta = expected[name]!.metadata ?? undefined;
    // Re-insert in a different order: the writer sorts.
    const shuffled = Object.fromEntries(Object.entries(loaded.tensors).reverse());
    const dir = tmp();
    fv.io.save(join(dir, 'out.safetensors'), shuffled, meta);
    expect(Buffer.compare(readFileSync(join(dir, 'out.safetensors')), original)).toBe(0);
    expect(Buffer.compare(fv.io.serialize(shuffled, meta), original)).toBe(0);
    Object.values(loaded.tensors).forEach((t) => t.dispose());
  });
});

describe('io: layout against the spec', () => {
  it('header length, JSON, space padding to 8 bytes, dtype order then name, little-endian data', () => {
    const tensors = {
      b: fv.tensor([1.5, -2], [2]),
      a: fv.tensor(new Int32Array([258, -1]), [2]),
      c: fv.tensor([0.1], [1], { dtype: 'float64' }),
    };
    const buf = serialized(tensors, { k: 'v' });
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = buf.subarray(8, 8 + n).toString('utf8');
    const json = '{"__metadata__":{"k":"v"},"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"a":{"dtype":"I32","shape":[2],"data_offsets":[16,24]}}';
    expect(header).toBe(json + ' '.repeat(n - json.length));
    const data = buf.subarray(8 + n);
    expect(data.length).toBe(24);
    expect(data.readDoubleLE(0)).toBe(0.1);
    expect([data.readFloatLE(8), data.readFloatLE(12)]).toEqual([1.5, -2]);
    expect([...data.subarray(16, 24)]).toEqual([2, 1, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    Object.values(tensors).forEach((t) => t.dispose());
  });

  it('an empty dict is an 8-byte header "{}" plus 6 spaces', () => {
    const buf = serialized({});
    expect(buf.length).toBe(16);
    expect(buf.readBigUInt64LE(0)).toBe(8n);
    expect(buf.subarray(8).toString()).toBe('{}      ');
  });

  it('round trip keeps NaN payloads, -0, ±Infinity, int32 extremes and float64 exactly', () => {
    const f32 = new Float32Array([NaN, -0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]);
    const i32 = new Int32Array([-2147483648, 2147483647, 0]);
    const f64 = new Float64Array([Math.PI, 5e-324, -0]);
    const t = { f: fv.tensor(f32, [2, 3]), i: fv.tensor(i32, [3, 1]), d: fv.tensor(f64, [3], { dtype: 'float64' }), s: fv.tensor(7) };
    const dir = tmp();
    fv.io.save(join(dir, 'x.safetensors'), t);
    const back = fv.io.load(join(dir, 'x.safetensors'));
    expect(Buffer.from(back.f!.toFloat32Array().buffer)).toEqual(Buffer.from(f32.buffer));
    expect(back.i!.toInt32Array()).toEqual(i32);
    expect(back.d!.dtype).toBe('float64');
    expect(Buffer.from(back.d!.toFloat64Array().buffer)).toEqual(Buffer.from(f64.buffer));
    expect(back.s!.shape).toEqual([]);
    [...Object.values(t), ...Object.values(back)].forEach((x) => x.dispose());
  });
});

describe('io: atomic writes', () => {
  it('a failed save leaves no file and no temporary behind, and keeps an existing file', () => {
    const dir = tmp();
    const path = join(dir, 'ck.safetensors');
    const good = fv.tensor([1, 2]);
    fv.io.save(path, { w: good });
    const before = readFileSync(path);
    const gone = fv.tensor([3]);
    gone.dispose();
    expect(() => fv.io.save(path, { w: good, v: gone })).toThrow(/io.save: tensors\["v"\] \[1\] was disposed/);
    expect(() => fv.io.save(join(dir, 'no', 'such', 'dir.safetensors'), { w: good })).toThrow(/io.save: .*no[/\\]such[/\\]dir.safetensors: ENOENT/);
    expect(readdirSync(dir)).toEqual(['ck.safetensors']);
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
    good.dispose();
  });
});

describe('io: bad files', () => {
  const dir = tmp();
  const good = serialized({ w: fv.tidy(() => fv.tensor([1, 2, 3, 4], [2, 2])) }, { step: '1' });
  const n = Number(good.readBigUInt64LE(0));
  const withHeader = (json: string, data = Buffer.alloc(0)): Buffer => {
    const h = Buffer.from(json);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    return Buffer.concat([len, h, data]);
  };
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(9_000_000_000_000_000_000n, 0);
  const cases: [string, Buffer, RegExp][] = [
    ['empty file', Buffer.alloc(0), /file is 0 bytes, too short for the 8-byte header length/],
    ['truncated in the length', good.subarray(0, 5), /file is 5 bytes, too short/],
    ['truncated in the header', good.subarray(0, 8 + n - 3), new RegExp(`header length ${n} exceeds file size ${8 + n - 3}`)],
    ['truncated in the data', good.subarray(0, good.length - 1), /data_offsets reach byte 16 but the data section has 15 bytes \(truncated\)/],
    ['header length 9e18', huge, new RegExp(`header length 9000000000000000000 exceeds file size ${good.length}`)],
    ['a foreign file (PNG)', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), /header length \d+ exceeds file size 33/],
    ['a foreign file (text)', Buffer.from('hello, this is not a tensor file at all\n'), /exceeds file size 40/],
    ['invalid JSON', withHeader('{"w": {"dtype": "F32",'), /header is not valid UTF-8 JSON/],
    ['header not an object', withHeader('[1,2]  '), /header does not start with '\{'/],
    ['unknown dtype', withHeader('{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}', Buffer.alloc(4)), /tensor "w": unsupported dtype "BF16", expected one of F64, F32, I32/],
    ['size mismatch', withHeader('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Buffer.alloc(8)), /tensor "w": data_offsets \[0,8\] hold 8 bytes, F32 \[3\] needs 12/],
    ['offsets out of range', withHeader('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', Buffer.alloc(8)), /data_offsets reach byte 16 but the data section has 8 bytes/],
    [
      'overlapping offsets',
      withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', Buffer.alloc(12)),
      /tensor "b": data_offsets \[4,12\] overlap the previous tensor \(ending at 8\)/,
    ],
    ['a gap', withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', Buffer.alloc(8)), /tensor "a": data_offsets \[4,8\] leave a gap after byte 0/],
    ['negative shape', withHeader('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'), /tensor "a": shape \[-1\] is not a list of non-negative integers/],
    ['metadata not strings', withHeader('{"__metadata__":{"step":3}}'), /__metadata__\["step"\] must be a string, got 3/],
  ];
  it.each(cases)('%s', (label, bytes, re) => {
    const path = join(dir, `${label.replace(/\W+/g, '_')}.safetensors`);
    writeFileSync(path, bytes);
    const live = fv.memory().numTensors;
    let message = '';
    try {
      fv.io.load(path);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(re);
    expect(message.startsWith(`io.load: ${path}: `)).toBe(true);
    expect(fv.memory().numTensors).toBe(live); // nothing partly loaded
  });

  it('a missing file names the path', () => {
    expect(() => fv.io.load(join(dir, 'missing.safetensors'))).toThrow(/io.load: .*missing.safetensors: ENOENT/);
    expect(existsSync(join(dir, 'missing.safetensors'))).toBe(false);
  });
});

describe('io: streamed writes', () => {
  it('a file written tensor by tensor through the one reused buffer has the bytes serialize gives', () => {
    // Large before small and float32 beside int32: each tensor is read into the same
    // buffer after the previous one has been written, so a stale tail would show.
    const tensors = {
      big: fv.randn([300, 70]),
      small: fv.tensor([1.5, -2.25, 3], [3]),
      ints: fv.tensor([7, -8, 9, 2147483647], [4], { dtype: 'int32' }),
      mid: fv.randn([17, 5]),
      wide: fv.tensor(Float64Array.from([0.1, 0.2]), [2], { dtype: 'float64' }),
    };
    const dir = tmp();
    const path = join(dir, 'streamed.safetensors');
    writeSafetensors(path, tensors, { note: 'streamed' });
    expect(Buffer.compare(readFileSync(path), Buffer.from(serialize(tensors, { note: 'streamed' })))).toBe(0);
    const back = fv.io.load(path);
    for (const [k, t] of Object.entries(tensors)) expect(Array.from(back[k]!.toFloat64Array())).toEqual(Array.from(t.toFloat64Array()));
    expect(readdirSync(dir)).toEqual(['streamed.safetensors']);
  });

  it('a narrowing error comes before any byte is written: no file and no temporary file', () => {
    const dir = tmp();
    const path = join(dir, 'bad.safetensors');
    expect(() => writeSafetensors(path, { ok: fv.ones([4]), big: fv.tensor([1, 300], [2], { dtype: 'int32' }) }, undefined, 'export', 'int8')).toThrow(
      /export: tensors\["big"\] \[2\]: value 300 at index 1 does not fit int8/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('io: readMetadata (the header alone)', () => {
  it('gives what loadFile gives, without making tensors', () => {
    const dir = tmp();
    const path = join(dir, 'm.safetensors');
    fv.io.save(path, { w: fv.randn([40, 30]) }, { draw_config: '{"T":3}' });
    const before = fv.memory().numTensors;
    expect({ ...readMetadata(path) }).toEqual({ draw_config: '{"T":3}' });
    expect(fv.memory().numTensors).toBe(before);
  });

  it('checks the header as loadFile does, the data section size included', () => {
    const dir = tmp();
    const good = Buffer.from(serialize({ w: fv.ones([4]) }, { k: 'v' }));
    const n = Number(good.readBigUInt64LE(0));
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(0), /io\.readMetadata: .*: file is 0 bytes, too short for the 8-byte header length/],
      ['truncated in the header', good.subarray(0, 8 + n - 3), new RegExp(`header length ${n} exceeds file size ${8 + n - 3}`)],
      ['truncated in the data', good.subarray(0, good.length - 4), /data_offsets reach byte 16 but the data section has 12 bytes \(truncated\)/],
    ];
    for (const [name, bytes, want] of cases) {
      const path = join(dir, `${name}.safetensors`);
      writeFileSync(path, bytes);
      expect(() => readMetadata(path), name).toThrow(want);
      expect(() => fv.io.load(path), name).toThrow(want.source.startsWith('io\\.readMetadata') ? /file is 0 bytes/ : want);
    }
    expect(() => readMetadata(join(dir, 'missing.safetensors'))).toThrow(/io\.readMetadata: .*missing\.safetensors: ENOENT/);
  });
});
