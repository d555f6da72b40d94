// One declaration per op family (PyTorch's OpInfo, in small): each sample names
// its inputs, how to run the op through the public API, and its reference twin
// from src/reference. test/kernels checks native vs reference; test/gpu checks
// CUDA vs CPU on the very same samples.
import { expect } from 'vitest';
import * as fv from '../../src/index.js';
import type { NativeTensor } from '../../src/native.js';
import { refArray, type RefArray } from '../../src/reference/index.js';
import { expectClose, expectShape, type Tolerance } from './compare.js';
import { makeRng, type Rng } from './random.js';

type Tensor = fv.Tensor;

export interface Input {
  shape: number[];
  dtype: fv.DType;
  data: Float32Array | Int32Array;
}

export type InputMaker = (rng: Rng) => Input;

export interface Sample {
  name: string;
  inputs: InputMaker[];
  run: (xs: Tensor[]) => Tensor;
  ref: (xs: RefArray[]) => RefArray;
  /** Output dtype (float32 unless said). */
  dtype?: fv.DType;
  /** Overrides the family's tolerance. */
  tol?: Tolerance;
  /** Per-element absolute error bound added to the tolerance (e.g. γ_k·|A|·|B|). */
  bound?: (xs: RefArray[]) => ArrayLike<number>;
  /** Extra property the native result must have (e.g. all finite). */
  check?: (values: Float32Array | Int32Array) => void;
}

export interface Family {
  name: string;
  tol: Tolerance;
  samples: Sample[];
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Uniform floats in [low, high). */
export const uniform =
  (shape: number[], low = -1, high = 1): InputMaker =>
  (rng) => ({ shape, dtype: 'float32', data: Float32Array.from({ length: size(shape) }, () => rng.uniform(low, high)) });

/** Integers in [low, high), as float32 (many ties) or int32. */
export const integers =
  (shape: number[], low: number, high: number, dtype: fv.DType = 'float32'): InputMaker =>
  (rng) => {
    const values = Array.from({ length: size(shape) }, () => rng.int(low, high));
    return { shape, dtype, data: dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values) };
  };

/** Fixed values (cycled to fill the shape). */
export const given =
  (shape: number[], values: readonly number[], dtype: fv.DType = 'float32'): InputMaker =>
  () => {
    const data = Array.from({ length: size(shape) }, (_, i) => values[i % values.length]!);
    return { shape, dtype, data: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data) };
  };

/** Float32 extremes every elementwise op must handle. */
export const SPECIALS = [0, -0, 1, -1, 0.5, -0.5, 2, 400, -400, 88, -88, -104, 1e-30, -1e-30, 3e38, NaN, Infinity, -Infinity];

/** Elementwise |x|, for error bounds. */
export const absOf = (x: RefArray): RefArray => ({ shape: [...x.shape], data: x.data.map(Math.abs) });

/** A Tensor around a handle from the binding (for kernels with no public op). */
export function wrapNative(handle: NativeTensor): Tensor {
  // Tensor.fromNative where the class has it, else its one-argument constructor.
  const T = fv.Tensor as unknown as { fromNative?: (h: NativeTensor) => Tensor; new (h: NativeTensor): Tensor };
  return T.fromNative ? T.fromNative(handle) : new T(handle);
}

function read(t: Tensor): Float32Array | Int32Array {
  return t.dtype === 'int32' ? t.toInt32Array() : t.toFloat32Array();
}

function makeInputs(family: Family, sample: Sample): Input[] {
  const rng = makeRng(`${family.name}/${sample.name}`);
  return sample.inputs.map((m) => m(rng));
}

/** Native (CPU) result vs the float64 reference, within the stated tolerance. */
export function checkAgainstReference(family: Family, sample: Sample): void {
  const inputs = makeInputs(family, sample);
  const refs = inputs.map((i) => refArray(i.data, i.shape));
  const expected = sample.ref(refs);
  fv.tidy(() => {
    const xs = inputs.map((i) => fv.tensor(i.data, i.shape, { dtype: i.dtype }));
    const out = sample.run(xs);
    const what = `${family.name}: ${sample.name}`;
    expectShape(what, out.shape, expected.shape);
    expect(out.dtype, `${what}: dtype`).toBe(sample.dtype ?? 'float32');
    expect(out.device).toBe('cpu');
    const values = read(out);
    expectClose(what, values, expected.data, sample.tol ?? family.tol, sample.bound?.(refs));
    sample.check?.(values);
  });
}

/**
 * CUDA result vs CPU result on the same inputs. Each is within the family's
 * tolerance of the exact value, so they may differ by twice that.
 */
export function checkCudaAgainstCpu(family: Family, sample: Sample): void {
  const inputs = makeInputs(family, sample);
  const refs = inputs.map((i) => refArray(i.data, i.shape));
  const tol = sample.tol ?? family.tol;
  const twice: Tolerance = { ...tol, atol: 2 * tol.atol, rtol: 2 * tol.rtol };
  const bound = sample.bound ? Float64Array.from(sample.bound(refs), (b) => 2 * b) : undefined;
  fv.tidy(() => {
    const xs = inputs.map((i) => fv.tensor(i.data, i.shape, { dtype: i.dtype }));
    const cpu = sample.run(xs);
    const gpu = sample.run(xs.map((x) => x.to('cuda')));
    const what = `${family.name} on cuda: ${sample.name}`;
    expect(gpu.device, `${what}: device`).toBe('cuda');
    expect(gpu.dtype, `${what}: dtype`).toBe(cpu.dtype);
    expectShape(what, gpu.shape, cpu.shape);
    const values = read(gpu.to('cpu'));
    expectClose(what, values, read(cpu), twice, bound);
    sample.check?.(values);
  });
}
