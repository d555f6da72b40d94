// Matrix products. Operands of rank 2 or 3 (a batch); a rank-2 operand is
// shared across the other's batch. `transA`/`transB` read an operand
// transposed without copying, which is how backward passes use it.
import { fail, fmtShape } from '../errors.js';
import { native } from '../native.js';
import { wrap, type Tensor } from '../tensor.js';
import { checkTensor } from './elementwise.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/**
 * a · b with a [m,k] or [batch,m,k] and b [k,n] or [batch,k,n].
 * @example const y = fv.ops.matmul(x, w, { transB: true }); // x [64,512], w [1024,512] -> y [64,1024]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  const { transA = false, transB = false } = options;
  const t = (flag: boolean): string => (flag ? 'ᵀ' : '');
  const mismatch = (): never => fail('matmul', `shape mismatch, a ${fmtShape(a.shape)}${t(transA)} vs b ${fmtShape(b.shape)}${t(transB)}`);
  if (a.rank < 2 || a.rank > 3) fail('matmul', `a must have rank 2 or 3, got ${fmtShape(a.shape)}`);
  if (b.rank < 2 || b.rank > 3) fail('matmul', `b must have rank 2 or 3, got ${fmtShape(b.shape)}`);
  const k = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const kb = transB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (k !== kb) mismatch();
  if (a.rank === 3 && b.rank === 3 && a.shape[0] !== b.shape[0]) mismatch();
  if (a.device !== b.device) fail('matmul', `tensors on different devices, a on ${a.device} vs b on ${b.device}`);
  return wrap(native.matmul(a.handle('matmul'), b.handle('matmul'), transA, transB));
}
