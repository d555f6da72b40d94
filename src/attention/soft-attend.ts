// Show, Attend and Tell's soft attention (PAPERS.md §3, the decoder's "attention
// MLP" and "soft context"):
//   e_ti = v_attᵀ tanh(W_a a_i + W_d h_{t−1} + b) (+ c)
//   α_t  = softmax_i(e_t)   over the L locations (masked ones get α = 0)
//   ẑ_t  = Σ_i α_ti a_i     (the gate β_t is the caller's: ẑ_t = β_t · context)
// proj = W_a a_i is computed once per image and reused for every word; hProj =
// W_d h_{t−1} + b once per word. softAttend is one fused kernel each way (Rust
// CPU, CUDA, or src/reference on float64); softAttendComposite builds the same
// op from existing ops and is the reference the fused kernel is tested against.
import { fail, fmtShape, sameShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { tidy } from '../memory.js';
import { kernels } from '../backend/index.js';
import { type Tensor, isGradEnabled, noGrad, recordMulti } from '../tensor.js';
import { checkFloat } from '../ops/check.js';
import { add, addScalar, mulScalar, tanh } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';

export interface SoftAttendOptions {
  /** A scalar tensor ([] or [1]) added to every score: the paper's c. */
  bias?: Tensor;
  /** [B,L] of 0s and 1s: 0 masks a location out (α = 0 there). Every row needs a 1. */
  mask?: Tensor;
}

export interface SoftAttention {
  /** [B,D]: ẑ = Σ_l α_l a_l. */
  context: Tensor;
  /** [B,L]: where the model looks, summing to 1 over the unmasked locations. */
  alpha: Tensor;
}

/** The sizes of one call, checked. */
export interface SoftAttendDims {
  B: number;
  L: number;
  A: number;
  D: number;
}

/**
 * A mask [B,L] holds only 0s and 1s, with a 1 in every row (the softmax needs a
 * location). Reads the mask to the host; the fused kernels make the same check
 * themselves (Rust, src/reference) with the same message.
 */
function checkMaskValues(op: string, mask: Tensor, B: number, L: number): void {
  const m = mask.toFloat64Array();
  for (let b = 0; b < B; b++) {
    let kept = 0;
    for (let l = 0; l < L; l++) {
      const x = m[b * L + l]!;
      if (x !== 0 && x !== 1) fail(op, `mask must hold 0 or 1, got ${x} at [${b},${l}] of [${B},${L}]`);
      kept += x;
    }
    if (kept === 0) fail(op, `mask row ${b} of [${B},${L}] masks every location; at least one must be 1`);
  }
}

/** Checks every operand by name (shapes, dtypes, devices); returns the sizes. */
export function checkSoftAttend(op: string, proj: Tensor, hProj: Tensor, v: Tensor, annotations: Tensor, options: SoftAttendOptions | undefined): SoftAttendDims {
  checkOptions(op, options, ['bias', 'mask']);
  const { bias, mask } = options ?? {};
  const named: [string, Tensor | undefined][] = [['proj', proj], ['hProj', hProj], ['v', v], ['annotations', annotations], ['bias', bias], ['mask', mask]];
  named.forEach(([name, t], i) => (i < 4 || t !== undefined) && checkFloat(op, name, t));
  if (proj.rank !== 3) fail(op, `proj must be [B,L,A], got ${fmtShape(proj.shape)}`);
  const [B, L, A] = proj.shape as [number, number, number];
  if (annotations.rank !== 3) fail(op, `annotations must be [B,L,D], got ${fmtShape(annotations.shape)}`);
  const D = annotations.shape[2]!;
  for (const [axis, i] of [['B', 0], ['L', 1]] as const) {
    if (annotations.shape[i] !== proj.shape[i]) fail(op, `proj [B,L,A] and annotations [B,L,D] disagree on ${axis}, got ${fmtShape(proj.shape)} vs ${fmtShape(annotations.shape)}`);
  }
  if (hProj.rank !== 2 || hProj.shape[0] !== B || hProj.shape[1] !== A) {
    fail(op, `hProj must be [B,A] = [${B},${A}] for proj [B,L,A] ${fmtShape(proj.shape)}, got ${fmtShape(hProj.shape)}`);
  }
  if (!sameShape(v.shape, [A])) fail(op, `v must be [A] = [${A}] for proj [B,L,A] ${fmtShape(proj.shape)}, got ${fmtShape(v.shape)}`);
  if (bias !== undefined && !(bias.rank === 0 || sameShape(bias.shape, [1]))) fail(op, `bias must be a scalar tensor ([] or [1]), got ${fmtShape(bias.shape)}`);
  if (mask !== undefined && !sameShape(mask.shape, [B, L])) fail(op, `mask must be [B,L] = [${B},${L}] for proj ${fmtShape(proj.shape)}, got ${fmtShape(mask.shape)}`);
  for (const [name, t] of named.slice(1)) {
    if (t === undefined) continue;
    if (t.dtype !== proj.dtype) fail(op, `${name} is ${t.dtype} but proj is ${proj.dtype}; all must be float32 or all float64`);
    if (t.device !== proj.device) fail(op, `${name} on ${t.device} but proj on ${proj.device}`);
  }
  for (const [axis, n] of [['B', B], ['L', L], ['A', A], ['D', D]] as const) {
    if (n < 1) fail(op, `${axis} must be at least 1, got proj ${fmtShape(proj.shape)} and annotations ${fmtShape(annotations.shape)}`);
  }
  return { B, L, A, D };
}

/**
 * Soft attention from existing ops (tanh, matmul, softmax, a masked fill by a
 * large negative score): the fused op's reference, differentiable twice.
 * @example const { context, alpha } = fv.attention.softAttendComposite(proj, hProj, v, annotations); // proj [64,196,512], annotations [64,196,1280] -> context [64,1280], alpha [64,196]
 */
export function softAttendComposite(proj: Tensor, hProj: Tensor, v: Tensor, annotations: Tensor, options?: SoftAttendOptions): SoftAttention {
  const op = 'softAttendComposite';
  const { B, L, A, D } = checkSoftAttend(op, proj, hProj, v, annotations, options);
  const { bias, mask } = options ?? {};
  if (mask) checkMaskValues(op, mask, B, L);
  const needGrad = isGradEnabled() && [proj, hProj, v, annotations, bias].some((t) => t?.requiresGrad);
  // Without a graph the intermediates are garbage: a tidy scope frees them.
  return needGrad ? compose(proj, hProj, v, annotations, bias, mask, { B, L, A, D }) : tidy(() => compose(proj, hProj, v, annotations, bias, mask, { B, L, A, D }));
}

function compose(proj: Tensor, hProj: Tensor, v: Tensor, annotations: Tensor, bias: Tensor | undefined, mask: Tensor | undefined, { B, L, A, D }: SoftAttendDims): SoftAttention {
  // t = tanh(W_a a_i + W_d h_{t−1} + b): hProj broadcasts over the L locations.
  const hidden = tanh(add(proj, reshape(hProj, [B, 1, A])));
  // e = v_attᵀ t (+ c): one GEMM over all B·L locations.
  let e = reshape(matmul(reshape(hidden, [B * L, A]), reshape(v, [A, 1])), [B, L]);
  if (bias) e = add(e, reshape(bias, []));
  // Masked locations score −1e30: e^(−1e30 − max) is exactly 0, so their α and
  // its gradient are 0 (float32 absorbs e into −1e30 too). The mask is a constant.
  if (mask) e = add(e, noGrad(() => mulScalar(addScalar(mask, -1), 1e30)));
  const alpha = softmax(e, 1);
  // ẑ = Σ_i α_i a_i: a batched [1,L]·[L,D] product per image.
  const context = reshape(matmul(reshape(alpha, [B, 1, L]), annotations), [B, D]);
  return { context, alpha };
}

/**
 * Show, Attend and Tell's soft attention (PAPERS.md §3): scores e = vᵀ tanh(proj +
 * hProj) (+ bias), α = softmax over the L locations (masked ones get 0), and the
 * context Σ_l α_l a_l. proj = W_a a [B,L,A] is computed once per image; hProj =
 * W_d h + b [B,A] once per word; v [A]; annotations [B,L,D].
 * @example
 * const proj = fv.ops.matmul(annotations, Wa, { transB: true }); // [64,196,512], once per image
 * const { context, alpha } = fv.attention.softAttend(proj, hProj, v, annotations); // context [64,D], alpha [64,196]
 */
export function softAttend(proj: Tensor, hProj: Tensor, v: Tensor, annotations: Tensor, options?: SoftAttendOptions): SoftAttention {
  const op = 'softAttend';
  checkSoftAttend(op, proj, hProj, v, annotations, options);
  const { bias, mask } = options ?? {};
  const inputs = bias ? [proj, hProj, v, annotations, bias] : [proj, hProj, v, annotations];
  // The mask's values are checked by the kernel (Rust or src/reference): one read of it.
  const k = kernels(op, ...inputs, ...(mask ? [mask] : []));
  const keep = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const [context, alpha, hidden] = k.softAttend({ proj, hProj, v, annotations, bias, mask }, keep);
  recordMulti(
    op,
    [context, alpha],
    inputs,
    ([dContext, dAlpha]) => {
      // t and α were saved by the forward; proj and hProj are not read again.
      const need = [0, 1, 2, 3, 4].map((i) => inputs[i]?.requiresGrad ?? false);
      const g = k.softAttendBackward({ v, annotations, alpha, hidden: hidden! }, dContext, dAlpha, need);
      // The bias gradient comes back as [1]: reshaped to the bias's own shape ([] or [1]).
      return bias ? [g[0], g[1], g[2], g[3], g[4] && reshape(g[4], bias.shape)] : g.slice(0, 4);
    },
    hidden ? [hidden] : [],
  );
  return { context, alpha };
}
