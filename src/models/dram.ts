// Differentiable RAM (PAPERS.md §1, DRAW's Table 1 and Fig 5): DRAW's read
// attention alone, classifying cluttered MNIST. An LSTM reads T glimpses of N×N
// through the Gaussian filterbank, the window of glimpse t emitted from h_{t−1}
// (the first from the initial state h_0 = 0, i.e. the attention head's bias),
// and a softmax on h_T classifies the image:
//   p_t = a · W_att h_{t−1} + b_att        (g̃X, g̃Y, log σ², log δ̃, log γ)
//   with g̃X, g̃Y → tanh(g̃X), tanh(g̃Y)    (boundedCentres: the grid's centre stays on the image)
//   r_t = γ · F_Y x F_Xᵀ                   (DRAW eq. 19–22, one N×N glimpse)
//   h_t = LSTM(h_{t−1}, r_t)
//   p(y | x) = softmax(W_cls h_T + b_cls)
// The gain a and the tanh are foveate's choices where the paper is silent (PAPERS.md:
// "tune what the paper leaves open"); runs of 1,300–3,000 steps at Adam 1e-3, batch 64:
//   plain linear head (a = 1), no tanh: the digit is localised by ~1,200 steps, then
//     the later glimpses leave the image (g̃ ≈ ±2–3), see nothing, get no gradient, and
//     the loss goes back to log 10;
//   a = 1 with tanh: the same collapse, the windows saturating in the corners;
//   a = 0.1: the windows hardly move in 2,000 steps;
//   a = 0.3 with tanh (the default): learns at ~1,700 steps (19% training error at 2,450)
//     and keeps learning; Adam's moves of the windows are a times as large, so momentum
//     no longer throws them into the corners when the attention gradient turns consistent.
//   (a = 1 with tanh at lr 3e-4 also learns, from ~2,100 steps.)
// Like DRAW the computation is one function of named weights (`dramRollout`), so
// the float32 model and the float64 gradcheck run the same code.
//
// The conv-net baseline of Table 1 ("two convolutional layers"; the paper gives no
// more): conv 5×5 16 → ReLU → max-pool 4 → conv 5×5 32 → ReLU → max-pool 4 → linear → 10.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { add, concat, crossEntropy, expand, lstmCell, matmul, mulScalar, reshape, slice, tanh } from '../ops/index.js';
import { type LstmState } from '../ops/lstm.js';
import { read as attnRead } from '../attention/index.js';
import { Conv2d, Flatten, Linear, LSTMCell, MaxPool2d, Module, ReLU, Sequential } from '../nn/index.js';
import { Tensor } from '../tensor.js';

/** The DRAM architecture (everything a checkpoint needs to rebuild it). */
export interface DramConfig {
  model: 'dram';
  /** Image width and height (pixels); 100×100 in the paper. */
  width: number;
  height: number;
  /** Glimpses T (4 or 8 in Table 1). */
  glimpses: number;
  /** The glimpse is readN × readN (12 in Table 3). */
  readN: number;
  /** LSTM units (256 in Table 3). */
  lstmSize: number;
  classes: number;
  /** The attention head's gain a: p = a·W h + b (0.3). */
  attentionGain: number;
  /** Whether the window centres pass through tanh, keeping them on the image (true). */
  boundedCentres: boolean;
}

/** The conv-net baseline's architecture. */
export interface ClutteredConvConfig {
  model: 'conv';
  width: number;
  height: number;
  classes: number;
}

export type ClutteredModelConfig = DramConfig | ClutteredConvConfig;

/** Table 3's DRAM row: 100×100, 8 glimpses of 12×12, 256 LSTM units. */
export const DRAM_DEFAULTS: DramConfig = { model: 'dram', width: 100, height: 100, glimpses: 8, readN: 12, lstmSize: 256, classes: 10, attentionGain: 0.3, boundedCentres: true };

/** Initial σ of the first glimpse (pixels): wide enough to blur the whole 100×100 image into 12×12. */
export const DRAM_INIT_SIGMA = 4.5;
/** Scale of the attention head's initial weights (so early windows stay near the first). */
export const DRAM_INIT_ATTENTION_SCALE = 0.1;

