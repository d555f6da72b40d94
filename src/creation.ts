// Tensor creation: from data, constants and the seeded random stream.
import { asOp, checkShape, fail, fmtShape, numel } from './errors.js';
import { checkOptions } from './options.js';
import { parseDevice, type DeviceName } from './device.js';
import { checkAllocation, kernelsFor, type Distribution } from './backend/index.js';
import { takeOffsets } from './random.js';
import { type Tensor, type DType } from './tensor.js';

export interface TensorOptions {
  device?: DeviceName;
  dtype?: DType;
  /** Makes the result a leaf that receives a gradient in `backward()` (float dtypes only). */
  requiresGrad?: boolean;
}

const TENSOR_OPTIONS = ['device', 'dtype', 'requiresGrad'] as const;

/** Options of the random factories: the device and whether the result is a leaf requiring grad. */
export interface RandomOptions {
  device?: DeviceName;
  requiresGrad?: boolean;
}

/** Marks a freshly created tensor as a leaf requiring grad when asked. */
function leaf(op: string, t: Tensor, requiresGrad: boolean | undefined): Tensor {
  if (requiresGrad === undefined || requiresGrad === false) return t;
  if (requiresGrad !== true) fail(op, `requiresGrad must be a boolean, got ${JSON.stringify(requiresGrad)}`);
  if (t.dtype === 'int32') {
    t.dispose();
    fail(op, `requiresGrad needs a float dtype, got int32`);
  }
  t.requiresGrad = true;
  return t;
}

type Data = Float32Array | Float64Array | Int32Array | readonly number[] | number;

/**
 * A tensor from data; `shape` defaults to the data's length (a 1-D tensor).
 * @example const x = fv.tensor([1, 2, 3, 4], [2, 2]);
 */
export function tensor(data: Data, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  return create('tensor', data, shape, options);
}

