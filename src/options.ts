// Strict options: every options/config object a user passes is checked here, so a
// misspelt key fails loudly instead of silently taking the default
// ("Adam: unknown option 'learningRate' (did you mean 'lr'?); accepted: lr, betas, eps, weightDecay").

/** Edit distance with adjacent transpositions (optimal string alignment), small strings only. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Well-known names from other libraries, mapped to ours where no edit distance finds them. */
const ALIASES: Record<string, readonly string[]> = {
  learningrate: ['lr'],
  learning_rate: ['lr'],
  stdev: ['std'],
  stddev: ['std'],
  keepdim: ['keepdims', 'keepDims'],
  weight_decay: ['weightDecay'],
  tsteps: ['T'],
  steps: ['T'],
  timesteps: ['T'],
};

/** The accepted key nearest to `key`, or undefined when none is close enough. */
export function nearestOption(key: string, accepted: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = accepted.find((a) => a.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const alias = ALIASES[lower]?.find((a) => accepted.includes(a));
  if (alias !== undefined) return alias;
  const bare = lower.replace(/[_-]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const a of accepted) {
    const d = editDistance(bare, a.toLowerCase());
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  // Close: at most a third of the longer name changed (at least one edit, at most three).
  const limit = best === undefined ? 0 : Math.min(3, Math.max(1, Math.floor(Math.max(key.length, best.length) / 3)));
  if (best !== undefined && bestDistance <= limit) return best;
  // A key that contains an accepted name or is contained in one ('countIncludePadding',
  // 'grad'), the longest such name; else a long shared prefix ('reduce' → 'reduction').
  // Three characters at least: 'lr' inside 'learningRate' is too weak a signal.
  const contained = accepted
    .filter((a) => a.length >= 3 && lower.length >= 3 && (lower.includes(a.toLowerCase()) || a.toLowerCase().includes(lower)))
    .sort((x, y) => y.length - x.length)[0];
  if (contained !== undefined) return contained;
  const prefix = (a: string): number => {
    let n = 0;
    while (n < a.length && n < lower.length && a[n]!.toLowerCase() === lower[n]) n++;
    return n;
  };
  return accepted.find((a) => prefix(a) >= Math.max(4, Math.ceil(0.7 * Math.min(a.length, lower.length))));
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `accepted`;
 * throws `where: unknown option 'k' (did you mean 'x'?); accepted: a, b` otherwise.
 * Keys whose value is undefined are checked too: a misspelt key is wrong whatever its value.
 */
export function checkOptions(where: string, options: unknown, accepted: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : `${typeof options} ${String(options)}`;
    throw new Error(`${where}: options must be an object, expected { ${accepted.join(', ')} }, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (accepted.includes(key)) continue;
    const near = nearestOption(key, accepted);
    const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
    const list = accepted.length === 0 ? 'none' : accepted.join(', ');
    throw new Error(`${where}: unknown option '${key}'${hint}; accepted: ${list}`);
  }
}
