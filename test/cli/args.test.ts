// The CLI's option parsing: every command's --help lists its options with their
// defaults, defaults fill in, and a mistyped option names the command and where
// to look.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommand, usage, wantsHelp } from '../../src/cli/common/args.js';
import { main } from '../../src/cli/main.js';
import { messageOf } from '../helpers/errors.js';

const specs = {
  steps: { type: 'string', default: '100', help: 'training steps' },
  out: { type: 'string', help: 'run folder' },
  resume: { type: 'boolean', default: false, help: 'continue' },
} as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CLI options', () => {
  it('fill in defaults and keep the given values', () => {
    expect(parseCommand('train x', 'x', [], specs)).toEqual({ steps: '100', resume: false });
    expect(parseCommand('train x', 'x', ['--steps', '7', '--out', 'd', '--resume'], specs)).toEqual({ steps: '7', out: 'd', resume: true });
  });

  it('--help and -h print the usage instead of running', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(parseCommand('train x', 'does x', ['--steps', '7', '--help'], specs)).toBeUndefined();
    expect(parseCommand('train x', 'does x', ['-h'], specs)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(2);
    expect(log.mock.calls[0]![0]).toBe(usage('train x', 'does x', specs));
    expect(wantsHelp(['a', '-h'])).toBe(true);
    expect(wantsHelp(['--steps', '3'])).toBe(false);
  });

  it('usage lists every option with its default', () => {
    const text = usage('train x', 'does x', specs);
    expect(text).toMatch(/^foveate train x — does x/);
    expect(text).toMatch(/--steps STEPS +training steps \(default 100\)/);
    expect(text).toMatch(/--out OUT +run folder\n/);
    expect(text).toMatch(/--resume +continue\n/);
    expect(text).toMatch(/--help +this text$/);
  });

  it('an unknown option names the command and its --help', () => {
    expect(messageOf(() => parseCommand('train x', 'x', ['--stepz', '3'], specs))).toMatch(/^train x: Unknown option '--stepz' \(did you mean '--steps'\?\) \(foveate train x --help lists the options\)/);
    expect(messageOf(() => parseCommand('train x', 'x', ['--zzz'], specs))).toMatch(/^train x: Unknown option '--zzz' \(foveate train x --help lists the options\)/);
  });

  it.each(['train draw', 'train mnist', 'train bn-mnist', 'train bn-inception', 'eval draw', 'eval captions', 'sample draw', 'bench', 'start', 'fetch', 'classify'])(
    'foveate %s --help lists the options and does nothing else',
    async (command) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const args = command.split(' ');
      expect(await main([...args, '--help'])).toBe(0);
      expect(log).toHaveBeenCalledTimes(1);
      const text = String(log.mock.calls[0]![0]);
      expect(text.startsWith(`foveate ${args.join(' ')} — `)).toBe(true);
      expect(text).toMatch(/\n {2}--help +this text$/);
    },
  );
});
