// Weight initialisers (seeded by fv.seed): Gaussian, Glorot/Xavier, He/Kaiming.
// fanIn/fanOut follow PyTorch: [out, in, ...kernel] → in·k and out·k.
import { fail, fmtShape } from '../errors.js';
import { rand, randn } from '../creation.js';
import { type DeviceName } from '../device.js';
import { type Tensor } from '../tensor.js';

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) fail('init', `fan in/out need a weight of rank ≥ 2, got ${fmtShape(shape)}`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** N(0, std²). */
export const gaussian = (shape: readonly number[], std = 0.01, device?: DeviceName): Tensor => randn(shape, { std, device });

/** U(−b, b) with b = √(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export function glorotUniform(shape: readonly number[], device?: DeviceName): Tensor {
  const { fanIn, fanOut } = fans(shape);
  const b = Math.sqrt(6 / (fanIn + fanOut));
  return rand(shape, { low: -b, high: b, device });
}

/** N(0, 2 / (fanIn + fanOut)). */
export function glorotNormal(shape: readonly number[], device?: DeviceName): Tensor {
  const { fanIn, fanOut } = fans(shape);
  return randn(shape, { std: Math.sqrt(2 / (fanIn + fanOut)), device });
}

/** N(0, 2 / fanIn), for ReLU networks (He et al. 2015). */
export function heNormal(shape: readonly number[], device?: DeviceName): Tensor {
  return randn(shape, { std: Math.sqrt(2 / fans(shape).fanIn), device });
}

/** U(−b, b) with b = √(6 / fanIn). */
export function heUniform(shape: readonly number[], device?: DeviceName): Tensor {
  const b = Math.sqrt(6 / fans(shape).fanIn);
  return rand(shape, { low: -b, high: b, device });
}

/** PyTorch's default for Linear/Conv weights and biases: U(−1/√fanIn, 1/√fanIn). */
export function uniformFanIn(shape: readonly number[], fanIn: number, device?: DeviceName): Tensor {
  const b = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return rand(shape, { low: -b, high: b, device });
}
