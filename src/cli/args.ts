// Option parsing shared by the CLI commands: numbers checked with messages that
// name the command and the flag.

/** `--name` as an integer ≥ min, e.g. intOption('train mnist', 'steps', '3000', 1). */
export function intOption(cmd: string, name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${cmd}: --${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

/** `--name` as a number > 0, e.g. positiveOption('train mnist', 'lr', '1e-3'). */
export function positiveOption(cmd: string, name: string, value: string): number {
  const x = Number(value);
  if (!(x > 0)) throw new Error(`${cmd}: --${name} must be positive, got ${value}`);
  return x;
}
