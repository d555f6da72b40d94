// DRAW, the Deep Recurrent Attentive Writer (PAPERS.md §1): an LSTM encoder
// reads the image (and the error image x − σ(c_{t−1})) through Gaussian attention,
// a diagonal-Gaussian latent z_t is sampled, an LSTM decoder writes an update onto
// a canvas; after T steps σ(c_T) are the Bernoulli means of the pixels.
//
// The loss is the variational bound L = L^x + L^z in nats per image:
//   L^x = −Σ_pixels [x log σ(c_T) + (1−x) log(1−σ(c_T))]   (bceWithLogits 'sum', from logits)
//   L^z = ½ Σ_t Σ_k (μ² + σ² − log σ² − 1)                 (exact KL, per dimension per step)
// averaged over the batch, one z sample per example, a fresh ε at every step.
//
// The computation is one function of named weights (`drawRollout`), so the same
// code runs the float32 model (the Module's parameters) and the float64 reference
// path that gradcheck uses (float64 copies passed in by name).
import { checkOptions } from '../options.js';
import { importanceLogWeights, iwaeNll } from './draw-iwae.js';
import { asOp, fail, fmtShape } from '../errors.js';
import { randn, tensor } from '../creation.js';
import { type DeviceName } from '../device.js';
import { keep, tidy } from '../memory.js';
import { getRngState, setRngState } from '../random.js';
import { add, addScalar, bceWithLogits, concat, exp, expand, matmul, mul, mulScalar, reshape, sigmoid, slice, square, sub, sum, lstmCell, lstmCellFromGates } from '../ops/index.js';
import { type LstmState } from '../ops/lstm.js';
import { checkProbabilities } from '../ops/losses.js';
import { read as attnRead, write as attnWrite } from '../attention/index.js';
import { Linear, LSTMCell, Module } from '../nn/index.js';
import { Tensor, noGrad } from '../tensor.js';

/** The architecture (everything a checkpoint needs to rebuild the model). */
export interface DrawConfig {
  /** Image width A and height B (pixels) and channels (1 gray, 3 RGB). */
  width: number;
  height: number;
  channels: 1 | 3;
  /** Glimpses / canvas updates T. */
  T: number;
  /** LSTM units of the encoder and the decoder. */
  encoderSize: number;
  decoderSize: number;
  /** Latent size per step. */
  zSize: number;
  /** Gaussian attention (true) or the whole image read and written (false). */
  attention: boolean;
  /** Read and write grids N×N (used when attention is true). */
  readN: number;
  writeN: number;
}

const mnistBase = { width: 28, height: 28, channels: 1, T: 64, encoderSize: 256, decoderSize: 256, zSize: 100, readN: 2, writeN: 5 } as const;

/**
 * Table 3 of the paper (PAPERS.md §1). `two-digits` (60×60, Fig 8) has no row in
 * Table 3: foveate uses the MNIST row. `svhn` (64×64 RGB crops) and `cifar`
 * (32×32 RGB) define the architectures; their data is not obtainable here.
 */
export const DRAW_PRESETS = {
  mnist: { ...mnistBase, attention: true },
  'mnist-noattn': { ...mnistBase, attention: false },
  'two-digits': { ...mnistBase, width: 60, height: 60, attention: true },
  svhn: { width: 64, height: 64, channels: 3, T: 32, encoderSize: 800, decoderSize: 800, zSize: 100, attention: true, readN: 12, writeN: 12 },
  cifar: { width: 32, height: 32, channels: 3, T: 64, encoderSize: 400, decoderSize: 400, zSize: 200, attention: true, readN: 5, writeN: 5 },
} as const satisfies Record<string, DrawConfig>;

export type DrawPreset = keyof typeof DRAW_PRESETS;

const CONFIG_KEYS = ['width', 'height', 'channels', 'T', 'encoderSize', 'decoderSize', 'zSize', 'attention', 'readN', 'writeN'] as const;

