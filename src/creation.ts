// Tensor creation: from data, constants and the seeded random stream.
import { checkShape, fail, fmtShape, numel } from './errors.js';
import { parseDevice, type DeviceName } from './device.js';
import { kernelsFor, type Distribution } from './backend/index.js';
import { takeOffsets } from './random.js';
import { type Tensor, type DType } from './tensor.js';

export interface TensorOptions {
  device?: DeviceName;
  dtype?: DType;
}

type Data = Float32Array | Float64Array | Int32Array | readonly number[] | number;

/**
 * A tensor from data; `shape` defaults to the data's length (a 1-D tensor).
 * @example const x = fv.tensor([1, 2, 3, 4], [2, 2]);
 */
export function tensor(data: Data, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  const device = parseDevice('tensor', options.device);
  const flat = typeof data === 'number' ? [data] : data;
  if (!(flat instanceof Float32Array || flat instanceof Float64Array || flat instanceof Int32Array || Array.isArray(flat))) {
    fail('tensor', `data must be a Float32Array, Float64Array, Int32Array, number array or number, got ${typeof data}`);
  }
  const dims = shape === undefined ? (typeof data === 'number' ? [] : [flat.length]) : checkShape('tensor', 'shape', shape);
  if (numel(dims) !== flat.length) {
    fail('tensor', `data has ${flat.length} elements but shape ${fmtShape(dims)} needs ${numel(dims)}`);
  }
  const dtype = options.dtype ?? (flat instanceof Int32Array ? 'int32' : flat instanceof Float64Array ? 'float64' : 'float32');
  if (dtype === 'float64' && device !== 'cpu') fail('tensor', `float64 tensors run on the cpu reference kernels, not on ${device}`);
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'float64') {
    fail('tensor', `dtype must be 'float32', 'int32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return kernelsFor(dtype).fromValues(flat as ArrayLike<number>, dims, dtype, device);
}

/** A float32 tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** The body of full/zeros/ones: a refused host buffer becomes an Error naming `op`, the shape and the bytes. */
function filled(op: string, shape: readonly number[], value: number, options: TensorOptions): Tensor {
  const dims = checkShape(op, 'shape', shape);
  const n = numel(dims);
  const wide = options.dtype === 'float64';
  let values: Float32Array | Float64Array;
  try {
    values = wide ? new Float64Array(n) : new Float32Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new Error(`${op}: cannot allocate ${n * (wide ? 8 : 4)} bytes for shape [${dims.join(',')}]`);
  }
  return tensor(values.fill(value), dims, options);
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
  return filled('zeros', shape, 0, options); // so errors name zeros, not full
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options); // so errors name ones, not full
}

function draw(op: string, dist: Distribution, shape: readonly number[], a: number, b: number, device?: DeviceName): Tensor {
  const dims = checkShape(op, 'shape', shape);
  const dev = parseDevice(op, device);
  const { seed, offset } = takeOffsets(numel(dims));
  try {
    return kernelsFor('float32').random(dist, dims, a, b, seed, offset, dev);
  } catch (e) {
    // The kernel is one `random` for all three; the user called `op`.
    if (e instanceof Error && e.message.startsWith('random: ')) throw new Error(`${op}: ${e.message.slice('random: '.length)}`);
    throw e;
  }
}

/** Standard normal samples (Philox stream; `fv.seed` makes them reproducible). */
export function randn(shape: readonly number[], options: { mean?: number; std?: number; device?: DeviceName } = {}): Tensor {
  const { mean = 0, std = 1 } = options;
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) fail('randn', `mean ${mean} and std ${std} must be finite, std ≥ 0`);
  return draw('randn', 'normal', shape, mean, std, options.device);
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: { low?: number; high?: number; device?: DeviceName } = {}): Tensor {
  const { low = 0, high = 1 } = options;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) fail('rand', `low ${low} and high ${high} must be finite with low ≤ high`);
  return draw('rand', 'uniform', shape, low, high, options.device);
}

/** 0/1 samples, 1 with probability p. */
export function bernoulli(shape: readonly number[], p: number, options: { device?: DeviceName } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) fail('bernoulli', `p must lie in [0, 1], got ${p}`);
  return draw('bernoulli', 'bernoulli', shape, p, 0, options.device);
}
