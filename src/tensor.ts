// Tensor: the TypeScript face of a NativeTensor. Shape, dtype and device are
// read once at construction; the buffer stays native until asked for.
import { fail, fmtShape } from './errors.js';
import { track } from './memory.js';
import { native, type NativeTensor } from './native.js';
import type { DeviceName } from './device.js';

export type DType = 'float32' | 'int32';

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: DeviceName;
  #handle: NativeTensor | undefined;

  /** Wraps a native handle; library code calls this, users call `fv.tensor`. */
  constructor(handle: NativeTensor) {
    this.#handle = handle;
    this.shape = Object.freeze(handle.shape);
    this.dtype = handle.dtype as DType;
    this.device = handle.device as DeviceName;
    track(this);
  }

  /** The native handle, or an error naming `op` when the tensor was disposed. */
  handle(op: string): NativeTensor {
    if (this.#handle === undefined) fail(op, `tensor ${fmtShape(this.shape)} was disposed and cannot be used again`);
    return this.#handle;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get isDisposed(): boolean {
    return this.#handle === undefined;
  }

  /** Frees the native buffer now. Later use throws; disposing twice is harmless. */
  dispose(): void {
    this.#handle?.dispose();
    this.#handle = undefined;
  }

  /** The values as a Float32Array (copied to the host; int32 values converted). */
  toFloat32Array(): Float32Array {
    return this.handle('toFloat32Array').toFloat32();
  }

  /** The values of an int32 tensor as an Int32Array. */
  toInt32Array(): Int32Array {
    return this.handle('toInt32Array').toInt32();
  }

  /** Nested arrays, for printing and tests. */
  toArray(): unknown {
    const flat = Array.from(this.dtype === 'int32' ? this.toInt32Array() : this.toFloat32Array());
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
    return this.toFloat32Array()[0]!;
  }

  /** A copy on `device` ('cpu' or 'cuda'). */
  to(device: DeviceName): Tensor {
    return new Tensor(this.handle('to').to(device));
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.device})`;
  }
}

/** Wraps a native result (shorthand used by every op). */
export function wrap(h: NativeTensor): Tensor {
  return new Tensor(h);
}

export { native };
