// Optimiser updates straight from PyTorch's single-tensor formulas
// (torch/optim/sgd.py, rmsprop.py, adam.py), one element at a time. Each
// returns new arrays; nothing is updated in place.
//
// `float32: true` rounds after every operation and fuses a multiply-add
// exactly where PyTorch's vectorised CPU kernels do (add with alpha, addcmul,
// lerp): a replay of torch.optim's float32 arithmetic, which the CPU kernels
// equal bit for bit. The default (float64) is the plain definition the kernels
// are held to within a tolerance.

/** Rounding after each operation and a fused multiply-add. */
interface Arith {
  r: (v: number) => number;
  fma: (a: number, b: number, c: number) => number;
}

const F64: Arith = { r: (v) => v, fma: (a, b, c) => a * b + c };

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/**
 * fma(a, b, c) of float32 values rounded once to float32: a·b is exact in
 * float64; the sum is rounded to odd in float64 (TwoSum gives its error), and
 * round-to-odd at 53 bits then round-to-nearest at 24 bits is exact rounding.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const v = s - p;
  const e = p - (s - v) + (c - v);
  if (e === 0 || !Number.isFinite(s)) return Math.fround(s);
  bits[0] = s;
  if ((word[0]! & 1n) === 0n) word[0] = word[0]! + ((e > 0) === (s > 0) ? 1n : -1n);
  return Math.fround(bits[0]);
}

const F32: Arith = { r: Math.fround, fma: fmaF32 };
const arith = (float32: boolean | undefined): Arith => (float32 ? F32 : F64);

export interface SgdRefOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  /** The momentum buffer is new this step (it becomes the gradient). */
  first?: boolean;
  float32?: boolean;
}

export interface RmsPropRefOptions {
  lr: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  float32?: boolean;
}

export interface AdamRefOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** This step's number, from 1. */
  step: number;
  float32?: boolean;
}

/** torch.lerp: a + w(b − a) for |w| < 0.5, else b − (b − a)(1 − w) = b + (w − 1)(b − a). */
function lerp(a: number, b: number, w: number, { r, fma }: Arith): number {
  return Math.abs(w) < 0.5 ? fma(w, r(b - a), a) : fma(r(w - 1), r(b - a), b);
}

/** g + wd·p (L2 weight decay folded into the gradient: grad.add(param, alpha=wd)). */
function decayed(g: number, p: number, wd: number, { fma }: Arith): number {
  return wd !== 0 ? fma(p, wd, g) : g;
}

export function sgdStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  buf: ArrayLike<number> | undefined,
  o: SgdRefOptions,
): { param: Float64Array; buf: Float64Array | undefined } {
  const A = arith(o.float32);
  const { r, fma } = A;
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, first = false } = o;
  const [negLr, mom, oneMinusDamp, wd] = [-lr, momentum, 1 - dampening, weightDecay].map(r) as [number, number, number, number];
  const p = Float64Array.from(param);
  const b = buf === undefined ? undefined : Float64Array.from(buf);
  for (let i = 0; i < p.length; i++) {
    let d = decayed(grad[i]!, p[i]!, wd, A);
    if (b !== undefined) {
      b[i] = first ? d : fma(d, oneMinusDamp, r(b[i]! * mom));
      d = nesterov ? fma(b[i]!, mom, d) : b[i]!;
    }
    p[i] = fma(d, negLr, p[i]!);
  }
  return { param: p, buf: b };
}

export function rmspropStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  squareAvg: ArrayLike<number>,
  gradAvg: ArrayLike<number> | undefined,
  buf: ArrayLike<number> | undefined,
  o: RmsPropRefOptions,
): { param: Float64Array; squareAvg: Float64Array; gradAvg: Float64Array | undefined; buf: Float64Array | undefined } {
  const A = arith(o.float32);
  const { r, fma } = A;
  const { lr, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0 } = o;
  const [negLr, a, oneMinusA, e, wd, mom] = [-lr, alpha, 1 - alpha, eps, weightDecay, momentum].map(r) as number[] as [number, number, number, number, number, number];
  const p = Float64Array.from(param);
  const sq = Float64Array.from(squareAvg);
  const ga = gradAvg === undefined ? undefined : Float64Array.from(gradAvg);
  const b = buf === undefined ? undefined : Float64Array.from(buf);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(grad[i]!, p[i]!, wd, A);
    sq[i] = fma(r(oneMinusA * d), d, r(sq[i]! * a));
    let avg: number;
    if (ga !== undefined) {
      ga[i] = lerp(ga[i]!, d, oneMinusA, A);
      avg = r(r(Math.sqrt(fma(-ga[i]!, ga[i]!, sq[i]!))) + e);
    } else {
      avg = r(r(Math.sqrt(sq[i]!)) + e);
    }
    if (b !== undefined) {
      b[i] = r(r(b[i]! * mom) + r(d / avg));
      p[i] = fma(b[i]!, negLr, p[i]!);
    } else {
      p[i] = r(p[i]! + r(r(negLr * d) / avg));
    }
  }
  return { param: p, squareAvg: sq, gradAvg: ga, buf: b };
}

export function adamStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  expAvg: ArrayLike<number>,
  expAvgSq: ArrayLike<number>,
  o: AdamRefOptions,
): { param: Float64Array; expAvg: Float64Array; expAvgSq: Float64Array } {
  const A = arith(o.float32);
  const { r, fma } = A;
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, step } = o;
  // Bias corrections in float64, as Python computes them, rounded once.
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const [negStep, oneMinusB1, b2, oneMinusB2, bc2Sqrt, e, wd] = [-(lr / bc1), 1 - beta1, beta2, 1 - beta2, Math.sqrt(bc2), eps, weightDecay].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const p = Float64Array.from(param);
  const m = Float64Array.from(expAvg);
  const v = Float64Array.from(expAvgSq);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(grad[i]!, p[i]!, wd, A);
    m[i] = lerp(m[i]!, d, oneMinusB1, A);
    v[i] = fma(r(oneMinusB2 * d), d, r(v[i]! * b2));
    const denom = r(r(r(Math.sqrt(v[i]!)) / bc2Sqrt) + e);
    p[i] = r(p[i]! + r(r(negStep * m[i]!) / denom));
  }
  return { param: p, expAvg: m, expAvgSq: v };
}
