// The reference kernels' array: float64 values in row-major order plus a shape.
// Written for clarity, not speed: these are the definitions the native kernels
// are tested against.

export interface RefArray {
  shape: number[];
  data: Float64Array;
}

export function refArray(data: ArrayLike<number>, shape: readonly number[]): RefArray {
  return { shape: [...shape], data: Float64Array.from(data) };
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** The multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let at = 0;
  for (let d = 0; d < shape.length; d++) at = at * shape[d]! + idx[d]!;
  return at;
}
