// Tensor: the TypeScript face of a kernel buffer. float32 and int32 tensors hold
// a NativeTensor (Rust, CPU or CUDA); float64 tensors hold a RefArray and run on
// the plain TypeScript reference kernels — the exact path gradcheck uses. Below the
// class, the tape every op records on (record, noGrad), as DESIGN.md's chart puts it.
import { fail, fmtShape, sameShape } from './errors.js';
import { isAsync, track } from './memory.js';
import { type NativeTensor } from './native.js';
import { type RefArray } from './reference/array.js';
import type { DeviceName } from './device.js';

export type DType = 'float32' | 'int32' | 'float64';

/** Autograd's record of how one or more tensors were made (see autograd/engine.ts). */
export interface GradNode {
  readonly op: string;
  /** The op's inputs; gradients flow to those that require them. */
  readonly inputs: readonly Tensor[];
  /** The op's outputs (one for most ops); their gradients reach `backward` in this order. */
  readonly outputs: readonly Tensor[];
  /**
   * Gradients of the inputs given the outputs' gradients (undefined: an output
   * the loss does not depend on; in the result: no gradient for that input).
   */
  backward: ((grads: (Tensor | undefined)[]) => (Tensor | undefined)[]) | undefined;
  /** Tensors the op made for itself (saved values, scalar operands), freed with the graph. */
  readonly owned: readonly Tensor[];
}

type Storage = { kind: 'native'; handle: NativeTensor } | { kind: 'reference'; array: RefArray };

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
}

let backwardImpl: ((t: Tensor, grad: Tensor | undefined, options: BackwardOptions) => void) | undefined;

let formatImpl: ((t: Tensor) => string) | undefined;

/** Installed by ops/format.ts, which slices a large tensor before reading it (ops sit above this file). */
export function setFormatImpl(f: typeof formatImpl): void {
  formatImpl = f;
}

/** Installed by autograd/engine.ts (kept apart to avoid an import cycle). */
export function setBackwardImpl(f: typeof backwardImpl): void {
  backwardImpl = f;
}

/**
 * A structured clone (postMessage to a worker, structuredClone) copies a class
 * instance's own fields and drops its private storage, so a tensor would arrive
 * as an empty shell. A field holding a symbol cannot be cloned: the send throws
 * a DataCloneError quoting this description instead.
 */
const NOT_CLONEABLE = Symbol(
  'foveate Tensor: a tensor cannot be sent with postMessage or structuredClone; send t.toFloat32Array() (or toInt32Array()) and t.shape, and rebuild it with fv.tensor(values, shape)',
);

export class Tensor {
  /** Makes postMessage(tensor) throw a clear DataCloneError (see NOT_CLONEABLE). */
  readonly cloneGuard: symbol = NOT_CLONEABLE;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: DeviceName;
  /** Set on leaves by the user; on op results by autograd. */
  requiresGrad = false;
  /** The accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | undefined;
  /** How this tensor was computed, when it is part of a graph. */
  node: GradNode | undefined;
  #storage: Storage | undefined;

  private constructor(storage: Storage, shape: readonly number[], dtype: DType, device: DeviceName) {
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.device = device;
    track(this);
  }

  /** Wraps a native handle (float32 or int32). */
  static fromNative(handle: NativeTensor): Tensor {
    return new Tensor({ kind: 'native', handle }, handle.shape, handle.dtype as DType, handle.device as DeviceName);
  }

  /** Wraps float64 values for the reference kernels (host memory, device 'cpu'). */
  static fromReference(array: RefArray): Tensor {
    return new Tensor({ kind: 'reference', array }, array.shape, 'float64', 'cpu');
  }

  /** The native handle, or an error naming `op` (disposed, or a float64 tensor). */
  handle(op: string): NativeTensor {
    const s = this.#live(op);
    if (s.kind !== 'native') fail(op, `expected a float32/int32 tensor, got float64 ${fmtShape(this.shape)}`);
    return s.handle;
  }

  /** The float64 values of a reference tensor. */
  array(op: string): RefArray {
    const s = this.#live(op);
    if (s.kind !== 'reference') fail(op, `expected a float64 tensor, got ${this.dtype} ${fmtShape(this.shape)}`);
    return s.array;
  }

  #live(op: string): Storage {
    if (this.#storage === undefined) fail(op, `tensor ${fmtShape(this.shape)} was disposed and cannot be used again`);
    return this.#storage;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get isDisposed(): boolean {
    return this.#storage === undefined;
  }

