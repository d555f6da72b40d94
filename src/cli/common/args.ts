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

/**
 * `--steps -5`: parseArgs reads `-5` as an option and calls the value ambiguous.
 * A negative number after a string option is its value (`--steps=-5`), so the
 * option's own check answers ("--steps must be an integer ≥ 1, got -5").
 */
export function joinNegativeValues(argv: readonly string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name !== undefined && specs[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity$)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** " (did you mean 'x'?)" for the name nearest `given`, or ''. */
export function didYouMean(given: string, names: readonly string[], prefix = ''): string {
  const near = nearestOption(given, names);
  return near === undefined ? '' : ` (did you mean '${prefix}${near}'?)`;
}

/**
 * The entries of a command list (HELP in main.ts: each entry a `  foveate …` line and
 * the lines indented under it) whose command starts with `foveate <group>`, e.g.
 * every `foveate train …` entry for `foveate train --help`.
 */
export function helpEntries(help: string, group: string): string[] {
  const entries: string[] = [];
  let current: string[] | undefined;
  for (const line of help.split('\n')) {
    if (/^ {2}foveate /.test(line)) {
      current = line.startsWith(`  foveate ${group} `) || line === `  foveate ${group}` ? [line] : undefined;
      if (current) entries.push('');
    } else if (!/^ {3,}\S/.test(line)) {
      current = undefined;
    }
    if (current) entries[entries.length - 1] = [entries[entries.length - 1], line].filter(Boolean).join('\n');
  }
  return entries;
}

/** The names listed after `foveate <group>` in a command list: commandNames(HELP, 'train') → ['mnist', …]; commandNames(HELP) → the commands. */
export function commandNames(help: string, group?: string): string[] {
  const re = group === undefined ? /^ {2}foveate ([a-z][\w-]*)/ : new RegExp(`^ {2}foveate ${group} ([a-z][\\w-]*)`);
  const names = help.split('\n').map((l) => re.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

/**
 * For a command with subcommands (`foveate train <model>`): with --help, -h or help
 * prints that group's entries of `help` and returns true (nothing to run); with no
 * subcommand, or an unknown one, throws naming the choices and the nearest.
 */
export function groupHelp(help: string, group: string, noun: string, argv: readonly string[]): boolean {
  const [what] = argv;
  const names = commandNames(help, group);
  if (what === '--help' || what === '-h' || what === 'help') {
    console.log([`foveate ${group} — one of: ${names.join(', ')}`, '', 'Usage:', ...helpEntries(help, group), '', `  foveate ${group} <${noun}> --help   every option of one, with its default`].join('\n'));
    return true;
  }
  if (what === undefined || !names.includes(what)) {
    const given = what === undefined ? `no ${noun} given` : `unknown ${noun} '${what}'${didYouMean(what, names)}`;
    throw new Error(`${group}: ${given}; expected one of: ${names.join(', ')} (foveate ${group} --help)`);
  }
  return false;
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
    return parseArgs({ args: joinNegativeValues(argv, specs), options: options as ParseArgsConfig['options'], strict: true }).values as OptionValues<S>;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '-{1,2}([^']+)'/.exec(message)?.[1];
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(specs), '--');
    throw new Error(`${cmd}: ${message}${hint} (foveate ${cmd} --help lists the options)`);
  }
}
