// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_).
import { checkOptions } from '../options.js';
import { noGrad } from '../autograd/index.js';
import { fail } from '../errors.js';
import { keep, tidy } from '../memory.js';
import { mulScalar, square, sum } from '../ops/index.js';
import { Tensor } from '../tensor.js';

export interface ClipOptions {
  /**
   * Throw when the total norm is NaN or infinite (default true: clipping by a
   * NaN would silently turn every gradient into NaN).
   */
  errorIfNonfinite?: boolean;
}

/**
 * Scales every gradient by min(1, maxNorm / (norm + 1e-6)), where norm is the
 * 2-norm of all gradients taken together (accumulated in float64). Returns norm.
 * @example const norm = fv.optim.clipGradNorm(model.parameters(), 10);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipOptions = {}): number {
  const op = 'clipGradNorm';
  checkOptions(op, options, ['errorIfNonfinite']);
  if (typeof maxNorm !== 'number' || !(maxNorm > 0) || !Number.isFinite(maxNorm)) fail(op, `maxNorm must be a positive finite number, got ${String(maxNorm)}`);
  const withGrad = [...params].filter((p) => {
    if (!(p instanceof Tensor)) fail(op, `params must be Tensors, got ${typeof p}`);
    return p.grad !== undefined && !p.grad.isDisposed;
  });
  const total = Math.sqrt(withGrad.reduce((acc, p) => acc + tidy(() => noGrad(() => sum(square(p.grad!)).item())), 0));
  if (!Number.isFinite(total) && (options.errorIfNonfinite ?? true)) {
    fail(op, `the total gradient norm is ${total}; a loss or gradient is NaN or infinite (pass { errorIfNonfinite: false } to clip anyway)`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const p of withGrad) {
      const old = p.grad!;
      p.grad = keep(noGrad(() => mulScalar(old, coef)));
      old.dispose();
    }
  }
  return total;
}
