// Option parsing shared by the CLI commands: each command declares its options
// with a line of help (so `foveate <command> --help` lists them with their
// defaults), and numbers are checked with messages that name the command and the flag.
import { nearestOption } from '../../options.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** One command-line option: its parseArgs type and default, and a line of help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  default?: string | boolean;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed values: an option with a default is always there. */
export type OptionValues<S extends OptionSpecs> = {
  [K in keyof S]: (S[K]['type'] extends 'boolean' ? boolean : string) | (S[K] extends { default: string | boolean } ? never : undefined);
};

/** A command's usage: what it does, then each option with its default. */
export function usage(cmd: string, summary: string, specs: OptionSpecs): string {
  const flag = (name: string, s: OptionSpec): string => (s.type === 'boolean' ? `--${name}` : `--${name} ${name.toUpperCase().replace(/-/g, '_')}`);
  const width = Math.max(...Object.entries(specs).map(([n, s]) => flag(n, s).length));
  const lines = Object.entries(specs).map(([n, s]) => {
    const byDefault = s.default === undefined || s.default === false ? '' : ` (default ${String(s.default)})`;
    return `  ${flag(n, s).padEnd(width)}  ${s.help}${byDefault}`;
  });
  return [`foveate ${cmd} — ${summary}`, '', 'Options:', ...lines, `  ${'--help'.padEnd(width)}  this text`].join('\n');
}

/** Whether the arguments ask for a command's help. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Parses `argv` against `specs`; with --help or -h prints the command's usage
 * instead and returns undefined (the command then does nothing).
 * @example const values = parseCommand('train draw', 'DRAW on …', argv, { steps: { type: 'string', default: '10000', help: 'training steps' } });
 */
export function parseCommand<S extends OptionSpecs>(cmd: string, summary: string, argv: string[], specs: S): OptionValues<S> | undefined {
  if (wantsHelp(argv)) {
    console.log(usage(cmd, summary, specs));
    return undefined;
  }
  const options = Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, s.default === undefined ? { type: s.type } : { type: s.type, default: s.default }]));
  try {
    return parseArgs({ args: argv, options: options as ParseArgsConfig['options'], strict: true }).values as OptionValues<S>;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '-{1,2}([^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : nearestOption(unknown, Object.keys(specs));
    const hint = near === undefined ? '' : ` (did you mean '--${near}'?)`;
    throw new Error(`${cmd}: ${message}${hint} (foveate ${cmd} --help lists the options)`);
  }
}