/** An evaluation's `limit` (images): undefined or a whole number (0 is then "no images to evaluate"). */
function checkEvalLimit(op: string, limit: unknown): void {
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)) fail(op, `limit must be a non-negative integer, got ${String(limit)}`);
}

/** Validates a config (every field named in the error), returning a clean copy. */
export function checkDrawConfig(op: string, c: unknown): DrawConfig {
  if (typeof c !== 'object' || c === null) fail(op, `config must be an object with ${CONFIG_KEYS.join(', ')}, got ${String(c)}`);
  checkOptions(op, c, CONFIG_KEYS);
  const o = c as Record<string, unknown>;
  const int = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(op, `config.${k} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const channels = int('channels');
  if (channels !== 1 && channels !== 3) fail(op, `config.channels must be 1 or 3, got ${channels}`);
  if (typeof o.attention !== 'boolean') fail(op, `config.attention must be true or false, got ${JSON.stringify(o.attention)}`);
  return {
    width: int('width'),
    height: int('height'),
    channels,
    T: int('T'),
    encoderSize: int('encoderSize'),
    decoderSize: int('decoderSize'),
    zSize: int('zSize'),
    attention: o.attention,
    readN: int('readN'),
    writeN: int('writeN'),
  };
}

/** The number of values one read gives: 2 glimpses (x and x̂) of C·N·N, or 2·C·H·W. */
function readSize(c: DrawConfig): number {
  return 2 * c.channels * (c.attention ? c.readN * c.readN : c.width * c.height);
}

/** Weights by their dotted parameter names ("encoder.weightIh", "writePatch.bias", …). */
export type DrawWeights = Record<string, Tensor>;

export interface RolloutResult {
  /** c_T, [batch, C·H·W]: the logits of the pixel means. */
  logits: Tensor;
  /** Σ over batch, steps and latent dimensions of (μ² + σ² − log σ² − 1)/2: a scalar. */
  klSum: Tensor;
  /** [T·batch, 2·zSize]: the latent heads [μ | log σ] of every step, step-major. */
  latents: Tensor;
}

const linear = (w: DrawWeights, name: string, x: Tensor): Tensor => add(matmul(x, w[`${name}.weight`]!, { transB: true }), w[`${name}.bias`]!);
const lstm = (w: DrawWeights, name: string, x: Tensor, s: LstmState): LstmState =>
  lstmCell(x, s.h, s.c, w[`${name}.weightIh`]!, w[`${name}.weightHh`]!, w[`${name}.biasIh`], w[`${name}.biasHh`]);

/** Zero LSTM state in the dtype and device of `like`. */
function zeroState(batch: number, size: number, like: Tensor): LstmState {
  const z = (): Tensor => tensor(like.dtype === 'float64' ? new Float64Array(batch * size) : new Float32Array(batch * size), [batch, size], { device: like.device });
  return { h: z(), c: z() };
}

/** The canvas update of one step from h_dec_t: [batch, C·H·W]. */
function writeStep(c: DrawConfig, w: DrawWeights, hDec: Tensor): Tensor {
  const b = hDec.shape[0]!;
  const patch = linear(w, 'writePatch', hDec);
  if (!c.attention) return patch;
  const params = linear(w, 'writeAttention', hDec);
  const N = c.writeN;
  const shaped = reshape(patch, c.channels === 1 ? [b, N, N] : [b, c.channels, N, N]);
  return reshape(attnWrite(shaped, params, c.height, c.width), [b, c.channels * c.height * c.width]);
}

/**
 * One pass of DRAW over x [batch, C·H·W] (values in [0, 1]) with the noise ε_t of
 * step t from `noise(t)` ([batch, zSize], same dtype as x). Returns c_T and the
 * summed KL; the per-image loss is (bceWithLogits(c_T, x, 'sum') + klSum) / batch.
 *
 * The same model as the step-by-step equations, arranged for fewer ops: the two
 * LSTM biases are added once per pass; the three linear maps of h_dec (write
 * patch, write window, and the next step's read window — read at t+1 uses
 * h_dec_t) are one GEMM; without attention the encoder's term of the constant
 * image x is one GEMM per pass; the KL is summed once over all steps.
 */
export function drawRollout(c: DrawConfig, w: DrawWeights, x: Tensor, noise: (t: number) => Tensor): RolloutResult {
  const b = x.shape[0]!;
  const [C, H, W] = [c.channels, c.height, c.width];
  const P = C * H * W;
  const z = c.zSize;
  const encBias = add(w['encoder.biasIh']!, w['encoder.biasHh']!);
  const decBias = add(w['decoder.biasIh']!, w['decoder.biasHh']!);
  const [encWih, encWhh, decWih, decWhh] = [w['encoder.weightIh']!, w['encoder.weightHh']!, w['decoder.weightIh']!, w['decoder.weightHh']!];
  // Heads of h_dec: [write patch | write window (5) | read window (5)].
  const patchSize = c.channels * (c.attention ? c.writeN * c.writeN : H * W);
  const headW = c.attention ? concat([w['writePatch.weight']!, w['writeAttention.weight']!, w['readAttention.weight']!], 0) : w['writePatch.weight']!;
  const headB = c.attention ? concat([w['writePatch.bias']!, w['writeAttention.bias']!, w['readAttention.bias']!], 0) : w['writePatch.bias']!;
  // Without attention the encoder reads [x, x̂, h_dec]: x's term is the same at every step.
  const xTerm = c.attention ? undefined : matmul(x, slice(encWih, [0, 0], [4 * c.encoderSize, P]), { transB: true });
  const encWrest = c.attention ? encWih : slice(encWih, [0, P], [4 * c.encoderSize, 2 * P + c.decoderSize]);
  let enc = zeroState(b, c.encoderSize, x);
  let dec = zeroState(b, c.decoderSize, x);
  let readParams = c.attention ? slice(headB, [patchSize + 5], [patchSize + 10]) : undefined; // h_dec_0 = 0
  if (readParams) readParams = expand(reshape(readParams, [1, 5]), [b, 5]);
  let canvas: Tensor | undefined; // c_0 = 0
  const latents: Tensor[] = [];
  const xImg = reshape(x, [b, C, H, W]);
  for (let t = 0; t < c.T; t++) {
    const xHat = canvas ? sub(x, sigmoid(canvas)) : addScalar(x, -0.5); // σ(0) = ½
    let gx: Tensor;
    if (c.attention) {
      // One read call on [x, x̂] stacked as channels: [b, 2C, N, N].
      const both = concat([xImg, reshape(xHat, [b, C, H, W])], 1);
      const r = reshape(attnRead(both, readParams!, c.readN), [b, 2 * C * c.readN * c.readN]);
      gx = matmul(concat([r, dec.h], 1), encWrest, { transB: true });
    } else {
      gx = add(xTerm!, matmul(concat([xHat, dec.h], 1), encWrest, { transB: true }));
    }
    enc = lstmCellFromGates(gx, matmul(enc.h, encWhh, { transB: true }), encBias, enc.c);
    const latent = linear(w, 'latent', enc.h); // [μ | log σ]
    latents.push(latent);
    const mu = slice(latent, [0, 0], [b, z]);
    const sigma = exp(slice(latent, [0, z], [b, 2 * z]));
    const zt = add(mu, mul(sigma, noise(t)));
    dec = lstmCellFromGates(matmul(zt, decWih, { transB: true }), matmul(dec.h, decWhh, { transB: true }), decBias, dec.c);
    const heads = add(matmul(dec.h, headW, { transB: true }), headB);
    let update: Tensor;
    if (c.attention) {
      const N = c.writeN;
      const patch = reshape(slice(heads, [0, 0], [b, patchSize]), C === 1 ? [b, N, N] : [b, C, N, N]);
      const writeParams = slice(heads, [0, patchSize], [b, patchSize + 5]);
      update = reshape(attnWrite(patch, writeParams, H, W), [b, P]);
      if (t + 1 < c.T) readParams = slice(heads, [0, patchSize + 5], [b, patchSize + 10]);
    } else update = heads;
    canvas = canvas ? add(canvas, update) : update;
  }
  // KL = ½ Σ_t Σ_k (μ² + σ² − log σ² − 1) over all steps at once.
  const all = concat(latents, 0);
  const mu = slice(all, [0, 0], [c.T * b, z]);
  const logSigma = slice(all, [0, z], [c.T * b, 2 * z]);
  const terms = sub(add(sum(square(mu)), sum(exp(mulScalar(logSigma, 2)))), mulScalar(sum(logSigma), 2));
  const klSum = mulScalar(addScalar(terms, -c.T * b * z), 0.5);
  return { logits: canvas!, klSum, latents: all };
}

/** The batch-mean bound and its two parts, from one rollout. */
export interface DrawLoss {
  /** (L^x + L^z) averaged over the batch: the quantity to minimise (scalar tensor). */
  loss: Tensor;
  /** Σ L^x and Σ L^z over the batch (scalar tensors). */
  lxSum: Tensor;
  lzSum: Tensor;
}

export function drawLoss(c: DrawConfig, w: DrawWeights, x: Tensor, noise: (t: number) => Tensor): DrawLoss {
  const { logits, klSum } = drawRollout(c, w, x, noise);
  const lxSum = bceWithLogits(logits, x, { reduction: 'sum' });
  return { loss: mulScalar(add(lxSum, klSum), 1 / x.shape[0]!), lxSum, lzSum: klSum };
}

/** One step of generation: σ(c_t) and, with attention, the write window in pixels. */
export interface GenerationSequence {
  /** T frames, each n·C·H·W values σ(c̃_t) in [0, 1] (t = 1..T). */
  canvases: Float32Array[];
  /**
   * T frames, each n windows {x0, y0, x1, y1} in 0-based pixel coordinates: the
   * span of the write filters' centres (gX, gY ± (N−1)/2·δ) and σ; empty without attention.
   */
  windows: { x0: number; y0: number; x1: number; y1: number; sigma: number }[][];
}

/** Write-window geometry from the five raw numbers (PAPERS.md §1, 1-based centres). */
export function attentionWindow(p: ArrayLike<number>, N: number, A: number, B: number): { x0: number; y0: number; x1: number; y1: number; sigma: number } {
  const gX = ((A + 1) / 2) * (p[0]! + 1);
  const gY = ((B + 1) / 2) * (p[1]! + 1);
  const sigma = Math.sqrt(Math.exp(p[2]!));
  const delta = ((Math.max(A, B) - 1) / Math.max(N - 1, 1)) * Math.exp(p[3]!);
  const half = ((N - 1) / 2) * delta;
  // 1-based centres → 0-based pixel coordinates.
  return { x0: gX - 1 - half, y0: gY - 1 - half, x1: gX - 1 + half, y1: gY - 1 + half, sigma };
}

export interface DrawOptions {
  device?: DeviceName;
}

/** A dataset of images: shape [n, H, W] or [n, C, H, W], values in [0, 1]. */
export interface ImageSet {
  images: Float32Array;
  shape: readonly number[];
}

/**
 * DRAW with or without attention.
 * @example
 * fv.seed(0);
 * const model = new fv.models.DRAW('mnist');             // Table 3: T 64, 256 units, z 100, read 2×2, write 5×5
 * const { loss } = model.loss(x);                           // x [64,28,28] binarised → nats per image
 * const { canvases } = model.generate(16);                  // σ(c_t), t = 1..64
 */
export class DRAW extends Module {
  readonly config: DrawConfig;
  readonly encoder: LSTMCell;
  readonly decoder: LSTMCell;
  readonly latent: Linear;
  readonly writePatch: Linear;
  readonly readAttention: Linear | undefined;
  readonly writeAttention: Linear | undefined;

  constructor(config: DrawConfig | DrawPreset, options: DrawOptions = {}) {
    super();
    checkOptions('DRAW', options, ['device']);
    if (typeof config === 'string' && !(config in DRAW_PRESETS)) fail('DRAW', `unknown preset '${config}', expected one of: ${Object.keys(DRAW_PRESETS).join(', ')}`);
    const c = checkDrawConfig('DRAW', typeof config === 'string' ? DRAW_PRESETS[config] : config);
    this.config = c;
    const device = options.device;
    // Sizes the config allows may still be too big to allocate: say so as DRAW, naming the part.
    const part = <M extends Module>(name: string, make: () => M): M => this.registerModule(name, asOp('DRAW', make, name));
    this.encoder = part('encoder', () => new LSTMCell(readSize(c) + c.decoderSize, c.encoderSize, { device }));
    this.latent = part('latent', () => new Linear(c.encoderSize, 2 * c.zSize, { device }));
    this.decoder = part('decoder', () => new LSTMCell(c.zSize, c.decoderSize, { device }));
    const patch = c.channels * (c.attention ? c.writeN * c.writeN : c.width * c.height);
    this.writePatch = part('writePatch', () => new Linear(c.decoderSize, patch, { device }));
    if (c.attention) {
      this.readAttention = part('readAttention', () => new Linear(c.decoderSize, 5, { device }));
      this.writeAttention = part('writeAttention', () => new Linear(c.decoderSize, 5, { device }));
    }
  }

  get device(): DeviceName {
    return this.encoder.weightIh.device;
  }

  /** The parameters by name (the rollout's weights). */
  weights(): DrawWeights {
    return Object.fromEntries(this.namedParameters());
  }

  /** x [b,H,W] / [b,C,H,W] / [b,C·H·W] → [b, C·H·W], or a clear error naming the expected size. */
  flatten(op: string, x: Tensor): Tensor {
    const { channels: C, height: H, width: W } = this.config;
    if (!(x instanceof Tensor)) fail(op, `x must be a Tensor, got ${typeof x}`);
    const per = x.shape.slice(1).reduce((a, d) => a * d, 1);
    const okShape =
      (x.rank === 2 && per === C * H * W) ||
      (x.rank === 3 && C === 1 && x.shape[1] === H && x.shape[2] === W) ||
      (x.rank === 4 && x.shape[1] === C && x.shape[2] === H && x.shape[3] === W);
    if (!okShape) {
      fail(op, `images ${fmtShape(x.shape)} do not fit this model: it takes ${C === 1 ? `[batch,${H},${W}] or ` : ''}[batch,${C},${H},${W}] (${W}×${H}${C === 3 ? ' RGB' : ''})`);
    }
    if (x.dtype !== 'float32' && x.dtype !== 'float64') fail(op, `x must be float, got ${x.dtype}`);
    if (x.device !== this.device) fail(op, `x on ${x.device} but the model on ${this.device}`);
    return x.rank === 2 ? x : reshape(x, [x.shape[0]!, C * H * W]);
  }

  /** The rollout on a batch, with ε drawn from the global seeded stream. */
  forward(x: Tensor): RolloutResult {
    const flat = this.flatten('DRAW.forward', x);
    const b = flat.shape[0]!;
    return asOp('DRAW.forward', () => drawRollout(this.config, this.weights(), flat, () => randn([b, this.config.zSize], { device: this.device })));
  }

  /** The bound (nats per image, batch mean) and its parts. */
  loss(x: Tensor): DrawLoss {
    const flat = this.flatten('DRAW.loss', x);
    // The likelihood is Bernoulli per pixel (binarised or [0,1] intensities).
    checkProbabilities('DRAW.loss', 'pixels of x', flat);
    const b = flat.shape[0]!;
    return asOp('DRAW.loss', () => drawLoss(this.config, this.weights(), flat, () => randn([b, this.config.zSize], { device: this.device })));
  }

  /**
   * Generates n images: z̃_t ~ N(0, I) from the global stream, σ(c̃_t) for every t
   * and the write windows. No graph.
   */
  generate(n: number): GenerationSequence {
    if (!Number.isSafeInteger(n) || n < 1) fail('DRAW.generate', `n must be a positive integer, got ${String(n)}`);
    return asOp('DRAW.generate', () => this.#generate(n));
  }

  #generate(n: number): GenerationSequence {
    const c = this.config;
    const w = this.weights();
    const canvases: Float32Array[] = [];
    const windows: GenerationSequence['windows'] = [];
    noGrad(() =>
      tidy(() => {
        let dec = zeroState(n, c.decoderSize, this.encoder.weightIh);
        let canvas: Tensor | undefined;
        for (let t = 0; t < c.T; t++) {
          const next = tidy(() => {
            const d = lstm(w, 'decoder', randn([n, c.zSize], { device: this.device }), dec);
            const upd = writeStep(c, w, d.h);
            const cv = canvas ? add(canvas, upd) : upd;
            canvases.push(sigmoid(cv).toFloat32Array());
            if (c.attention) {
              const p = linear(w, 'writeAttention', d.h).toFloat32Array();
              windows.push(Array.from({ length: n }, (_, i) => attentionWindow(p.subarray(i * 5, i * 5 + 5), c.writeN, c.width, c.height)));
            } else windows.push([]);
            return { h: keep(d.h), c: keep(d.c), cv: keep(cv) };
          });
          for (const s of [dec.h, dec.c, canvas]) s?.dispose();
          dec = { h: next.h, c: next.c };
          canvas = next.cv;
        }
        for (const s of [dec.h, dec.c, canvas]) s?.dispose();
      }),
    );
    return { canvases, windows };
  }

  /**
   * The variational bound on −log p(x) in nats per image over a dataset: the mean
   * of L^x + L^z with one z sample per example, eval mode, no graph. The noise
   * comes from its own Philox stream (`seed`, default 0), so evaluating does not
   * move the training stream and the same weights give the same number.
   */
  nllBound(data: ImageSet, options: { batchSize?: number; seed?: number; limit?: number } = {}): { nll: number; lx: number; lz: number } {
    const op = 'DRAW.nllBound';
    checkOptions(op, options, ['batchSize', 'seed', 'limit']);
    const { batchSize = 500, seed = 0 } = options;
    // batchSize 0 would loop forever; an empty set would average over nothing (NaN).
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${String(batchSize)}`);
    checkEvalLimit(op, options.limit);
    if (!(data?.images instanceof Float32Array) || !Array.isArray(data.shape)) fail(op, 'data must have images (Float32Array) and shape [n, ...]');
    const { channels: C, height: H, width: W } = this.config;
    const per = C * H * W;
    const n = Math.min(data.shape[0]!, options.limit ?? Infinity);
    if (!(n >= 1)) fail(op, `no images to evaluate (dataset ${fmtShape(data.shape)}, limit ${String(options.limit)})`);
    const inner = data.shape.slice(1).reduce((a, d) => a * d, 1);
    if (inner !== per || data.images.length < n * per) fail(op, `dataset images ${fmtShape(data.shape)} do not fit this model's ${C}×${H}×${W} images`);
    const saved = getRngState();
    const wasTraining = this.training;
    this.eval();
    setRngState({ seed, offset: 0 });
    let lx = 0;
    let lz = 0;
    try {
      for (let s = 0; s < n; s += batchSize) {
        const b = Math.min(batchSize, n - s);
        const [a, z] = noGrad(() =>
          tidy(() => {
            const x = tensor(data.images.subarray(s * per, (s + b) * per), [b, per], { device: this.device });
            const r = this.loss(x);
            return [r.lxSum.item(), r.lzSum.item()];
          }),
        );
        lx += a!;
        lz += z!;
      }
    } finally {
      setRngState(saved);
      this.train(wasTraining);
    }
    return { nll: (lx + lz) / n, lx: lx / n, lz: lz / n };
  }

  /**
   * The importance-weighted bound on −log p(x) (IWAE, K = `samples` rollouts per
   * image; `draw-iwae.ts`), nats per image, eval mode, no graph, its own noise
   * stream (`seed`). It is never looser than the one-sample bound and tightens as
   * K grows. For K = 1 it is the one-sample bound, computed as `nllBound` computes it
   * (exact KL, lower variance), so the two agree exactly.
   *
   * const { nll, iwae } = model.iwaeBound(test, { samples: 50 });
   */
  iwaeBound(data: ImageSet, options: { samples?: number; batchSize?: number; seed?: number; limit?: number } = {}): { iwae: number; samples: number; images: number } {
    const op = 'DRAW.iwaeBound';
    checkOptions(op, options, ['samples', 'batchSize', 'seed', 'limit']);
    const { samples: K = 1, batchSize = 500, seed = 0 } = options;
    if (!Number.isSafeInteger(K) || K < 1) fail(op, `samples must be a positive integer, got ${String(K)}`);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${String(batchSize)}`);
    checkEvalLimit(op, options.limit);
    if (!(data?.images instanceof Float32Array) || !Array.isArray(data.shape)) fail(op, 'data must have images (Float32Array) and shape [n, ...]');
    const n = Math.min(data.shape[0]!, options.limit ?? Infinity);
    if (!(n >= 1)) fail(op, `no images to evaluate (dataset ${fmtShape(data.shape)}, limit ${String(options.limit)})`);
    const bound = { samples: K, images: n };
    if (K === 1) return { iwae: this.nllBound(data, { batchSize, seed, limit: n }).nll, ...bound };
    const c = this.config;
    const per = c.channels * c.height * c.width;
    if (data.shape.slice(1).reduce((a, d) => a * d, 1) !== per || data.images.length < n * per) fail(op, `dataset images ${fmtShape(data.shape)} do not fit this model's ${c.channels}×${c.height}×${c.width} images`);
    const saved = getRngState();
    const wasTraining = this.training;
    this.eval();
    setRngState({ seed, offset: 0 });
    let total = 0;
    try {
      // Fewer images per rollout as K grows, so the K rollouts of a batch stay in memory.
      const b0 = Math.max(1, Math.floor(batchSize / Math.min(K, 8)));
      for (let s = 0; s < n; s += b0) {
        const b = Math.min(b0, n - s);
        const xs = data.images.subarray(s * per, (s + b) * per);
        const rows: Float64Array[] = [];
        for (let k = 0; k < K; k++) {
          rows.push(
            noGrad(() =>
              tidy(() => {
                const x = tensor(xs, [b, per], { device: this.device });
                const noise: Float32Array[] = [];
                const r = drawRollout(c, this.weights(), x, () => {
                  const e = randn([b, c.zSize], { device: this.device });
                  noise.push(e.toFloat32Array());
                  return e;
                });
                const flatNoise = new Float32Array(c.T * b * c.zSize);
                noise.forEach((e, t) => flatNoise.set(e, t * b * c.zSize));
                return importanceLogWeights(xs, { logits: r.logits.toFloat32Array(), latents: r.latents.toFloat32Array(), noise: flatNoise }, b, c.T, c.zSize);
              }),
            ),
          );
        }
        for (const v of iwaeNll(rows)) total += v;
      }
    } finally {
      setRngState(saved);
      this.train(wasTraining);
    }
    return { iwae: total / n, ...bound };
  }
}