  /** Outside every tidy scope now: the GC may free it if it is dropped undisposed (memory.ts). */
  unscoped(): void {
    if (this.#storage?.kind === 'native') this.#storage.handle.watch();
  }

  /** Frees the native buffer now. Later use throws; disposing twice is harmless. */
  dispose(): void {
    if (this.#storage?.kind === 'native') this.#storage.handle.dispose();
    this.#storage = undefined;
  }

  /** The values as a Float32Array (copied to the host; other dtypes converted). */
  toFloat32Array(): Float32Array {
    const s = this.#live('toFloat32Array');
    return s.kind === 'native' ? s.handle.toFloat32() : Float32Array.from(s.array.data);
  }

  /** The values as a Float64Array (exact for float64 tensors). */
  toFloat64Array(): Float64Array {
    const s = this.#live('toFloat64Array');
    return s.kind === 'native' ? Float64Array.from(s.handle.toFloat32()) : Float64Array.from(s.array.data);
  }

  /** The values of an int32 tensor as an Int32Array. */
  toInt32Array(): Int32Array {
    return this.handle('toInt32Array').toInt32();
  }

  /** Nested arrays, for printing and tests. */
  toArray(): unknown {
    const flat = Array.from(this.dtype === 'int32' ? this.toInt32Array() : this.toFloat64Array());
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.rank) return flat[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) fail('item', `tensor must have exactly one element, got shape ${fmtShape(this.shape)}`);
    const s = this.#live('item');
    return s.kind === 'native' ? s.handle.toFloat32()[0]! : s.array.data[0]!;
  }

  /**
   * Overwrites this tensor's values with `src`'s, in place (same shape and
   * dtype; `src` may live on another device). Not recorded by autograd.
   */
  assign(src: Tensor): void {
    if (src === this) return;
    if (!sameShape(src.shape, this.shape) || src.dtype !== this.dtype) {
      fail('assign', `src ${src.dtype} ${fmtShape(src.shape)} does not match the destination ${this.dtype} ${fmtShape(this.shape)}`);
    }
    const s = this.#live('assign');
    if (s.kind === 'native') s.handle.assign(src.handle('assign'));
    else this.#storage = { kind: 'reference', array: { shape: [...this.shape], data: src.array('assign').data.slice() } };
  }

  /** A copy on `device` ('cpu' or 'cuda'). */
  to(device: DeviceName): Tensor {
    if (this.dtype === 'float64' && device !== 'cpu') fail('to', `float64 tensors live on the cpu reference path, cannot move to ${device}`);
    return this.dtype === 'float64' ? Tensor.fromReference(this.array('to')) : Tensor.fromNative(this.handle('to').to(device));
  }

  /**
   * Back-propagates from this tensor: a scalar, or any shape given `grad`.
   * @example const loss = fv.ops.sum(fv.ops.mul(w, w)); loss.backward(); w.grad // 2w
   */
  backward(grad?: Tensor, options: BackwardOptions = {}): void {
    if (!backwardImpl) fail('backward', 'autograd engine not loaded');
    backwardImpl(this, grad, options);
  }

  /**
   * The values as PyTorch prints them, then shape, dtype and device; a large
   * tensor shows its first and last 3 entries per axis (only those are read).
   * @example String(fv.tensor([0.1, 0.2], [2])) // 'tensor([0.1000, 0.2000], shape=[2], dtype=float32, device=cpu)'
   */
  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    if (formatImpl) return formatImpl(this);
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.device}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  /** What console.log and util.inspect show: toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// The tape. Recording ops on it: an op's result remembers its inputs and how to
// turn the result's gradient into theirs (micrograd's `_backward`, kept as a
// closure right where the op computes its forward).

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording a graph (evaluation, optimiser updates).
 * @example const y = fv.noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') fail('noGrad', `fn must be a function, got ${typeof fn}`);
  // Grad mode is restored when fn returns: after an await, ops would record again.
  if (isAsync(fn)) fail('noGrad', 'fn must be synchronous, got an async function (await outside noGrad, or wrap each synchronous step)');
  const before = gradEnabled;
  gradEnabled = false;
  let result: T;
  try {
    result = fn();
  } finally {
    gradEnabled = before;
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    fail('noGrad', 'fn must be synchronous, it returned a Promise');
  }
  return result;
}

/**
 * Attaches `backward` to `out` when grad mode is on and an input requires a
 * gradient. `backward(g)` returns one gradient (or undefined) per input.
 * `owned` tensors (made by the op for itself) live as long as the graph needs them.
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => (Tensor | undefined)[],
  owned: readonly Tensor[] = [],
): Tensor {
  recordMulti(op, [out], inputs, (grads) => backward(grads[0]!), owned);
  return out;
}

/**
 * `record` for an op with several outputs (the LSTM cell's h' and c'): one node
 * for all of them, so the backward runs once with every output's gradient —
 * undefined for an output the loss does not reach.
 */
export function recordMulti(
  op: string,
  outs: readonly Tensor[],
  inputs: readonly Tensor[],
  backward: (grads: (Tensor | undefined)[]) => (Tensor | undefined)[],
  owned: readonly Tensor[] = [],
): void {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    const node: GradNode = { op, inputs, outputs: outs, backward, owned };
    for (const out of outs) {
      out.requiresGrad = true;
      out.node = node;
    }
  } else {
    for (const t of owned) t.dispose();
  }
}

/** A tensor with the same values, cut from the graph. */
export function detach(x: Tensor): Tensor {
  return x.dtype === 'float64' ? Tensor.fromReference(x.array('detach')) : Tensor.fromNative(x.handle('detach').reshape([...x.shape]));
}
