// The attention step of the captioner (PAPERS.md §3): from h_{t−1} and the image's
// annotations, the context ẑ_t the LSTM and the deep output read.
//   soft:  e_ti = v_attᵀ tanh(W_a a_i + W_d h_{t−1} + b);  α_t = softmax_i(e_t);
//          ẑ_t = β_t Σ_i α_ti a_i,   β_t = σ(w_βᵀ h_{t−1} + b_β)       (the gating scalar)
//   hard:  s_t ~ Multinoulli(α_t);  ẑ_t = β_t a_{s_t}
//   none:  ẑ_t = ā (the mean-pooled baseline: no attention, no β)
// The paper's score bias c is left out: softmax_i(e_t + c) = softmax_i(e_t), so c would get
// exactly zero gradient and change nothing (softAttend's `bias` is there for who wants it).
// W_a a_i + b is computed once per image (`prepareAttention`), not once per word; the
// scores, α and Σ α a are fv.attention.softAttend.
// The paper writes ẑ_t = a_{s_t} for hard attention; the authors' code gates whichever
// context it has by β ("selector"), and foveate does the same so that the two modes
// differ only in how the location is chosen.
import { fail, fmtShape } from '../../errors.js';
import { rand, tensor } from '../../creation.js';
import { add, clamp, log, matmul, mean, mul, mulScalar, reshape, sigmoid, sum } from '../../ops/index.js';
import { softAttend } from '../../attention/index.js';
import { type Tensor } from '../../tensor.js';
import { type CaptionerConfig } from './config.js';

/** Weights by their dotted parameter names ("attentionProj.weight", "lstm.weightIh", …). */
export type CaptionerWeights = Record<string, Tensor>;

/** What the attention needs of one image batch, computed once per image. */
export interface PreparedAnnotations {
  /** a [B,L,D]. */
  annotations: Tensor;
  /** ā = mean_i a_i [B,D] (the init MLPs' input, and ẑ for no attention). */
  mean: Tensor;
  /** W_a a_i + b [B,L,A] (absent for no attention). */
  proj?: Tensor;
}

const linear = (w: CaptionerWeights, name: string, x: Tensor): Tensor => {
  const y = matmul(x, w[`${name}.weight`]!, { transB: true });
  const bias = w[`${name}.bias`];
  return bias ? add(y, bias) : y;
};

export function prepareAttention(c: CaptionerConfig, w: CaptionerWeights, annotations: Tensor): PreparedAnnotations {
  const [b, l, d] = annotations.shape as [number, number, number];
  const m = mean(annotations, 1);
  if (c.attention === 'none') return { annotations, mean: m };
  const proj = reshape(linear(w, 'attentionProj', reshape(annotations, [b * l, d])), [b, l, c.attentionSize]);
  return { annotations, mean: m, proj };
}

/** How the location is chosen this step. */
export type AttendHow =
  | { kind: 'expected' }
  /** Hard attention: s_t drawn from α_t (the seeded stream), or the given locations (tests). */
  | { kind: 'sample'; forced?: Int32Array };

export interface AttendResult {
  /** ẑ_t [B,D]. */
  context: Tensor;
  /** α_t [B,L] (absent for no attention). */
  alpha?: Tensor;
  /** Hard attention: the locations s_t [B], log α_{t,s_t} [B] and the entropy H(α_t) [B]. */
  samples?: Int32Array;
  logAlpha?: Tensor;
  entropy?: Tensor;
}

/** Draws s ~ Multinoulli(α) per row from uniforms u (inverse CDF). */
export function sampleLocations(alpha: Float64Array | Float32Array, u: Float32Array, b: number, l: number): Int32Array {
  const s = new Int32Array(b);
  for (let r = 0; r < b; r++) {
    let acc = 0;
    let i = 0;
    for (; i < l - 1; i++) {
      acc += alpha[r * l + i]!;
      if (u[r]! < acc) break;
    }
    s[r] = i;
  }
  return s;
}

/** One-hot rows [B,L] of the locations s, in the dtype of `like`. */
function oneHot(s: Int32Array, l: number, like: Tensor): Tensor {
  const data = like.dtype === 'float64' ? new Float64Array(s.length * l) : new Float32Array(s.length * l);
  s.forEach((i, r) => (data[r * l + i] = 1));
  return tensor(data, [s.length, l], { device: like.device });
}

/** The attention step from h_{t−1} [B,n]. */
export function attend(c: CaptionerConfig, w: CaptionerWeights, p: PreparedAnnotations, h: Tensor, how: AttendHow): AttendResult {
  if (c.attention === 'none' || p.proj === undefined) return { context: p.mean };
  const [b, l, d] = p.annotations.shape as [number, number, number];
  const hProj = matmul(h, w['attentionHidden.weight']!, { transB: true });
  const { context: expected, alpha } = softAttend(p.proj, hProj, w.attentionV!, p.annotations);
  let context = expected;
  let out: AttendResult = { context, alpha };
  if (how.kind === 'sample') {
    let s = how.forced;
    if (s === undefined) {
      const u = rand([b]);
      s = sampleLocations(alpha.dtype === 'float64' ? alpha.toFloat64Array() : alpha.toFloat32Array(), u.toFloat32Array(), b, l);
      u.dispose();
    } else if (s.length !== b || s.some((i) => !(i >= 0 && i < l))) {
      fail('Captioner', `forced locations must be ${b} integers in 0..${l - 1}, got [${[...s].join(',')}]`);
    }
    const hot = oneHot(s, l, alpha);
    context = reshape(matmul(reshape(hot, [b, 1, l]), p.annotations), [b, d]);
    // log p(s_t | ·) = log α_{t,s_t}: the picked α only, so no log of a vanishing α is taken.
    const logAlpha = log(sum(mul(alpha, hot), 1));
    // H(α_t) = −Σ_i α_ti log α_ti; the clamp keeps 0·log 0 at 0 (its gradient there is 0 too).
    const entropy = mulScalar(sum(mul(alpha, log(clamp(alpha, 1e-30, 1))), 1), -1);
    out = { context, alpha, samples: s, logAlpha, entropy };
  }
  if (c.selector) {
    // β_t = σ(w_βᵀ h_{t−1} + b_β) scales the context (PAPERS.md §3, gating scalar).
    const beta = sigmoid(linear(w, 'selector', h));
    out.context = mul(out.context, beta);
  }
  return out;
}

/** Checks annotations [B,L,D] against the config; the error names the caller and both shapes. */
export function checkAnnotations(op: string, c: CaptionerConfig, a: unknown, device: string): Tensor {
  const t = a as Tensor;
  if (typeof t !== 'object' || t === null || !Array.isArray((t as { shape?: unknown }).shape)) fail(op, `annotations must be a Tensor [batch, locations, ${c.annotationSize}], got ${String(a)}`);
  if (t.rank !== 3 || t.shape[2] !== c.annotationSize || t.shape[0]! < 1 || t.shape[1]! < 1) {
    fail(op, `annotations ${fmtShape(t.shape)} must be [batch, locations, ${c.annotationSize}] (annotationSize D = ${c.annotationSize})`);
  }
  if (t.dtype !== 'float32' && t.dtype !== 'float64') fail(op, `annotations must be float, got ${t.dtype}`);
  if (t.device !== device) fail(op, `annotations on ${t.device} but the model on ${device}`);
  return t;
}
