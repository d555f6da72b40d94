// fv.io.loadTorchLegacy on a state dict torch.save wrote in the legacy format
// (test/fixtures/torch_legacy_reference.py): every tensor's dtype, shape and values
// (float32, float64, int64, a transposed view, a row view with a storage offset, a
// shared storage, a Parameter, an empty tensor); and bad files — truncated anywhere,
// the zip format, another magic number, a pickle naming a global a state dict has
// no use for, bytes after the last storage — each an error naming the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const DIR = join(__dirname, '..', 'fixtures', 'torch-legacy');
const FILE = join(DIR, 'state.pth');
const bytes = readFileSync(FILE);
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;

describe('io.loadTorchLegacy', () => {
  it('reads every tensor of the fixture as PyTorch does', () => {
    const sd = fv.io.loadTorchLegacy(bytes, FILE);
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    for (const [name, want] of Object.entries(expected)) {
      const t = sd[name]!;
      expect(t.dtype, name).toBe(want.dtype);
      expect(t.shape, name).toEqual(want.shape);
      const got = Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
      expect(got, name).toEqual(want.values);
    }
    // Views are copied out: changing one tensor leaves its storage-mates alone.
    (sd['layer.weight']!.data as Float32Array)[0] = 99;
    expect(sd['shared.again']!.data[0]).toBe(-0.5);
  });

  it('names the file when it is truncated, at any point', () => {
    for (const cut of [1, 10, 14, 20, 100, 400, 700, 900, bytes.length - 60, bytes.length - 1]) {
      expect(() => fv.io.loadTorchLegacy(bytes.subarray(0, cut), 'cut.pth'), `cut at ${cut}`).toThrow(/^io\.loadTorchLegacy: cut\.pth( is truncated| is not a legacy PyTorch file|: cannot read its)/);
    }
    expect(() => fv.io.loadTorchLegacy(bytes.subarray(0, bytes.length - 4), 'cut.pth')).toThrow(/^io\.loadTorchLegacy: cut\.pth is truncated: storage \S+ needs \d+ bytes at byte \d+, the file ends at byte \d+$/);
  });

  it('refuses the zip format, other magic numbers, trailing bytes and foreign globals', () => {
    expect(() => fv.io.loadTorchLegacy(Buffer.from('PK\x03\x04 rest of a zip'), 'new.pt')).toThrow(/^io\.loadTorchLegacy: new\.pt is a zip-format PyTorch file \(torch\.save since 1\.6\); this reader reads the legacy format only$/);
    const other = Buffer.from(bytes);
    other[5] ^= 0xff;
    expect(() => fv.io.loadTorchLegacy(other, 'x.pth')).toThrow(/^io\.loadTorchLegacy: x\.pth is not a legacy PyTorch file \(no magic number at its start\)$/);
    expect(() => fv.io.loadTorchLegacy(Buffer.concat([bytes, Buffer.from([0])]), 'x.pth')).toThrow(/^io\.loadTorchLegacy: x\.pth: 1 bytes after the last storage$/);
    // The object pickle asks for os.system instead of collections.OrderedDict.
    const evil = Buffer.from(bytes.toString('latin1').replace('ccollections\nOrderedDict\n', 'cos\nsystem\n'), 'latin1');
    expect(evil.length).toBeLessThan(bytes.length);
    expect(() => fv.io.loadTorchLegacy(evil, 'evil.pth')).toThrow(/^io\.loadTorchLegacy: evil\.pth: cannot read its object \(io\.loadTorchLegacy: evil\.pth: the pickle refers to os\.system, which a state dict of tensors does not use; only plain state dicts are read\)/);
  });
});
