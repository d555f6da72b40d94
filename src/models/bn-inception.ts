// BN-Inception (Ioffe & Szegedy 2015, appendix Figure 5; PAPERS.md §2):
// GoogLeNet with batch norm before every nonlinearity, no conv biases, the 5×5
// convolutions replaced by two stacked 3×3 ("double 3×3"), a separable conv1
// (depthwise 7×7/2 with depth multiplier 8, then 1×1 to 64), and stride-2
// modules 3c and 4e (stride in the 3×3 and in the second 3×3 of the double
// branch, pool branch a 3×3/2 max pool passed through). The table's branch
// columns give 608 channels after 4c/4d and 1056 after 4e, its output column
// 576 and 1024: `poolProjection4cd: 128` (default) follows the branch columns,
// 96 keeps the printed 576/1024 (as TF-slim does).
//
// Choices the table leaves open, as foveate makes them: 3×3/2 max pools use
// padding 1 (224 → 112 → 56 → 28 → 14 → 7, the table's sizes; the pool-through
// branch then always matches the stride-2 convs' size); the avg-pool branches
// are 3×3/1 with padding 1, counting the padding (Caffe's and PyTorch's
// default); the final 7×7 average pool is a global average pool (the same at
// 224×224, and any input size works); conv weights are He-normal. Options for
// the experiments: `batchNorm: false` (the Inception baseline: convs get biases
// instead), `activation: 'sigmoid'` (BN-x5-Sigmoid), `widthMultiplier` (every
// channel count scaled, for a narrower variant) and `inChannels` (1 for grey).
import { checkOptions } from '../options.js';
import { concat, avgPool2d, maxPool2d, reshape, relu, sigmoid } from '../ops/index.js';
import { fail, fmtShape } from '../errors.js';
import { full } from '../creation.js';
import { type DeviceName } from '../device.js';
import { BatchNorm2d, Conv2d, Linear, Module, init } from '../nn/index.js';
import { type Tensor, noGrad } from '../tensor.js';

export type Activation = 'relu' | 'sigmoid';

interface UnitOptions {
  batchNorm: boolean;
  activation: Activation;
  device?: DeviceName;
}

/** He-normal weights (std √(2/fanIn)); a bias, when there is one, starts at 0. */
function heInit(conv: Conv2d): Conv2d {
  noGrad(() => {
    const w = init.heNormal(conv.weight.shape, conv.weight.device);
    conv.weight.assign(w);
    w.dispose();
    if (conv.bias) {
      const z = full(conv.bias.shape, 0, { device: conv.bias.device });
      conv.bias.assign(z);
      z.dispose();
    }
  });
  return conv;
}

/** A unit's BN layer; a ReLU after it runs inside the same pass. */
function unitBatchNorm(channels: number, unit: UnitOptions): BatchNorm2d {
  return new BatchNorm2d(channels, { device: unit.device, activation: unit.activation === 'relu' ? 'relu' : undefined });
}

/** BN (with its fused ReLU) or the bare nonlinearity after a unit's convolution. */
function activate(z: Tensor, bn: BatchNorm2d | undefined, unit: UnitOptions): Tensor {
  if (bn?.activation === 'relu') return bn.forward(z);
  const n = bn ? bn.forward(z) : z;
  return unit.activation === 'relu' ? relu(n) : sigmoid(n);
}

/** conv → BN → nonlinearity (no conv bias); without BN: conv + bias → nonlinearity. */
export class ConvUnit extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d | undefined;

  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number,
    readonly unit: UnitOptions,
    options: { stride?: number; padding?: number } = {},
  ) {
    super();
    const { stride = 1, padding = (kernel - 1) / 2 } = options;
    this.conv = this.registerModule('conv', heInit(new Conv2d(inChannels, outChannels, kernel, { stride, padding, bias: !unit.batchNorm, device: unit.device })));
    this.bn = unit.batchNorm ? this.registerModule('bn', unitBatchNorm(outChannels, unit)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return activate(this.conv.forward(x), this.bn, this.unit);
  }
}

/** conv1: depthwise 7×7/2 (inChannels → 8·inChannels, one group per input channel), 1×1 → out, BN, nonlinearity. */
export class SeparableConvUnit extends Module {
  readonly depthwise: Conv2d;
  readonly pointwise: Conv2d;
  readonly bn: BatchNorm2d | undefined;

