// The Batch Normalization experiments' commands end to end on small runs:
// `train bn-mnist` on real MNIST (both nets, figures, results.json, Algorithm 2
// inference) and `train bn-inception` on a small Fashion-MNIST-format set written
// here (the tests do not need Debian's dataset-fashion-mnist), plus the loader's
// error when the files are absent.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { trainBnMnistCommand, quantile } from '../../src/cli/train-bn-mnist.js';
import { stepsToReach } from '../../src/cli/common/curves.js';
import { trainBnInceptionCommand, padAndStandardise } from '../../src/cli/train-bn-inception.js';
import { type MetricRow } from '../../src/train/run-folder.js';

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A Fashion-MNIST-format folder: class k images are bright in row band k (learnable). */
function writeFakeFashion(dir: string, nTrain: number, nTest: number): void {
  const make = (n: number, seed: number): { img: Uint8Array; lab: Uint8Array } => {
    const img = new Uint8Array(n * 784);
    const lab = new Uint8Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      const k = i % 10;
      lab[i] = k;
      for (let p = 0; p < 784; p++) {
        s = (s * 1103515245 + 12345) >>> 0;
        const row = Math.floor(p / 28);
        img[i * 784 + p] = (row >= k * 2 + 4 && row < k * 2 + 6 ? 200 : 0) + (s % 40);
      }
    }
    return { img, lab };
  };
  for (const [name, n, seed] of [['train', nTrain, 1], ['t10k', nTest, 2]] as const) {
    const { img, lab } = make(n, seed);
    writeFileSync(join(dir, `${name}-images-idx3-ubyte.gz`), gzipSync(idx(fv.data.IDX_IMAGES, [n, 28, 28], img)));
    writeFileSync(join(dir, `${name}-labels-idx1-ubyte`), idx(fv.data.IDX_LABELS, [n], lab));
  }
}

describe('train bn-mnist (Fig 1)', () => {
  it('trains both nets on real MNIST and writes accuracy.svg, percentiles.svg and results.json with Algorithm 2 inference', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bn-mnist-'));
    await trainBnMnistCommand(['--steps', '60', '--eval-every', '20', '--out', out]);
    for (const f of ['accuracy.svg', 'percentiles.svg', 'results.json', 'plain/metrics.jsonl', 'bn/checkpoint.safetensors']) expect(existsSync(join(out, f)), f).toBe(true);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r.batchSize).toBe(60);
    expect(r.curves.plain.steps).toEqual([20, 40, 60]);
    expect(r.curves.bn.testAccuracy.length).toBe(3);
    // 60 steps of SGD at lr 0.5 already beat chance by far with BN.
    expect(r.bn.testAccuracy).toBeGreaterThan(0.5);
    expect(r.bn.inference.populationStatistics.trainingBatches).toBe(1000);
    expect(r.bn.inference.folded.maxAbsLogitDifference).toBeLessThan(1e-4);
    expect(r.bn.inference.folded.testAccuracy).toBeCloseTo(r.bn.inference.populationStatistics.testAccuracy, 3);
    expect(typeof r.comparison.plainFinalAccuracy).toBe('number');
    const svg = readFileSync(join(out, 'percentiles.svg'), 'utf8');
    expect(svg).toContain('with BN 15th');
    expect(svg).toContain('without BN 85th');
    const rows = readFileSync(join(out, 'bn/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const p = rows.filter((x) => 'p50' in x);
    expect(p.map((x) => x.step)).toEqual([20, 40, 60]);
    for (const x of p) expect(x.p15 <= x.p50 && x.p50 <= x.p85).toBe(true);
  });

  it('quantile interpolates as numpy and stepsToReach finds the first evaluation at the target', () => {
    const v = Float32Array.from([1, 2, 3, 4, 5]);
    expect(quantile(v, 0.5)).toBe(3);
    expect(quantile(v, 0.15)).toBeCloseTo(1.6, 6);
    expect(quantile(v, 0.85)).toBeCloseTo(4.4, 6);
    const rows: MetricRow[] = [{ step: 10, testAccuracy: 0.5 }, { step: 20, loss: 1 }, { step: 30, testAccuracy: 0.9 }, { step: 40, testAccuracy: 0.95 }];
    expect(stepsToReach(rows, 0.9)).toBe(30);
    expect(stepsToReach(rows, 0.99)).toBeNull();
  });

  it('rejects bad arguments with the flag named', async () => {
    await expect(trainBnMnistCommand(['--steps', '0'])).rejects.toThrow(/--steps must be an integer ≥ 1, got 0/);
    await expect(trainBnMnistCommand(['--nets', 'resnet'])).rejects.toThrow(/--nets takes plain and\/or bn, got resnet/);
  });
});

