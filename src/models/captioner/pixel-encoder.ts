// A fixed, parameter-free image encoder: the image average-pooled to a g×g grid of
// colours, normalised to mean 0 (each location's annotation is its cell's RGB). It is
// no ImageNet network: it serves where a pretrained one is not at hand (tests, quick
// looks at plain-background scenes, where an object's colour says much of what it is)
// and shows the captioner's plumbing end to end at a tiny cost.
import { checkOptions } from '../../options.js';
import { fail, fmtShape } from '../../errors.js';
import { addScalar, avgPool2d, mulScalar } from '../../ops/index.js';
import { type Tensor } from '../../tensor.js';
import { type FeatureEncoder } from '../../data/captions/feature-cache.js';

/**
 * The pooled-pixel encoder: images [B,3,size,size] in [0, 1] → [B,3,grid,grid]
 * (2x − 1 averaged over each cell). `size` must be a multiple of `grid`.
 * @example const enc = pooledPixelEncoder({ size: 64, grid: 4 }); enc.encode(images); // [B,3,4,4]
 */
export function pooledPixelEncoder(options: { size: number; grid: number }): FeatureEncoder {
  const op = 'pooledPixelEncoder';
  checkOptions(op, options, ['size', 'grid']);
  const { size, grid } = options;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(grid) || grid < 1 || size < grid || size % grid !== 0) fail(op, `size must be a positive multiple of grid, got size ${size}, grid ${grid}`);
  const k = size / grid;
  return {
    name: 'pixels',
    layer: `pool${grid}`,
    size,
    encode(images: Tensor): Tensor {
      const s = images.shape;
      if (s.length !== 4 || s[1] !== 3 || s[2] !== size || s[3] !== size) fail(op, `images must be [B,3,${size},${size}], got ${fmtShape(s)}`);
      return avgPool2d(addScalar(mulScalar(images, 2), -1), { kernel: k, stride: k });
    },
  };
}
