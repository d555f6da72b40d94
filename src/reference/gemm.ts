// C = op(A)·op(B), batched: the definition of the GEMM kernels.
import { type RefArray } from './array.js';

export function matmul(a: RefArray, b: RefArray, transA = false, transB = false): RefArray {
  const mat = (x: RefArray, t: boolean): [number, number] => {
    const r = x.shape[x.shape.length - 2]!;
    const c = x.shape[x.shape.length - 1]!;
    return t ? [c, r] : [r, c];
  };
  const [m, k] = mat(a, transA);
  const [, n] = mat(b, transB);
  const batched = a.shape.length === 3 || b.shape.length === 3;
  const batch = a.shape.length === 3 ? a.shape[0]! : b.shape.length === 3 ? b.shape[0]! : 1;
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = a.shape.length === 3 ? p * m * k : 0;
    const bo = b.shape.length === 3 ? p * k * n : 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const x = a.data[ao + (transA ? q * m + i : i * k + q)]!;
          const y = b.data[bo + (transB ? j * k + q : q * n + j)]!;
          s += x * y;
        }
        out[p * m * n + i * n + j] = s;
      }
    }
  }
  return { shape: batched ? [batch, m, n] : [m, n], data: out };
}
