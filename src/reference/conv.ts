// conv2d (cross-correlation, as PyTorch's) and its two gradients, straight from
// the definition, in float64:
//   y[n,o,oh,ow] = b[o] + Σ_{c∈group(o), i, j} x[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] · w[o, c − c0(o), i, j]
// with x = 0 outside the input; ph/pw are the padding above/left, and the padding
// below/right (paddingEnd, the same unless asymmetric) only sets the output size. The gradients visit the same (output, tap) pairs.
import { size, type RefArray } from './array.js';

export interface Conv2dArgs {
  stride: [number, number];
  /** Zeros above and to the left of the input: [top, left]. */
  padding: [number, number];
  /** Zeros below and to the right, [bottom, right], when they differ from `padding`. */
  paddingEnd?: [number, number];
  dilation: [number, number];
  groups: number;
}

/** An activation conv2d applies to its output: max(y, 0) or min(max(y, 0), 6). */
export type ConvActivation = 'relu' | 'relu6';

/** The activation's [low, high] bounds. */
export function activationBounds(a: ConvActivation): [number, number] {
  return a === 'relu' ? [0, Infinity] : [0, 6];
}

/** Output size along one axis (`padEnd`: the padding after the input, when it differs from `pad`). */
export function convOutSize(input: number, kernel: number, stride: number, pad: number, dilation: number, padEnd = pad): number {
  return Math.floor((input + pad + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Calls f(xAt, wAt, yAt) for every product term of the convolution. */
function forEachTap(xShape: readonly number[], wShape: readonly number[], a: Conv2dArgs, f: (xi: number, wi: number, yi: number) => void): number[] {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const end = a.paddingEnd ?? a.padding;
  const ho = convOutSize(h, kh, a.stride[0], a.padding[0], a.dilation[0], end[0]);
  const wo = convOutSize(w, kw, a.stride[1], a.padding[1], a.dilation[1], end[1]);
  const og = o / a.groups;
  for (let s = 0; s < n; s++) {
    for (let oc = 0; oc < o; oc++) {
      const c0 = Math.floor(oc / og) * cg;
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          const yi = ((s * o + oc) * ho + oh) * wo + ow;
          for (let ci = 0; ci < cg; ci++) {
            for (let i = 0; i < kh; i++) {
              const ih = oh * a.stride[0] - a.padding[0] + i * a.dilation[0];
              if (ih < 0 || ih >= h) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow * a.stride[1] - a.padding[1] + j * a.dilation[1];
                if (iw < 0 || iw >= w) continue;
                f(((s * c + c0 + ci) * h + ih) * w + iw, ((oc * cg + ci) * kh + i) * kw + j, yi);
              }
            }
          }
        }
      }
    }
  }
  return [n, o, ho, wo];
}

export function conv2d(x: RefArray, weight: RefArray, bias: RefArray | undefined, a: Conv2dArgs, activation?: ConvActivation): RefArray {
  const [n, o, ho, wo] = forEachTap(x.shape, weight.shape, a, () => {});
  const data = new Float64Array(n * o * ho * wo);
  if (bias) for (let i = 0; i < data.length; i++) data[i] = bias.data[Math.floor(i / (ho * wo)) % o]!;
  forEachTap(x.shape, weight.shape, a, (xi, wi, yi) => (data[yi]! += x.data[xi]! * weight.data[wi]!));
  if (activation) {
    const [lo, hi] = activationBounds(activation);
    // NaN passes (v < lo and v > hi are both false), as the kernels' clamp.
    for (let i = 0; i < data.length; i++) data[i] = data[i]! < lo ? lo : data[i]! > hi ? hi : data[i]!;
  }
  return { shape: [n, o, ho, wo], data };
}

/** ∂L/∂x from ∂L/∂y (grad [N,O,Ho,Wo]). */
export function conv2dBackwardInput(grad: RefArray, weight: RefArray, xShape: readonly number[], a: Conv2dArgs): RefArray {
  const data = new Float64Array(size(xShape));
  forEachTap(xShape, weight.shape, a, (xi, wi, yi) => (data[xi]! += grad.data[yi]! * weight.data[wi]!));
  return { shape: [...xShape], data };
}

/** ∂L/∂w from ∂L/∂y (grad [N,O,Ho,Wo]). */
export function conv2dBackwardWeight(grad: RefArray, x: RefArray, wShape: readonly number[], a: Conv2dArgs): RefArray {
  const data = new Float64Array(size(wShape));
  forEachTap(x.shape, wShape, a, (xi, wi, yi) => (data[wi]! += grad.data[yi]! * x.data[xi]!));
  return { shape: [...wShape], data };
}
