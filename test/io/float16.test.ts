// Half precision for safetensors F16: bit-exact conversions (round to nearest even,
// overflow to Infinity, subnormals), every half round-trips, and F16 files read back
// as float32 within half a unit in the last place.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { fromHalfBits, toHalf, toHalfBits } from '../../src/io/float16.js';
import { loadFile, serialize } from '../../src/io/safetensors.js';

describe('float16', () => {
  it('converts known values bit-exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-Infinity, 0xfc00],
      [1 / 3, 0x3555], [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 + 2 ** -10 + 2 ** -12, 0x3c01], // ties to even, then above the tie
    ];
    for (const [v, bits] of cases) expect([v, toHalfBits(v)]).toEqual([v, bits]);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  it('every finite half round-trips through float32', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaNs
      const v = fromHalfBits(h);
      if (toHalfBits(v) !== h) throw new Error(`0x${h.toString(16)} → ${v} → 0x${toHalfBits(v).toString(16)}`);
    }
    expect(Array.from(toHalf(Float32Array.of(1, -0.25)))).toEqual([0x3c00, 0xb400]);
  });

  it('safetensors F16: stored at half the size, read as float32 within 2^-11 relative', () => {
    fv.seed(3);
    const w = fv.randn([33, 7]);
    const b = fv.tensor(Int32Array.of(1, 2, 3), [3]);
    const full = serialize({ w, b });
    expect(full.byteLength - serialize({ w, b }, undefined, 'io.save', 'float16').byteLength).toBeGreaterThanOrEqual(33 * 7 * 2 - 8);
    const half = serialize({ w, b }, { note: 'x' }, 'io.save', 'float16');
    const path = join(mkdtempSync(join(tmpdir(), 'f16-')), 'h.safetensors');
    fv.io.save(path, { w, b });
    const { tensors } = loadFile(path);
    expect(tensors.w!.dtype).toBe('float32');
    writeFileSync(path, half);
    const back = loadFile(path);
    expect(back.metadata.note).toBe('x');
    expect(back.tensors.w!.dtype).toBe('float32');
    expect(back.tensors.b!.dtype).toBe('int32'); // integers are never narrowed
    expect(Array.from(back.tensors.b!.toInt32Array())).toEqual([1, 2, 3]);
    const a = w.toFloat32Array();
    const r = back.tensors.w!.toFloat32Array();
    for (let i = 0; i < a.length; i++) expect(Math.abs(r[i]! - a[i]!)).toBeLessThanOrEqual(Math.abs(a[i]!) * 2 ** -11 + 2 ** -25);
  });

  it('safetensors I8: int32 tensors stored a byte each, read back as int32; a value outside −128…127 is an error', () => {
    const q = fv.tensor(Int32Array.of(1, -128, 127, 0), [2, 2]);
    const path = join(mkdtempSync(join(tmpdir(), 'i8-')), 'q.safetensors');
    const bytes = serialize({ q }, undefined, 'io.save', 'int8');
    const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
    expect(JSON.parse(Buffer.from(bytes).subarray(8, 8 + n).toString('utf8'))).toEqual({ q: { dtype: 'I8', shape: [2, 2], data_offsets: [0, 4] } });
    expect(bytes.byteLength).toBe(8 + n + 4);
    writeFileSync(path, bytes);
    const back = loadFile(path).tensors.q!;
    expect([back.dtype, Array.from(back.toInt32Array())]).toEqual(['int32', [1, -128, 127, 0]]);
    expect(() => serialize({ q: fv.tensor(Int32Array.of(3, 200), [2]) }, undefined, 'io.save', 'int8')).toThrow(/io\.save: tensors\["q"\] \[2\]: value 200 at index 1 does not fit int8/);
  });
});