describe('Fashion-MNIST and train bn-inception', () => {
  it('the loader names the Debian package when the files are absent', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-fashion-'));
    expect(() => fv.data.fashionMnist({ split: 'train', dir: empty })).toThrow(
      /^fashionMnist: train-images-idx3-ubyte\(\.gz\) not found in .*: install Debian's package dataset-fashion-mnist \(apt-get install dataset-fashion-mnist\)/,
    );
    expect(() => fv.data.fashionMnist({ split: 'valid' as 'test', dir: empty })).toThrow(/split must be 'train' or 'test'/);
  });

  it('reads gzipped and plain IDX files from a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fashion-'));
    writeFakeFashion(dir, 20, 10);
    const ds = fv.data.fashionMnist({ split: 'train', dir });
    expect(ds.shape).toEqual([20, 28, 28]);
    expect(Array.from(ds.labels.subarray(0, 11))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    expect(Math.max(...ds.images)).toBeLessThanOrEqual(1);
  });

  it('padAndStandardise centres 28×28 in 32×32 and standardises', () => {
    const ds = { images: new Float32Array(784).fill(0.5), labels: new Int32Array([3]), shape: [1, 28, 28] as [number, number, number] };
    const p = padAndStandardise(ds, 32, 0.25, 0.5);
    expect(p.shape).toEqual([1, 32, 32]);
    expect(p.images[0]).toBeCloseTo(-0.5, 6); // a padded pixel is the standardised 0
    expect(p.images[2 * 32 + 2]).toBeCloseTo(0.5, 6); // the image starts at row 2, column 2
    expect(p.images[1 * 32 + 2]).toBeCloseTo(-0.5, 6);
  });

  it('runs the comparison on a small Fashion-MNIST-format set and reports steps to the Inception baseline’s best', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fashion-'));
    writeFakeFashion(dir, 96, 40);
    const out = mkdtempSync(join(tmpdir(), 'bn-inception-'));
    const before = process.env.FOVEATE_FASHION_MNIST_DIR;
    process.env.FOVEATE_FASHION_MNIST_DIR = dir;
    try {
      await trainBnInceptionCommand(['--steps', '4', '--eval-every', '2', '--width', '0.0625', '--configs', 'inception,bn-x5', '--out', out]);
    } finally {
      if (before === undefined) delete process.env.FOVEATE_FASHION_MNIST_DIR;
      else process.env.FOVEATE_FASHION_MNIST_DIR = before;
    }
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(Object.keys(r.configs)).toEqual(['inception', 'bn-x5']);
    expect(r.configs['bn-x5'].lr).toBeCloseTo(0.05, 10);
    expect(r.configs.inception.lr).toBeCloseTo(0.01, 10);
    expect(r.curves.inception.steps).toEqual([2, 4]);
    expect(r.comparison.byConfig.inception.stepsToInceptionBest).not.toBeNull();
    expect(existsSync(join(out, 'accuracy.svg'))).toBe(true);
    await expect(trainBnInceptionCommand(['--configs', 'vgg', '--out', out])).rejects.toThrow(/unknown config vgg/);
  });
});
