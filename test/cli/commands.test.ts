// The CLI at every level, as a user coming from other tools types it: --help on a
// command group and on each command, --version, "did you mean" for mistyped
// commands, subcommands and options, negative numbers, and `info`'s NVRTC line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandNames, groupHelp, helpEntries, joinNegativeValues, parseCommand } from '../../src/cli/common/args.js';
import { nvrtcDir, nvrtcStatus } from '../../src/cli/common/nvrtc.js';
import { main } from '../../src/cli/main.js';
import * as fv from '../../src/index.js';
import { messageOf } from '../helpers/errors.js';

const root = join(__dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs main() and returns what it printed (stdout, stderr) and its exit code or error. */
async function run(argv: string[]): Promise<{ out: string; err: string; code?: number; error?: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { out: out.join('\n'), err: err.join('\n'), code };
  } catch (e) {
    return { out: out.join('\n'), err: err.join('\n'), error: e instanceof Error ? e.message : String(e) };
  } finally {
    vi.restoreAllMocks();
  }
}

const HELP = `Usage:
  foveate info                      devices
  foveate train mnist [--model mlp|conv] [--steps N]
                    [--out DIR]
                                    MNIST classifiers
  foveate train draw [--preset P]   DRAW
  foveate eval draw --checkpoint F  its bound
  foveate start                     the default job

  foveate <command> --help          every option
`;

describe('CLI: command lists', () => {
  it('commandNames reads the commands and the subcommands of a group from the help text', () => {
    expect(commandNames(HELP)).toEqual(['info', 'train', 'eval', 'start']);
    expect(commandNames(HELP, 'train')).toEqual(['mnist', 'draw']);
    expect(commandNames(HELP, 'eval')).toEqual(['draw']);
  });

  it('helpEntries keeps each entry with its continuation lines', () => {
    expect(helpEntries(HELP, 'train')).toEqual([
      '  foveate train mnist [--model mlp|conv] [--steps N]\n                    [--out DIR]\n                                    MNIST classifiers',
      '  foveate train draw [--preset P]   DRAW',
    ]);
  });

  it('groupHelp prints the group, refuses a missing or unknown subcommand with the nearest', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(groupHelp(HELP, 'train', 'model', ['--help'])).toBe(true);
    expect(String(log.mock.calls[0]![0])).toMatch(/^foveate train — one of: mnist, draw\n\nUsage:\n {2}foveate train mnist/);
    expect(groupHelp(HELP, 'train', 'model', ['draw', '--steps', '3'])).toBe(false);
    expect(messageOf(() => groupHelp(HELP, 'train', 'model', ['drwa']))).toBe("train: unknown model 'drwa' (did you mean 'draw'?); expected one of: mnist, draw (foveate train --help)");
    expect(messageOf(() => groupHelp(HELP, 'train', 'model', []))).toBe('train: no model given; expected one of: mnist, draw (foveate train --help)');
    expect(messageOf(() => groupHelp(HELP, 'train', 'model', ['zzzzzz']))).toBe("train: unknown model 'zzzzzz'; expected one of: mnist, draw (foveate train --help)");
  });
});

describe('CLI: negative numbers', () => {
  const specs = { steps: { type: 'string', default: '10', help: 'steps' }, resume: { type: 'boolean', help: 'r' } } as const;

  it('a negative number after a string option is its value', () => {
    expect(joinNegativeValues(['--steps', '-5', '--resume'], specs)).toEqual(['--steps=-5', '--resume']);
    expect(joinNegativeValues(['--steps', '-.5'], specs)).toEqual(['--steps=-.5']);
    expect(joinNegativeValues(['--resume', '-5'], specs)).toEqual(['--resume', '-5']);
    expect(joinNegativeValues(['--steps', '-h'], specs)).toEqual(['--steps', '-h']);
    expect(parseCommand('train x', 'x', ['--steps', '-5'], specs)).toEqual({ steps: '-5' });
  });

  it.each([
    [["train", "mnist", "--steps", "-5"], /^train mnist: --steps must be an integer ≥ 0, got -5$/],
    [['train', 'draw', '--steps', '-5'], /^train draw: --steps must be an integer ≥ 0, got -5$/],
    [['train', 'mnist', '--lr', '-0.1'], /^train mnist: --lr must be positive, got -0.1$/],
    [['train', 'dram', '--batch-size', '-3'], /^train dram: --batch-size must be an integer ≥ 1, got -3$/],
  ])('foveate %j is refused by the number check, not the parser', async (argv, message) => {
    const r = await run(argv);
    expect(r.error).toMatch(message);
  });
});

