// Matrix products. Operands of rank 2 or 3 (a batch); a rank-2 operand is
// shared across the other's batch. `transA`/`transB` read an operand
// transposed without copying, which is how the backward below uses it.
import { checkOptions } from '../options.js';
import { fail, fmtShape } from '../errors.js';
import { kernels } from '../backend/index.js';
import { type Tensor, record } from '../tensor.js';
import { checkFloat, checkSameDevice } from './check.js';
import { sum } from './reduce.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/**
 * a · b with a [m,k] or [batch,m,k] and b [k,n] or [batch,k,n].
 * @example const y = fv.ops.matmul(x, w, { transB: true }); // x [64,512], w [1024,512] -> y [64,1024]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkOptions('matmul', options, ['transA', 'transB']);
  checkFloat('matmul', 'a', a);
  checkFloat('matmul', 'b', b);
  const { transA = false, transB = false } = options;
  const t = (flag: boolean): string => (flag ? 'ᵀ' : '');
  const mismatch = (): never => fail('matmul', `shape mismatch, a ${fmtShape(a.shape)}${t(transA)} vs b ${fmtShape(b.shape)}${t(transB)}`);
  if (a.rank < 2 || a.rank > 3) fail('matmul', `a must have rank 2 or 3, got ${fmtShape(a.shape)}`);
  if (b.rank < 2 || b.rank > 3) fail('matmul', `b must have rank 2 or 3, got ${fmtShape(b.shape)}`);
  const k = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const kb = transB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (k !== kb) mismatch();
  if (a.rank === 3 && b.rank === 3 && a.shape[0] !== b.shape[0]) mismatch();
  checkSameDevice('matmul', a, b);
  const out = kernels('matmul', a, b).matmul(a, b, transA, transB);
  return record('matmul', out, [a, b], (g) => {
    // C = op(A)·op(B): dop(A) = g·op(B)ᵀ, dop(B) = op(A)ᵀ·g, each written for the stored layout.
    // An operand that needs no gradient costs no GEMM.
    const ga = !a.requiresGrad ? undefined : transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB });
    const gb = !b.requiresGrad ? undefined : transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA });
    // A rank-2 operand shared across a batch collects the batch's gradients.
    return [ga && a.rank === 2 && ga.rank === 3 ? sum(ga, 0) : ga, gb && b.rank === 2 && gb.rank === 3 ? sum(gb, 0) : gb];
  });
}