/** Validates a config (every field named in the error), returning a clean copy. */
export function checkClutteredConfig(op: string, c: unknown): ClutteredModelConfig {
  if (typeof c !== 'object' || c === null) fail(op, `config must be an object, got ${String(c)}`);
  const o = c as Record<string, unknown>;
  const int = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(op, `${k} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  // A checkpoint's config is read back through here: a key neither model has is refused, not dropped.
  checkOptions(op, o, o.model === 'conv' ? ['model', 'width', 'height', 'classes'] : ['model', 'width', 'height', 'glimpses', 'readN', 'lstmSize', 'classes', 'attentionGain', 'boundedCentres']);
  if (o.model === 'conv') {
    const r = { model: 'conv' as const, width: int('width'), height: int('height'), classes: int('classes') };
    if (r.width < 16 || r.height < 16) fail(op, `the conv net needs images of at least 16×16 (two 4× poolings), got ${r.width}×${r.height}`);
    return r;
  }
  if (o.model !== 'dram') fail(op, `model must be 'dram' or 'conv', got ${JSON.stringify(o.model)}`);
  const gain = o.attentionGain;
  if (typeof gain !== 'number' || !(gain > 0) || !Number.isFinite(gain)) fail(op, `attentionGain must be a positive number, got ${JSON.stringify(gain)}`);
  if (typeof o.boundedCentres !== 'boolean') fail(op, `boundedCentres must be true or false, got ${JSON.stringify(o.boundedCentres)}`);
  return { model: 'dram', width: int('width'), height: int('height'), glimpses: int('glimpses'), readN: int('readN'), lstmSize: int('lstmSize'), classes: int('classes'), attentionGain: gain, boundedCentres: o.boundedCentres };
}

/** Weights by their dotted parameter names ("lstm.weightIh", "readAttention.bias", …). */
export type DramWeights = Record<string, Tensor>;

export interface DramRollout {
  /** [batch, classes]: the logits of p(y | x) from h_T. */
  logits: Tensor;
  /** The T windows [batch, 5] as read (g̃X, g̃Y, log σ², log δ̃, log γ, centres after tanh), glimpse 1 first. */
  windows: Tensor[];
}

const linear = (w: DramWeights, name: string, x: Tensor): Tensor => add(matmul(x, w[`${name}.weight`]!, { transB: true }), w[`${name}.bias`]!);

/** The window read with from the head's output: the centres through tanh when bounded. */
function readWindow(c: DramConfig, p: Tensor): Tensor {
  if (!c.boundedCentres) return p;
  const b = p.shape[0]!;
  return concat([tanh(slice(p, [0, 0], [b, 2])), slice(p, [0, 2], [b, 5])], 1);
}

/** The attention head a·W h + b. */
const head = (c: DramConfig, w: DramWeights, h: Tensor): Tensor => {
  const wh = matmul(h, w['readAttention.weight']!, { transB: true });
  return add(c.attentionGain === 1 ? wh : mulScalar(wh, c.attentionGain), w['readAttention.bias']!);
};

/** The T glimpses and the class logits for x [batch, H, W] (values in [0, 1]). */
export function dramRollout(c: DramConfig, w: DramWeights, x: Tensor): DramRollout {
  const b = x.shape[0]!;
  const H = c.lstmSize;
  const zeros = (): Tensor => tensor(x.dtype === 'float64' ? new Float64Array(b * H) : new Float32Array(b * H), [b, H], { device: x.device });
  let s: LstmState = { h: zeros(), c: zeros() };
  // h_0 = 0, so the first window is the head's bias for every image.
  let window = readWindow(c, expand(reshape(w['readAttention.bias']!, [1, 5]), [b, 5]));
  const windows: Tensor[] = [];
  for (let t = 0; t < c.glimpses; t++) {
    windows.push(window);
    const r = reshape(attnRead(x, window, c.readN), [b, c.readN * c.readN]);
    s = lstmCell(r, s.h, s.c, w['lstm.weightIh']!, w['lstm.weightHh']!, w['lstm.biasIh'], w['lstm.biasHh']);
    if (t + 1 < c.glimpses) window = readWindow(c, head(c, w, s.h));
  }
  return { logits: linear(w, 'classifier', s.h), windows };
}

/** Mean cross-entropy (nats) of the labels under the rollout's softmax. */
export function dramLoss(c: DramConfig, w: DramWeights, x: Tensor, labels: Tensor): Tensor {
  return crossEntropy(dramRollout(c, w, x).logits, labels);
}

/** x [b,H,W] or [b,H·W] → [b,H,W], or a clear error naming the size the model takes. */
function toImages(op: string, c: ClutteredModelConfig, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) fail(op, `x must be a Tensor, got ${typeof x}`);
  const ok = (x.rank === 3 && x.shape[1] === c.height && x.shape[2] === c.width) || (x.rank === 2 && x.shape[1] === c.height * c.width) || (x.rank === 4 && x.shape[1] === 1 && x.shape[2] === c.height && x.shape[3] === c.width);
  if (!ok) fail(op, `images ${fmtShape(x.shape)} do not fit this model: it takes [batch,${c.height},${c.width}] (${c.width}×${c.height} images)`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') fail(op, `x must be float, got ${x.dtype}`);
  return x.rank === 3 ? x : reshape(x, [x.shape[0]!, c.height, c.width]);
}

/** A cluttered-MNIST classifier: forward(x [b,H,W]) → logits [b, classes]. */
export interface ClutteredClassifier extends Module {
  readonly config: ClutteredModelConfig;
  readonly device: DeviceName;
  forward(x: Tensor): Tensor;
}

/**
 * Differentiable RAM: DRAW's read attention as a classifier (Table 1).
 * @example
 * fv.seed(0);
 * const model = new fv.models.DRAM({ glimpses: 8, readN: 12, lstmSize: 256 });
 * const logits = model.forward(x);                     // x [64,100,100] → [64,10]
 * const loss = model.loss(x, labels);                   // mean cross-entropy, nats
 */
export class DRAM extends Module implements ClutteredClassifier {
  readonly config: DramConfig;
  readonly lstm: LSTMCell;
  readonly readAttention: Linear;
  readonly classifier: Linear;

  constructor(options: Partial<Omit<DramConfig, 'model'>> = {}, init: { device?: DeviceName } = {}) {
    super();
    // `model` is accepted so a DramConfig (e.g. another model's `config`) can be passed back in.
    checkOptions('DRAM', options, ['model', 'width', 'height', 'glimpses', 'readN', 'lstmSize', 'classes', 'attentionGain', 'boundedCentres']);
    const kind = (options as { model?: unknown }).model;
    if (kind !== undefined && kind !== 'dram') fail('DRAM', `model must be 'dram' when given, got ${JSON.stringify(kind)}`);
    checkOptions('DRAM', init, ['device']);
    for (const k of ['glimpses', 'readN', 'lstmSize', 'width', 'height', 'classes'] as const) {
      const v = options[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) fail('DRAM', `${k} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const c = checkClutteredConfig('DRAM', { ...DRAM_DEFAULTS, ...options, model: 'dram' }) as DramConfig;
    this.config = c;
    const device = init.device;
    this.lstm = this.registerModule('lstm', new LSTMCell(c.readN * c.readN, c.lstmSize, { device }));
    this.readAttention = this.registerModule('readAttention', new Linear(c.lstmSize, 5, { device }));
    this.classifier = this.registerModule('classifier', new Linear(c.lstmSize, c.classes, { device }));
    // Glimpse initialisation: the first window (the bias) covers the whole image —
    // centred (g̃ = 0), stride δ̃ = 1 so the N centres span the full width, σ = 4.5 px,
    // γ = 1 — and small head weights (0.1 × the default) keep the next windows near it
    // until they learn.
    const set = (p: Tensor, v: Float32Array): void => {
      const src = tensor(v, p.shape, { device });
      p.assign(src);
      src.dispose();
    };
    set(this.readAttention.bias!, Float32Array.from([0, 0, Math.log(DRAM_INIT_SIGMA ** 2), 0, 0]));
    set(this.readAttention.weight, Float32Array.from(this.readAttention.weight.toFloat32Array(), (v) => v * DRAM_INIT_ATTENTION_SCALE));
  }

  get device(): DeviceName {
    return this.lstm.weightIh.device;
  }

  weights(): DramWeights {
    return Object.fromEntries(this.namedParameters());
  }

  /** x [b,H,W] (or [b,H·W]) → logits [b, classes]. */
  forward(x: Tensor): Tensor {
    return dramRollout(this.config, this.weights(), this.images('DRAM.forward', x)).logits;
  }

  /** The logits and the T windows (for pictures). */
  rollout(x: Tensor): DramRollout {
    return dramRollout(this.config, this.weights(), this.images('DRAM.rollout', x));
  }

  /** Mean cross-entropy over the batch (nats). */
  loss(x: Tensor, labels: Tensor): Tensor {
    return dramLoss(this.config, this.weights(), this.images('DRAM.loss', x), labels);
  }

  private images(op: string, x: Tensor): Tensor {
    const img = toImages(op, this.config, x);
    if (img.device !== this.device) fail(op, `x on ${img.device} but the model on ${this.device}`);
    return img;
  }
}