describe('CLI: every level', () => {
  it.each(['train', 'eval', 'sample', 'export', 'plot', 'data'])('foveate %s --help lists its subcommands (exit 0)', async (group) => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await run([group, flag]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^foveate ${group} — one of: `));
      expect(r.out).toContain(`  foveate ${group} `);
    }
  });

  it.each([
    ['train mnist'], ['train bn-mnist'], ['train bn-inception'], ['train draw'], ['train dram'],
    ['eval captions'], ['eval draw'], ['eval dram'], ['sample draw'], ['export draw'], ['plot draw'], ['data cluttered'], ['info'], ['bench'], ['start'],
  ])('foveate %s --help prints its options and runs nothing', async (command) => {
    const r = await run([...command.split(' '), '--help']);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^foveate ${command} — `));
  });

  it('every subcommand in the help text has its own --help', async () => {
    const { HELP: text } = await import('../../src/cli/main.js');
    for (const group of ['train', 'eval', 'sample', 'export', 'plot', 'data']) {
      for (const name of commandNames(text, group)) {
        const r = await run([group, name, '--help']);
        expect(r.out, `${group} ${name}`).toMatch(new RegExp(`^foveate ${group} ${name} — `));
      }
    }
  });

  it('--version, -V and version print the package version', async () => {
    for (const flag of ['--version', '-V', 'version']) expect(await run([flag])).toEqual({ out: version, err: '', code: 0 });
  });

  it('a mistyped command, subcommand or option names the nearest', async () => {
    const cmd = await run(['trian', 'mnist']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toBe("foveate: unknown command 'trian' (did you mean 'train'?); foveate --help lists the commands");
    expect((await run(['evl'])).err).toMatch(/did you mean 'eval'\?/);
    expect((await run(['train', 'mnsit'])).error).toMatch(/^train: unknown model 'mnsit' \(did you mean 'mnist'\?\); expected one of: mnist, bn-mnist, bn-inception, draw, dram/);
    expect((await run(['train', 'bn-minst'])).error).toMatch(/did you mean 'bn-mnist'\?/);
    expect((await run(['eval', 'caption'])).error).toMatch(/did you mean 'captions'\?/);
    expect((await run(['sample', 'darw'])).error).toMatch(/did you mean 'draw'\?/);
    expect((await run(['train', 'mnist', '--step', '3'])).error).toMatch(/Unknown option '--step' \(did you mean '--steps'\?\)/);
    expect((await run(['train'])).error).toMatch(/^train: no model given; expected one of: mnist/);
  });
});

describe('CLI: info and NVRTC', () => {
  it("info's NVRTC line agrees with what the kernels load, and says where the library is when found", () => {
    const line = nvrtcStatus();
    if (fv.native.nvrtcAvailable()) expect(line).toMatch(/^available/);
    else if (nvrtcDir() !== undefined) expect(line).toMatch(/^found in \//);
    else expect(line).toMatch(/^not found/);
  });

  it('the built CLI finds libnvrtc where the tests do (scripts/find-nvrtc.js), without LD_LIBRARY_PATH', () => {
    const cli = join(root, 'dist', 'src', 'cli', 'main.js');
    const env = { ...process.env, LD_LIBRARY_PATH: '' };
    const r = spawnSync(process.execPath, [cli, 'info'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    const nvrtc = /^NVRTC: (.*)$/m.exec(r.stdout)?.[1];
    const dir = nvrtcDir();
    // Found by the tests' search: loadable from the CLI too (from the system's own path, or added by the CLI).
    if (dir === undefined) expect(nvrtc).toMatch(/^(available|not found)/);
    else expect(nvrtc).toMatch(new RegExp(`^available($| \\(libnvrtc from ${dir}, added to LD_LIBRARY_PATH\\))`));
  });
});