  constructor(
    inChannels: number,
    outChannels: number,
    readonly unit: UnitOptions,
    depthMultiplier = 8,
  ) {
    super();
    const mid = inChannels * depthMultiplier;
    this.depthwise = this.registerModule('depthwise', heInit(new Conv2d(inChannels, mid, 7, { stride: 2, padding: 3, groups: inChannels, bias: false, device: unit.device })));
    this.pointwise = this.registerModule('pointwise', heInit(new Conv2d(mid, outChannels, 1, { bias: !unit.batchNorm, device: unit.device })));
    this.bn = unit.batchNorm ? this.registerModule('bn', unitBatchNorm(outChannels, unit)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return activate(this.pointwise.forward(this.depthwise.forward(x)), this.bn, this.unit);
  }
}

/** One row of the Figure 5 table (channel counts before any width multiplier). */
export interface InceptionSpec {
  name: string;
  /** #1×1 (0: no 1×1 branch, the stride-2 modules). */
  c1: number;
  c3reduce: number;
  c3: number;
  d3reduce: number;
  d3: number;
  /** The pool branch: avg or max 3×3/1 then a 1×1 projection of `proj`; 'pass': 3×3/2 max pool through. */
  pool: 'avg' | 'max' | 'pass';
  proj: number;
  stride: 1 | 2;
}

/** The table's inception rows; 4c/4d's projection is `poolProjection4cd`. */
export function inceptionTable(poolProjection4cd: 128 | 96 = 128): InceptionSpec[] {
  const row = (name: string, c1: number, c3reduce: number, c3: number, d3reduce: number, d3: number, pool: InceptionSpec['pool'], proj: number): InceptionSpec => ({
    name,
    c1,
    c3reduce,
    c3,
    d3reduce,
    d3,
    pool,
    proj,
    stride: pool === 'pass' ? 2 : 1,
  });
  return [
    row('3a', 64, 64, 64, 64, 96, 'avg', 32),
    row('3b', 64, 64, 96, 64, 96, 'avg', 64),
    row('3c', 0, 128, 160, 64, 96, 'pass', 0),
    row('4a', 224, 64, 96, 96, 128, 'avg', 128),
    row('4b', 192, 96, 128, 96, 128, 'avg', 128),
    row('4c', 160, 128, 160, 128, 160, 'avg', poolProjection4cd),
    row('4d', 96, 128, 192, 160, 192, 'avg', poolProjection4cd),
    row('4e', 0, 128, 192, 192, 256, 'pass', 0),
    row('5a', 352, 192, 320, 160, 224, 'avg', 128),
    row('5b', 352, 192, 320, 192, 224, 'max', 128),
  ];
}

/** An inception module: the branches of one table row, concatenated on channels. */
export class InceptionModule extends Module {
  readonly outChannels: number;
  readonly b1: ConvUnit | undefined;
  readonly b3reduce: ConvUnit;
  readonly b3: ConvUnit;
  readonly d3reduce: ConvUnit;
  readonly d3a: ConvUnit;
  readonly d3b: ConvUnit;
  readonly proj: ConvUnit | undefined;

  constructor(
    readonly inChannels: number,
    readonly spec: InceptionSpec,
    unit: UnitOptions,
  ) {
    super();
    const s = spec.stride;
    this.b1 = spec.c1 > 0 ? this.registerModule('branch1x1', new ConvUnit(inChannels, spec.c1, 1, unit)) : undefined;
    this.b3reduce = this.registerModule('branch3x3_reduce', new ConvUnit(inChannels, spec.c3reduce, 1, unit));
    this.b3 = this.registerModule('branch3x3', new ConvUnit(spec.c3reduce, spec.c3, 3, unit, { stride: s }));
    this.d3reduce = this.registerModule('double3x3_reduce', new ConvUnit(inChannels, spec.d3reduce, 1, unit));
    this.d3a = this.registerModule('double3x3a', new ConvUnit(spec.d3reduce, spec.d3, 3, unit));
    this.d3b = this.registerModule('double3x3b', new ConvUnit(spec.d3, spec.d3, 3, unit, { stride: s }));
    this.proj = spec.pool === 'pass' ? undefined : this.registerModule('pool_proj', new ConvUnit(inChannels, spec.proj, 1, unit));
    this.outChannels = spec.c1 + spec.c3 + spec.d3 + (spec.pool === 'pass' ? inChannels : spec.proj);
  }