/**
 * Table 1's conv-net baseline: conv 5×5 16 (pad 2) → ReLU → max-pool 4 → conv 5×5 32
 * (pad 2) → ReLU → max-pool 4 → linear (32·⌊⌊W/4⌋/4⌋·⌊⌊H/4⌋/4⌋ → 10).
 * @example const net = new fv.models.ClutteredConvNet(); net.forward(x) // x [64,100,100] → [64,10]
 */
export class ClutteredConvNet extends Module implements ClutteredClassifier {
  readonly config: ClutteredConvConfig;
  readonly net: Sequential;

  constructor(options: { width?: number; height?: number; classes?: number } = {}, init: { device?: DeviceName } = {}) {
    super();
    checkOptions('ClutteredConvNet', options, ['model', 'width', 'height', 'classes']);
    const kind = (options as { model?: unknown }).model;
    if (kind !== undefined && kind !== 'conv') fail('ClutteredConvNet', `model must be 'conv' when given, got ${JSON.stringify(kind)}`);
    checkOptions('ClutteredConvNet', init, ['device']);
    const c = checkClutteredConfig('ClutteredConvNet', { model: 'conv', width: 100, height: 100, classes: 10, ...options }) as ClutteredConvConfig;
    this.config = c;
    const device = init.device;
    const flat = 32 * Math.floor(Math.floor(c.width / 4) / 4) * Math.floor(Math.floor(c.height / 4) / 4);
    this.net = this.registerModule(
      'net',
      new Sequential(
        new Conv2d(1, 16, 5, { padding: 2, device }),
        new ReLU(),
        new MaxPool2d({ kernel: 4 }),
        new Conv2d(16, 32, 5, { padding: 2, device }),
        new ReLU(),
        new MaxPool2d({ kernel: 4 }),
        new Flatten(),
        new Linear(flat, c.classes, { device }),
      ),
    );
  }

  get device(): DeviceName {
    return (this.parameters()[0] as Tensor).device;
  }

  forward(x: Tensor): Tensor {
    const img = toImages('ClutteredConvNet.forward', this.config, x);
    return this.net.forward(reshape(img, [img.shape[0]!, 1, this.config.height, this.config.width])) as Tensor;
  }

  loss(x: Tensor, labels: Tensor): Tensor {
    return crossEntropy(this.forward(x), labels);
  }
}

/** Builds the model a config describes. */
export function clutteredModel(config: ClutteredModelConfig, init: { device?: DeviceName } = {}): DRAM | ClutteredConvNet {
  const c = checkClutteredConfig('clutteredModel', config);
  checkOptions('clutteredModel', init, ['device']);
  if (c.model === 'conv') {
    const { model: _m, ...conv } = c;
    return new ClutteredConvNet(conv, init);
  }
  const { model: _m, ...rest } = c;
  return new DRAM(rest, init);
}
