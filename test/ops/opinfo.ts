// One declaration per op (PyTorch's OpInfo, in small). An OpInfo holds what the
// generic runners in this folder need to test the op on every device:
//   samples  — inputs, the public call, the float64 twin from src/reference, and
//              tolerances: native CPU vs reference (native-vs-reference.test.ts),
//              CUDA vs CPU (test/gpu/kernels.test.ts);
//   grad     — gradcheck cases in float64 on the reference path (gradcheck.test.ts),
//              or false for an op with no gradient (a comparison, an optimiser step);
//   errors   — bad input and the message it must raise (errors.test.ts);
//   devices  — where the op runs: reference (float64 tensors, checked against the
//              twin by reference-device.test.ts; gradchecks run there), cpu, cuda.
//              An op without 'reference' must refuse float64 (harness.test.ts).
import { expect } from 'vitest';
import * as fv from '../../src/index.js';
import { NativeTensor } from '../../src/native.js';
import { refArray, type RefArray } from '../../src/reference/index.js';
import { expectClose, expectShape, type Tolerance } from '../helpers/compare.js';
import { makeRng, type Rng } from '../helpers/random.js';

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
  /** Overrides the op's tolerance. */
  tol?: Tolerance;
  /** Per-element absolute error bound added to the tolerance (e.g. γ_k·|A|·|B|). */
  bound?: (xs: RefArray[]) => ArrayLike<number>;
  /** Extra property the native result must have (e.g. all finite). */
  check?: (values: Float32Array | Int32Array) => void;
}

/** A gradient test: usually `gradcheck(f, float64 inputs)`, sometimes a known gradient value. */
export interface GradCase {
  name: string;
  run: () => void;
}

/** Bad input and the message it must raise (the call runs inside fv.tidy). */
export interface ErrorCase {
  name: string;
  call: () => unknown;
  message: RegExp;
}

/** reference: float64 tensors (src/reference); cpu, cuda: the native kernels. */
export type Device = 'reference' | 'cpu' | 'cuda';
export const ALL_DEVICES: readonly Device[] = ['reference', 'cpu', 'cuda'];

export interface OpInfo {
  name: string;
  /** Family name: also seeds each sample's inputs (`${family}/${sample.name}`). */
  family: string;
  tol: Tolerance;
  samples: Sample[];
  grad: GradCase[] | false;
  errors: ErrorCase[];
  devices: readonly Device[];
}

export interface OpFamily {
  name: string;
  ops: OpInfo[];
}

/** What a family file writes per op; the family fills in its name and default tolerance. */
export interface OpSpec {
  name: string;
  tol?: Tolerance;
  samples: Sample[];
  grad: GradCase[] | false;
  errors?: ErrorCase[];
  devices?: readonly Device[];
}

export function family(name: string, tol: Tolerance, specs: OpSpec[]): OpFamily {
  return {
    name,
    ops: specs.map((s) => ({ name: s.name, family: name, tol: s.tol ?? tol, samples: s.samples, grad: s.grad, errors: s.errors ?? [], devices: s.devices ?? ALL_DEVICES })),
  };
}

// ---- inputs ----------------------------------------------------------------

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

/** A Tensor around a binding result, [id, kind, ...shape] (for kernels with no public op). */
export function wrapNative(made: number[]): Tensor {
  return fv.Tensor.fromNative(new NativeTensor(made));
}

// ---- gradients ---------------------------------------------------------------

/** A float64 tensor of seeded normals, scaled and shifted (e.g. away from kinks or zero). */
export function f64(shape: number[], seed: number, scale = 1, shift = 0): Tensor {
  fv.seed(seed);
  const x = fv.randn(shape);
  const data = Float64Array.from(x.toFloat32Array(), (v) => v * scale + shift);
  x.dispose();
  return fv.tensor(data, shape, { dtype: 'float64' });
}

/** Analytic gradients of `fn` (backward) against central differences, on float64 inputs. */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const r = fv.autograd.gradcheck(fn, inputs);
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.ok).toBe(true);
}

