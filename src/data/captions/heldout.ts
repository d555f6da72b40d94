// Splits of foveate scenes, including the held-out-combinations test split: a seeded
// set of category pairs that no train, val or test scene contains; every 'heldout'
// scene contains one of them. Each held-out category still appears in training
// (with other partners), so the split asks whether a captioner can name a pair it
// has only seen apart — compositional generalisation, not new words.
import { permutation } from '../batches.js';

export type SceneSplit = 'train' | 'val' | 'test' | 'heldout';

/** Key of an unordered category pair. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** `count` distinct category pairs drawn from all pairs, seeded. */
export function heldoutPairs(categories: readonly string[], count: number, rng: () => number): string[][] {
  const n = categories.length;
  const total = (n * (n - 1)) / 2;
  const want = Math.min(count, total);
  const keys = new Set<string>();
  const out: string[][] = [];
  while (out.length < want) {
    const i = Math.floor(rng() * n);
    const j = Math.floor(rng() * n);
    if (i === j) continue;
    const key = pairKey(categories[i]!, categories[j]!);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(categories[i]! < categories[j]! ? [categories[i]!, categories[j]!] : [categories[j]!, categories[i]!]);
  }
  return out;
}

/**
 * The split of each of n scenes: `fraction` of them (rounded, at least one when n ≥ 4)
 * each for val, test and heldout (none without held-out pairs), the rest train, by a
 * seeded permutation.
 */
export function sceneSplits(n: number, seed: number, fraction: number, heldout: boolean): SceneSplit[] {
  const k = n >= 4 ? Math.max(1, Math.round(fraction * n)) : 0;
  const out: SceneSplit[] = new Array(n).fill('train');
  const order = permutation(n, seed);
  const parts: SceneSplit[] = heldout ? ['val', 'test', 'heldout'] : ['val', 'test'];
  parts.forEach((s, p) => {
    for (let i = p * k; i < (p + 1) * k && i < n; i++) out[order[i]!] = s;
  });
  return out;
}

/**
 * `k` distinct categories for a scene of `split`: a held-out pair plus others for
 * 'heldout' scenes; for the other splits, a draw that contains no held-out pair.
 */
export function drawCategories(categories: readonly string[], k: number, split: SceneSplit, pairs: readonly string[][], banned: ReadonlySet<string>, rng: () => number): string[] {
  const out: string[] = [];
  if (split === 'heldout') out.push(...pairs[Math.floor(rng() * pairs.length)]!);
  for (let tries = 0; tries < 1000 && out.length < k; tries++) {
    const c = categories[Math.floor(rng() * categories.length)]!;
    if (out.includes(c)) continue;
    if (split !== 'heldout' && out.some((o) => banned.has(pairKey(o, c)))) continue;
    out.push(c);
  }
  if (out.length < k) throw new Error(`scenes: could not draw ${k} categories without a held-out pair from ${categories.length}; use fewer held-out pairs`);
  return shuffledInPlace(out, rng);
}

function shuffledInPlace<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
