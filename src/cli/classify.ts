// `foveate classify --image F [--top 5]`: the ImageNet classes EfficientNet-Lite0
// sees in an image file (decoded and resized by fv.data.loadImage: the shorter side
// to 224, the centre cropped, transparency on white), with their probabilities.
import { basename } from 'node:path';
import * as fv from '../index.js';
import { intOption, parseCommand } from './common/args.js';

export interface ClassifyArgs {
  image: string;
  top: number;
  size: number;
  weights?: string;
}

/** The printed table for one image. */
export async function classifyImage(args: ClassifyArgs): Promise<string> {
  const net = fv.models.efficientNetLite0(args.weights === undefined ? {} : { weights: args.weights });
  try {
    const x = await fv.data.loadImage(args.image, { size: args.size, channels: 3 });
    const top = fv.tidy(() => {
      const input = fv.data.normalizeImage(x, 'efficientnet-lite').reshape([1, 3, args.size, args.size]);
      return fv.models.topImagenetClasses(fv.noGrad(() => net.forward(input)), args.top)[0]!;
    });
    x.dispose();
    const width = Math.max(...top.map((c) => c.name.length));
    const lines = top.map((c, i) => `${String(i + 1).padStart(2)}. ${c.name.padEnd(width)}  ${(100 * c.probability).toFixed(1).padStart(5)}%   (${c.id}: ${c.synonyms})`);
    return [`${basename(args.image)} — EfficientNet-Lite0 (ImageNet), ${args.size}×${args.size}`, ...lines].join('\n');
  } finally {
    net.dispose();
  }
}

export async function classifyCommand(argv: string[]): Promise<void> {
  const values = parseCommand('classify', 'the ImageNet classes EfficientNet-Lite0 sees in an image (JPEG, PNG, WebP, …), with probabilities', argv, {
    image: { type: 'string', help: 'the image file, required' },
    top: { type: 'string', default: '5', help: 'how many classes to print' },
    size: { type: 'string', default: '224', help: 'the square the image is resized to (shorter side, centre crop)' },
    weights: { type: 'string', help: 'a safetensors state dict (default: the fetched efficientnet-lite0 asset)' },
  });
  if (!values) return;
  if (values.image === undefined) throw new Error('classify: --image is required (foveate classify --image photo.jpg)');
  const top = intOption('classify', 'top', values.top, 1);
  if (top > 1000) throw new Error(`classify: --top must be at most 1000, got ${top}`);
  const size = intOption('classify', 'size', values.size, 32);
  console.log(await classifyImage({ image: values.image, top, size, weights: values.weights }));
}
