// Cluttered MNIST (PAPERS.md §1): shapes, range, determinism in (seed, index),
// the digit is there where the generator put it, the test set is fixed, bad options.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

describe('clutteredMnist', () => {
  it('makes [n,100,100] images in [0,1] with digit labels', () => {
    const set = fv.data.clutteredMnist({ size: 100, distractors: 8, crop: 8, split: 'train', seed: 3 });
    expect(set.count).toBe(Infinity);
    const b = set.batch(0, 16);
    expect(b.shape).toEqual([16, 100, 100]);
    expect(b.images.length).toBe(16 * 100 * 100);
    let max = 0;
    for (const v of b.images) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      max = Math.max(max, v);
    }
    expect(max).toBe(1);
    for (const l of b.labels) expect(l >= 0 && l <= 9).toBe(true);
    expect(new Set(b.labels).size).toBeGreaterThan(3);
  });

  it('image i depends only on (seed, i): batches agree wherever they overlap; seeds differ', () => {
    const set = fv.data.clutteredMnist({ split: 'train', seed: 5 });
    const a = set.batch(10, 4);
    const b = set.batch(12, 3);
    expect(Array.from(b.images.subarray(0, 2 * 10000))).toEqual(Array.from(a.images.subarray(2 * 10000, 4 * 10000)));
    expect(Array.from(b.labels.subarray(0, 2))).toEqual(Array.from(a.labels.subarray(2, 4)));
    const again = fv.data.clutteredMnist({ split: 'train', seed: 5 }).batch(10, 4);
    expect(Array.from(again.images)).toEqual(Array.from(a.images));
    const other = fv.data.clutteredMnist({ split: 'train', seed: 6 }).batch(10, 4);
    expect(Array.from(other.images)).not.toEqual(Array.from(a.images));
  });

  it('the test set is 10,000 fixed images of MNIST test digits under CLUTTERED_TEST_SEED', () => {
    const test = fv.data.clutteredMnist({ split: 'test' });
    expect(test.count).toBe(10000);
    expect(test.seed).toBe(fv.data.CLUTTERED_TEST_SEED);
    expect(fv.data.CLUTTERED_TEST_SEED).toBe(150204623);
    const b = test.batch(0, 8);
    // A pinned fingerprint: changing the generator changes the test set, and this test says so.
    expect(Array.from(b.labels)).toEqual([8, 6, 6, 2, 0, 0, 6, 6]);
    expect(b.images.reduce((s, v) => s + v, 0)).toBeCloseTo(1821.749, 2);
    expect(() => test.batch(9999, 2)).toThrow(/past the end of the 10000-image test set/);
    const last = test.batch(9999, 1);
    expect(last.shape).toEqual([1, 100, 100]);
  });

  it('without distractors the image is exactly one digit of the split, pasted whole', () => {
    const mn = fv.data.mnist({ split: 'test' });
    const b = fv.data.clutteredMnist({ split: 'test', distractors: 0, size: 40 }).batch(0, 3);
    for (let i = 0; i < 3; i++) {
      const img = b.images.subarray(i * 1600, (i + 1) * 1600);
      // Find the digit's 28×28 window: the tight bounding box of the ink fits in it.
      let [x0, y0, x1, y1] = [40, 40, -1, -1];
      for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) if (img[y * 40 + x]! > 0) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      expect(x1 - x0).toBeLessThan(28);
      expect(y1 - y0).toBeLessThan(28);
      // Some MNIST test digit of this label matches the ink exactly at some offset.
      let found = false;
      for (let k = 0; k < mn.shape[0] && !found; k++) {
        if (mn.labels[k] !== b.labels[i]) continue;
        const d = mn.images.subarray(k * 784, (k + 1) * 784);
        for (let oy = Math.max(0, y1 - 27); oy <= Math.min(y0, 12) && !found; oy++) {
          for (let ox = Math.max(0, x1 - 27); ox <= Math.min(x0, 12) && !found; ox++) {
            let ok = true;
            for (let y = 0; y < 28 && ok; y++) for (let x = 0; x < 28 && ok; x++) if (d[y * 28 + x] !== img[(oy + y) * 40 + ox + x]) ok = false;
            found = ok;
          }
        }
      }
      expect(found, `image ${i} is an MNIST test digit ${b.labels[i]}`).toBe(true);
    }
  });

  it('distractors add ink outside the digit; clipping keeps the sum at most 1', () => {
    const clean = fv.data.clutteredMnist({ split: 'valid', distractors: 0 }).batch(0, 20);
    const busy = fv.data.clutteredMnist({ split: 'valid', distractors: 8 }).batch(0, 20);
    const ink = (a: Float32Array): number => a.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
    expect(ink(busy.images)).toBeGreaterThan(ink(clean.images) + 20 * 8 * 5);
  });

  it('rejects bad options, naming them', () => {
    expect(() => fv.data.clutteredMnist({ split: 'dev' as 'test' })).toThrow(/clutteredMnist: split must be 'train', 'valid' or 'test', got "dev"/);
    expect(() => fv.data.clutteredMnist({ split: 'test', size: 20 })).toThrow(/size must be an integer ≥ 28, got 20/);
    expect(() => fv.data.clutteredMnist({ split: 'test', crop: 0 })).toThrow(/crop must be an integer ≥ 1, got 0/);
    expect(() => fv.data.clutteredMnist({ split: 'test', crop: 29 })).toThrow(/crop must be at most the digit size 28, got 29/);
    expect(() => fv.data.clutteredMnist({ split: 'test', distractors: -1 })).toThrow(/distractors must be an integer ≥ 0/);
    expect(() => fv.data.clutteredMnist({ split: 'train' }).batch(0, 0)).toThrow(/n must be an integer ≥ 1, got 0/);
  });
});