function create(op: string, data: Data, shape: readonly number[] | undefined, options: TensorOptions = {}): Tensor {
  checkOptions(op, options, TENSOR_OPTIONS);
  const device = parseDevice(op, options.device);
  const flat = typeof data === 'number' ? [data] : data;
  if (!(flat instanceof Float32Array || flat instanceof Float64Array || flat instanceof Int32Array || Array.isArray(flat))) {
    fail(op, `data must be a Float32Array, Float64Array, Int32Array, number array or number, got ${typeof data}`);
  }
  const dims = shape === undefined ? (typeof data === 'number' ? [] : [flat.length]) : checkShape(op, 'shape', shape);
  if (numel(dims) !== flat.length) {
    fail(op, `data has ${flat.length} elements but shape ${fmtShape(dims)} needs ${numel(dims)}`);
  }
  const dtype = options.dtype ?? (flat instanceof Int32Array ? 'int32' : flat instanceof Float64Array ? 'float64' : 'float32');
  if (dtype === 'float64' && device !== 'cpu') fail(op, `float64 tensors run on the cpu reference kernels, not on ${device}`);
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'float64') {
    fail(op, `dtype must be 'float32', 'int32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  checkValues(op, flat, dtype);
  // The kernel copies to the device through `to`: a missing GPU is the user's op's error.
  return leaf(op, asOp(op, () => kernelsFor(dtype).fromValues(flat as ArrayLike<number>, dims, dtype, device)), options.requiresGrad);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Values a tensor can hold exactly: numbers in a plain array (not 'a', null or
 * undefined, which Float32Array.from would turn into NaN or 0), and for int32
 * integers in [−2³¹, 2³¹) (Int32Array.from would wrap 3e9 and truncate 1.5).
 */
function checkValues(op: string, flat: ArrayLike<number>, dtype: DType): void {
  if (Array.isArray(flat)) {
    for (let i = 0; i < flat.length; i++) {
      const v: unknown = flat[i];
      if (typeof v !== 'number') fail(op, `data[${i}] must be a number, got ${v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : typeof v}`);
    }
  }
  if (dtype !== 'int32' || flat instanceof Int32Array) return;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (!Number.isInteger(v)) fail(op, `int32 data[${i}] = ${v} is not an integer (use fv.ops.cast to truncate floats)`);
    if (v < INT32_MIN || v > INT32_MAX) fail(op, `int32 data[${i}] = ${v} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`);
  }
}

/** A float32 tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** The body of full/zeros/ones: a refused host buffer becomes an Error naming `op`, the shape and the bytes. */
function filled(op: string, shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  checkOptions(op, options, TENSOR_OPTIONS);
  const dims = checkShape(op, 'shape', shape);
  const n = numel(dims);
  const wide = options.dtype === 'float64';
  // The values are built on the JS heap first: hold them to the native allocation ceiling too.
  checkAxes(op, dims, wide ? 8 : 4);
  checkAllocation(op, 'output shape', dims, wide ? 8 : 4);
  let values: Float32Array | Float64Array;
  try {
    values = wide ? new Float64Array(n) : new Float32Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new Error(`${op}: cannot allocate ${n * (wide ? 8 : 4)} bytes for shape [${dims.join(',')}]`);
  }
  return create(op, values.fill(value), dims, options);
}

/**
 * The binding takes each axis as 32 bits; past that it could only say "not a
 * non-negative integer". Refused here in the allocation message's own form.
 */
function checkAxes(op: string, dims: readonly number[], elemBytes: number): void {
  const wide = dims.findIndex((d) => d > 2 ** 32 - 1);
  if (wide >= 0) fail(op, `output shape ${fmtShape(dims)} needs ${numel(dims) * elemBytes} bytes, and shape[${wide}] = ${dims[wide]} is past the largest axis (${2 ** 32 - 1})`);
}

/** Ones with the shape, dtype and device of `t` (float dtypes). */
export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, { device: t.device, dtype: t.dtype === 'float64' ? 'float64' : 'float32' });
}

/** Zeros with the shape, dtype and device of `t` (float dtypes). */
export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, { device: t.device, dtype: t.dtype === 'float64' ? 'float64' : 'float32' });
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

function draw(op: string, dist: Distribution, shape: readonly number[], a: number, b: number, options: RandomOptions): Tensor {
  const dims = checkShape(op, 'shape', shape);
  checkAxes(op, dims, 4);
  const dev = parseDevice(op, options.device);
  const { seed, offset } = takeOffsets(numel(dims));
  let sample: Tensor;
  try {
    sample = kernelsFor('float32').random(dist, dims, a, b, seed, offset, dev);
  } catch (e) {
    // The kernel is one `random` for all three; the user called `op`.
    if (e instanceof Error && e.message.startsWith('random: ')) throw new Error(`${op}: ${e.message.slice('random: '.length)}`);
    throw e;
  }
  return leaf(op, sample, options.requiresGrad);
}

/** Standard normal samples (Philox stream; `fv.seed` makes them reproducible). */
export function randn(shape: readonly number[], options: { mean?: number; std?: number } & RandomOptions = {}): Tensor {
  checkOptions('randn', options, ['mean', 'std', 'device', 'requiresGrad']);
  const { mean = 0, std = 1 } = options;
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) fail('randn', `mean ${mean} and std ${std} must be finite, std ≥ 0`);
  return draw('randn', 'normal', shape, mean, std, options);
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: { low?: number; high?: number } & RandomOptions = {}): Tensor {
  checkOptions('rand', options, ['low', 'high', 'device', 'requiresGrad']);
  const { low = 0, high = 1 } = options;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) fail('rand', `low ${low} and high ${high} must be finite with low ≤ high`);
  return draw('rand', 'uniform', shape, low, high, options);
}

/** 0/1 samples, 1 with probability p. */
export function bernoulli(shape: readonly number[], p: number, options: RandomOptions = {}): Tensor {
  checkOptions('bernoulli', options, ['device', 'requiresGrad']);
  if (!(p >= 0 && p <= 1)) fail('bernoulli', `p must lie in [0, 1], got ${p}`);
  return draw('bernoulli', 'bernoulli', shape, p, 0, options);
}
