import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featureCache, featureFingerprint, type FeatureEncoder, type FeatureImages } from '../../src/data/captions/feature-cache.js';
import { tensor } from '../../src/creation.js';
import { pooledPixelEncoder } from '../../src/models/captioner/pixel-encoder.js';

const root = mkdtempSync(join(tmpdir(), 'fv-features-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const S = 8;
/** Image i: every pixel of channel c is (i + c) / 40 in the left half, 0 in the right. */
function pixels(i: number): Float32Array {
  const p = new Float32Array(3 * S * S);
  for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S / 2; x++) p[(c * S + y) * S + x] = (i + c) / 40;
  return p;
}

function images(n: number, calls: number[] = []): FeatureImages {
  return { keys: Array.from({ length: n }, (_, i) => `img${i}`), pixels: async (i) => (calls.push(i), pixels(i)) };
}

describe('feature cache', () => {
  it('computes each image once, stores [L, D] annotations in shards, and reads them back without encoding', async () => {
    const enc = pooledPixelEncoder({ size: S, grid: 2 });
    const calls: number[] = [];
    const progress: number[] = [];
    const dir = join(root, 'a');
    const c = await featureCache(dir, enc, images(7, calls), { batchSize: 2, shardSize: 3, onProgress: (d) => progress.push(d) });
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(progress).toEqual([3, 6, 7]);
    expect(c.shape).toEqual([4, 3]);
    expect(c.map).toEqual([3, 2, 2]);
    const files = readdirSync(c.dir).sort();
    expect(files).toEqual(['manifest.json', 'shard-00000.safetensors', 'shard-00001.safetensors', 'shard-00002.safetensors']);
    // Image 5, location 0 (top-left cell: the left half) channel 1: 2·(5+1)/40 − 1; location 1 (top-right): −1.
    const a = c.annotations([5, 0]);
    expect(a.shape).toEqual([2, 4, 3]);
    const v = a.toFloat32Array();
    expect(v[0 * 3 + 1]).toBeCloseTo((2 * 6) / 40 - 1, 6);
    expect(v[1 * 3 + 1]).toBeCloseTo(-1, 6);
    expect(v[12 + 0]).toBeCloseTo(-1, 6); // image 0 channel 0 is 0 everywhere
    a.dispose();
    const again: number[] = [];
    const c2 = await featureCache(dir, enc, images(7, again), { batchSize: 2, shardSize: 3 });
    expect(again).toEqual([]);
    expect(Array.from(c2.data)).toEqual(Array.from(c.data));
  });

  it('resumes an interrupted build at the first missing shard', async () => {
    const enc = pooledPixelEncoder({ size: S, grid: 2 });
    const dir = join(root, 'b');
    const failing: FeatureImages = { keys: images(6).keys, pixels: async (i) => { if (i === 4) throw new Error('disk gone'); return pixels(i); } };
    await expect(featureCache(dir, enc, failing, { shardSize: 2, batchSize: 2 })).rejects.toThrow(/disk gone/);
    const calls: number[] = [];
    const c = await featureCache(dir, enc, images(6, calls), { shardSize: 2, batchSize: 2 });
    expect(calls).toEqual([4, 5]);
    expect(c.count).toBe(6);
    // No temporaries or half shards left by the failure.
    expect(readdirSync(c.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('detects a stale cache: another image list, a changed file, another layer or size', () => {
    const enc = { name: 'e', layer: 'l', size: 8 };
    const dir = mkdtempSync(join(root, 'files-'));
    const f = join(dir, 'x.png');
    writeFileSync(f, 'abc');
    const fp = featureFingerprint(enc, { keys: ['x.png'], files: [f] });
    expect(featureFingerprint(enc, { keys: ['x.png', 'y.png'] })).not.toBe(fp);
    expect(featureFingerprint({ ...enc, layer: 'm' }, { keys: ['x.png'], files: [f] })).not.toBe(fp);
    expect(featureFingerprint({ ...enc, size: 16 }, { keys: ['x.png'], files: [f] })).not.toBe(fp);
    utimesSync(f, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(featureFingerprint(enc, { keys: ['x.png'], files: [f] })).not.toBe(fp);
  });

  it('refuses a shard of another cache and an encoder of the wrong output, naming the file', async () => {
    const enc = pooledPixelEncoder({ size: S, grid: 2 });
    const dir = join(root, 'c');
    const c = await featureCache(dir, enc, images(2), { shardSize: 1 });
    const other = await featureCache(join(root, 'd'), enc, { keys: ['p', 'q'], pixels: async (i) => pixels(i) }, { shardSize: 1 });
    // Put the other cache's shard 0 in place of this one's.
    writeFileSync(join(c.dir, 'shard-00000.safetensors'), readFileSync(join(other.dir, 'shard-00000.safetensors')));
    await expect(featureCache(dir, enc, images(2), { shardSize: 1 })).rejects.toThrow(/shard-00000\.safetensors does not belong to this cache/);
    const flat: FeatureEncoder = { name: 'flat', layer: 'x', size: S, encode: (x) => x.reshape([x.shape[0]!, 3 * S * S]) };
    await expect(featureCache(join(root, 'e'), flat, images(1))).rejects.toThrow(/must return features \[1,C,h,w\], got \[1,192\]/);
    const gray = tensor(new Float32Array(S * S), [1, 1, S, S]);
    expect(() => enc.encode(gray)).toThrow(/pooledPixelEncoder: images must be \[B,3,8,8\], got \[1,1,8,8\]/);
    gray.dispose();
    const wrongSize = pooledPixelEncoder({ size: 2 * S, grid: 2 });
    await expect(featureCache(join(root, 'f'), wrongSize, images(1))).rejects.toThrow(/image 0 has 192 values, the encoder pixels reads \[3,16,16\]/);
  });
});