  forward(x: Tensor): Tensor {
    const { pool, stride } = this.spec;
    const parts: Tensor[] = [];
    if (this.b1) parts.push(this.b1.forward(x));
    parts.push(this.b3.forward(this.b3reduce.forward(x)));
    parts.push(this.d3b.forward(this.d3a.forward(this.d3reduce.forward(x))));
    if (pool === 'pass') parts.push(maxPool2d(x, { kernel: 3, stride, padding: 1 }));
    else {
      const p = pool === 'avg' ? avgPool2d(x, { kernel: 3, stride: 1, padding: 1 }) : maxPool2d(x, { kernel: 3, stride: 1, padding: 1 });
      parts.push(this.proj!.forward(p));
    }
    return concat(parts, 1);
  }
}

export interface BNInceptionOptions {
  numClasses: number;
  /** 4c/4d pool projection: 128 (the branch columns, default) or 96 (the printed 576/1024). */
  poolProjection4cd?: 128 | 96;
  /** Batch norm before every nonlinearity (default true); false: the Inception baseline with conv biases. */
  batchNorm?: boolean;
  /** 'relu' (default) or 'sigmoid' (BN-x5-Sigmoid). */
  activation?: Activation;
  /** Scales every channel count (rounded, at least 1; default 1): a narrower variant. */
  widthMultiplier?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  device?: DeviceName;
}

/** A stage of the network as the table lists it. */
export interface Stage {
  name: string;
  forward(x: Tensor): Tensor;
}

/**
 * BN-Inception: [N, inChannels, H, W] → [N, numClasses] logits (softmax in the loss).
 * @example
 * const net = fv.models.BNInception({ numClasses: 1000 }); // 224×224 → 7×7×1024 → 1000
 */
export class BNInception extends Module {
  readonly numClasses: number;
  readonly inChannels: number;
  readonly stages: Stage[];
  readonly fc: Linear;
  /** Channels after each stage, by stage name (the table's output column). */
  readonly channels: Record<string, number> = {};

  constructor(options: BNInceptionOptions) {
    super();
    const op = 'BNInception';
    checkOptions(op, options, ['numClasses', 'poolProjection4cd', 'batchNorm', 'activation', 'widthMultiplier', 'inChannels', 'device']);
    const { numClasses, poolProjection4cd = 128, batchNorm = true, activation = 'relu', widthMultiplier = 1, inChannels = 3, device } = options ?? ({} as BNInceptionOptions);
    if (!Number.isInteger(numClasses) || numClasses < 1) fail(op, `numClasses must be a positive integer, got ${String(numClasses)}`);
    if (poolProjection4cd !== 128 && poolProjection4cd !== 96) fail(op, `poolProjection4cd must be 128 or 96, got ${String(poolProjection4cd)}`);
    if (activation !== 'relu' && activation !== 'sigmoid') fail(op, `activation must be 'relu' or 'sigmoid', got ${String(activation)}`);
    if (!(widthMultiplier > 0 && Number.isFinite(widthMultiplier))) fail(op, `widthMultiplier must be positive, got ${widthMultiplier}`);
    if (!Number.isInteger(inChannels) || inChannels < 1) fail(op, `inChannels must be a positive integer, got ${inChannels}`);
    this.numClasses = numClasses;
    this.inChannels = inChannels;
    const unit: UnitOptions = { batchNorm, activation, device };
    const w = (c: number): number => (c === 0 ? 0 : Math.max(1, Math.round(c * widthMultiplier)));
    const stages: Stage[] = [];
    const add = <M extends Module & { forward(x: Tensor): Tensor }>(name: string, m: M, out: number): void => {
      this.registerModule(name, m);
      stages.push({ name, forward: (x) => m.forward(x) });
      this.channels[name] = out;
    };
    const pool = (name: string, out: number): void => {
      stages.push({ name, forward: (x) => maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }) });
      this.channels[name] = out;
    };
    add('conv1', new SeparableConvUnit(inChannels, w(64), unit), w(64));
    pool('pool1', w(64));
    add('conv2_reduce', new ConvUnit(w(64), w(64), 1, unit), w(64));
    add('conv2', new ConvUnit(w(64), w(192), 3, unit), w(192));
    pool('pool2', w(192));
    let c = w(192);
    for (const spec of inceptionTable(poolProjection4cd)) {
      const scaled: InceptionSpec = { ...spec, c1: w(spec.c1), c3reduce: w(spec.c3reduce), c3: w(spec.c3), d3reduce: w(spec.d3reduce), d3: w(spec.d3), proj: w(spec.proj) };
      const m = new InceptionModule(c, scaled, unit);
      add(`inception_${spec.name}`, m, m.outChannels);
      c = m.outChannels;
    }
    stages.push({ name: 'avgpool', forward: (x) => avgPool2d(x, { kernel: [x.shape[2]!, x.shape[3]!] }) });
    this.channels.avgpool = c;
    this.stages = stages;
    this.fc = this.registerModule('fc', new Linear(c, numClasses, { device }));
  }

  /** Runs the stages, calling `onStage` with each stage's output (e.g. to check shapes). */
  features(x: Tensor, onStage?: (name: string, y: Tensor) => void): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) fail('BNInception.forward', `x must be [N,${this.inChannels},H,W], got ${fmtShape(x.shape)}`);
    let h = x;
    for (const s of this.stages) {
      h = s.forward(h);
      onStage?.(s.name, h);
    }
    return h;
  }

  forward(x: Tensor): Tensor {
    const f = this.features(x);
    return this.fc.forward(reshape(f, [f.shape[0]!, f.shape[1]!]));
  }
}