/** A GradCase that gradchecks `fn` on `inputs()`. */
export const gc = (name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]): GradCase => ({ name, run: () => gradcheck(fn, inputs()) });

/**
 * Marks `wrt` as requiring grad, runs `f`, back-propagates `seed` (or 1 for a
 * scalar) and returns a copy of `wrt[which]`'s gradient; the leaves' kept grads
 * are disposed so samples leak nothing.
 */
export function gradOf(wrt: Tensor[], which: number, f: () => Tensor, seed?: Tensor): Tensor {
  for (const t of wrt) t.requiresGrad = true;
  const out = f();
  out.backward(seed);
  const g = wrt[which]!.grad;
  if (!g) throw new Error(`no gradient reached input ${which}`);
  const copy = fv.ops.reshape(g, [...g.shape]);
  for (const t of wrt) {
    t.grad?.dispose();
    t.grad = undefined;
    t.requiresGrad = false;
  }
  return copy;
}

// ---- checks the runners make ----------------------------------------------------

function read(t: Tensor): Float32Array | Int32Array {
  return t.dtype === 'int32' ? t.toInt32Array() : t.toFloat32Array();
}

function makeInputs(op: OpInfo, sample: Sample): Input[] {
  const rng = makeRng(`${op.family}/${sample.name}`);
  return sample.inputs.map((m) => m(rng));
}

/** Native (CPU) result vs the float64 reference, within the stated tolerance. */
export function checkAgainstReference(op: OpInfo, sample: Sample): void {
  const inputs = makeInputs(op, sample);
  const refs = inputs.map((i) => refArray(i.data, i.shape));
  const expected = sample.ref(refs);
  fv.tidy(() => {
    const xs = inputs.map((i) => fv.tensor(i.data, i.shape, { dtype: i.dtype }));
    const out = sample.run(xs);
    const what = `${op.family}: ${sample.name}`;
    expectShape(what, out.shape, expected.shape);
    expect(out.dtype, `${what}: dtype`).toBe(sample.dtype ?? 'float32');
    expect(out.device).toBe('cpu');
    const values = read(out);
    expectClose(what, values, expected.data, sample.tol ?? op.tol, sample.bound?.(refs));
    sample.check?.(values);
  });
}

/**
 * CUDA result vs CPU result on the same inputs. Each is within the op's
 * tolerance of the exact value, so they may differ by twice that.
 */
export function checkCudaAgainstCpu(op: OpInfo, sample: Sample): void {
  const inputs = makeInputs(op, sample);
  const refs = inputs.map((i) => refArray(i.data, i.shape));
  const tol = sample.tol ?? op.tol;
  const twice: Tolerance = { ...tol, atol: 2 * tol.atol, rtol: 2 * tol.rtol };
  const bound = sample.bound ? Float64Array.from(sample.bound(refs), (b) => 2 * b) : undefined;
  fv.tidy(() => {
    const xs = inputs.map((i) => fv.tensor(i.data, i.shape, { dtype: i.dtype }));
    const cpu = sample.run(xs);
    const gpu = sample.run(xs.map((x) => x.to('cuda')));
    const what = `${op.family} on cuda: ${sample.name}`;
    expect(gpu.device, `${what}: device`).toBe('cuda');
    expect(gpu.dtype, `${what}: dtype`).toBe(cpu.dtype);
    expectShape(what, gpu.shape, cpu.shape);
    const values = read(gpu.to('cpu'));
    expectClose(what, values, read(cpu), twice, bound);
    sample.check?.(values);
  });
}

/** An int32 tensor of `values` (indices, or a wrong dtype for a float op). */
export const i32 = (values: number[], shape: number[]): Tensor => fv.tensor(Int32Array.from(values), shape);

export const err = (name: string, call: () => unknown, message: RegExp): ErrorCase => ({ name, call, message });

/** The call, inside fv.tidy, throws an Error whose message matches. */
export function checkError(c: ErrorCase): void {
  let thrown: unknown;
  try {
    fv.tidy(() => void c.call());
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${c.name}: no error thrown`).toBeInstanceOf(Error);
  expect((thrown as Error).message, c.name).toMatch(c.message);
}
