// Gradient checking in float64 on the reference kernels: the analytic gradient
// from backward() against central differences of the forward, per element.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { keep, tidy } from '../memory.js';
import { kernelsFor } from '../backend/index.js';
import { tensor } from '../creation.js';
import { type Tensor, noGrad } from '../tensor.js';
import { mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Pass when |analytic − numeric| ≤ atol + rtol·|numeric| (defaults 1e-5, 1e-3). */
  atol?: number;
  rtol?: number;
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  /** The first few mismatches, e.g. "input 0 [3]: analytic 0.5 vs numeric 0.25". */
  failures: string[];
}

const toFloat64 = (t: Tensor): Tensor => tensor(t.toFloat64Array(), t.shape, { dtype: 'float64' });

/**
 * Checks the gradients of `fn` with respect to every input. A non-scalar output
 * is reduced with fixed random weights, so every output element is exercised.
 * @example fv.autograd.gradcheck((x) => fv.ops.sum(fv.ops.tanh(x)), [fv.randn([3, 4])]).ok // true
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  checkOptions('gradcheck', options, ['eps', 'atol', 'rtol']);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  if (inputs.length === 0) fail('gradcheck', 'inputs must not be empty');
  const leaves = inputs.map(toFloat64);
  leaves.forEach((t) => (t.requiresGrad = true));
  let weights: Tensor | undefined;
  const objective = (xs: Tensor[]): Tensor => {
    const out = fn(...xs);
    if (out.dtype !== 'float64') fail('gradcheck', `fn must compute in float64 from float64 inputs, got ${out.dtype}`);
    // Fixed weights: standard normals at Philox seed 7, offset 0 (not the global stream).
    weights ??= keep(kernelsFor('float64').random('normal', out.shape, 0, 1, 7, 0, 'cpu'));
    return sum(mul(out, weights));
  };
  // Forward and backward in one scope: the graph's saved tensors live until backward ran.
  tidy(() => objective(leaves).backward());
  const failures: string[] = [];
  let maxAbsError = 0;
  leaves.forEach((leaf, i) => {
    const base = leaf.toFloat64Array();
    const analytic = leaf.grad?.toFloat64Array() ?? new Float64Array(base.length);
    for (let j = 0; j < base.length; j++) {
      const at = (delta: number): number => {
        const data = base.slice();
        data[j]! += delta;
        const xs = leaves.map((l, k) => (k === i ? tensor(data, l.shape, { dtype: 'float64' }) : l));
        return tidy(() => noGrad(() => objective(xs).item()));
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(analytic[j]! - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      if (!(err <= atol + rtol * Math.abs(numeric)) && failures.length < 5) {
        failures.push(`input ${i} [${j}]: analytic ${analytic[j]} vs numeric ${numeric}`);
      }
    }
  });
  weights?.dispose();
  for (const leaf of leaves) leaf.grad?.dispose();
  return { ok: failures.length === 0, maxAbsError, failures };
}
