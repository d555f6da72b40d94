// Max and average pooling over x [N,C,H,W] from their definitions, in float64,
// with PyTorch's window rules: window (oh, ow) covers rows oh·sh − ph .. + kh and
// columns ow·sw − pw .. + kw, clipped to the input (padding never wins a max).
import { size, type RefArray } from './array.js';

export interface Pool2dArgs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  ceilMode: boolean;
}

/** PyTorch's pooling output size (ceil mode: the last window must start inside the input or left padding). */
export function poolOutSize(input: number, kernel: number, stride: number, pad: number, ceilMode: boolean): number {
  const span = input + 2 * pad - kernel;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= input + pad) out--;
  return out;
}

/** Window o's input range [start, end) along one axis, and its length counting padding. */
function window(o: number, stride: number, pad: number, k: number, input: number): { start: number; end: number; padded: number } {
  const start = o * stride - pad;
  const endPadded = Math.min(start + k, input + pad);
  return { start: Math.max(start, 0), end: Math.min(endPadded, input), padded: endPadded - start };
}

/** Calls f(plane, rows, cols, outIndex) for every output element; returns the output shape. */
function forEachWindow(
  shape: readonly number[],
  a: Pool2dArgs,
  f: (plane: number, rows: ReturnType<typeof window>, cols: ReturnType<typeof window>, yi: number) => void,
): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const ho = poolOutSize(h, a.kernel[0], a.stride[0], a.padding[0], a.ceilMode);
  const wo = poolOutSize(w, a.kernel[1], a.stride[1], a.padding[1], a.ceilMode);
  for (let p = 0; p < n * c; p++) {
    for (let oh = 0; oh < ho; oh++) {
      const rows = window(oh, a.stride[0], a.padding[0], a.kernel[0], h);
      for (let ow = 0; ow < wo; ow++) f(p, rows, window(ow, a.stride[1], a.padding[1], a.kernel[1], w), (p * ho + oh) * wo + ow);
    }
  }
  return [n, c, ho, wo];
}

/** Window maxima and the index ih·W + iw of each in its plane (first maximum wins; a NaN wins over numbers). */
export function maxPool2d(x: RefArray, a: Pool2dArgs): { values: RefArray; indices: RefArray } {
  const [, , h, w] = x.shape as [number, number, number, number];
  const values: number[] = [];
  const indices: number[] = [];
  const shape = forEachWindow(x.shape, a, (p, rows, cols) => {
    let at = rows.start * w + cols.start;
    let best = x.data[p * h * w + at]!;
    for (let ih = rows.start; ih < rows.end; ih++) {
      for (let iw = cols.start; iw < cols.end; iw++) {
        const v = x.data[p * h * w + ih * w + iw]!;
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) [best, at] = [v, ih * w + iw];
      }
    }
    values.push(best);
    indices.push(at);
  });
  return { values: { shape, data: Float64Array.from(values) }, indices: { shape: [...shape], data: Float64Array.from(indices) } };
}

/** ∂L/∂x: each grad element added at its window's saved argmax. */
export function maxPool2dBackward(grad: RefArray, indices: RefArray, xShape: readonly number[]): RefArray {
  const [, , h, w] = xShape as [number, number, number, number];
  const per = grad.shape[2]! * grad.shape[3]!;
  const data = new Float64Array(size(xShape));
  for (let i = 0; i < grad.data.length; i++) data[Math.floor(i / per) * h * w + indices.data[i]!]! += grad.data[i]!;
  return { shape: [...xShape], data };
}

const divisor = (rows: ReturnType<typeof window>, cols: ReturnType<typeof window>, countIncludePad: boolean): number =>
  countIncludePad ? rows.padded * cols.padded : (rows.end - rows.start) * (cols.end - cols.start);

export function avgPool2d(x: RefArray, a: Pool2dArgs, countIncludePad: boolean): RefArray {
  const [, , h, w] = x.shape as [number, number, number, number];
  const out: number[] = [];
  const shape = forEachWindow(x.shape, a, (p, rows, cols) => {
    let s = 0;
    for (let ih = rows.start; ih < rows.end; ih++) for (let iw = cols.start; iw < cols.end; iw++) s += x.data[p * h * w + ih * w + iw]!;
    out.push(s / divisor(rows, cols, countIncludePad));
  });
  return { shape, data: Float64Array.from(out) };
}

/** ∂L/∂x: each grad element shared evenly by the input elements of its window (over the divisor). */
export function avgPool2dBackward(grad: RefArray, xShape: readonly number[], a: Pool2dArgs, countIncludePad: boolean): RefArray {
  const [, , h, w] = xShape as [number, number, number, number];
  const data = new Float64Array(size(xShape));
  forEachWindow(xShape, a, (p, rows, cols, yi) => {
    const share = grad.data[yi]! / divisor(rows, cols, countIncludePad);
    for (let ih = rows.start; ih < rows.end; ih++) for (let iw = cols.start; iw < cols.end; iw++) data[p * h * w + ih * w + iw]! += share;
  });
  return { shape: [...xShape], data };
}
