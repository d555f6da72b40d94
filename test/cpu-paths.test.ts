// Issue 18: the native CPU kernels on every instruction-set path this machine has.
// The path is read once per process (FOVEATE_CPU, else the best the CPU has), so the
// cross-language op tests (test/ops/native-vs-reference) run again in a child vitest
// per other path, with FOVEATE_CPU set; a path this CPU lacks is skipped, saying so.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../src/native.js';

const root = join(__dirname, '..');
const entry = join(root, 'src', 'index.ts');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const PATHS = process.arch === 'arm64' ? ['neon', 'scalar'] : ['avx512', 'avx2', 'scalar'];
const cpu = native.cpuInfo();

interface Outcome { status: number | null; stdout: string; stderr: string }

function run(args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Loads foveate in a child with FOVEATE_CPU = `path`; prints the path taken or the load error. */
function load(path: string): Promise<Outcome> {
  const script = `try { const m = await import(${JSON.stringify(entry)}); const fv = m.native ? m : m.default;
console.log('PATH ' + fv.native.cpuInfo().path); } catch (e) { console.log('ERROR ' + e.message); }`;
  return run(['--import', 'tsx', '--input-type=module', '-e', script], { FOVEATE_CPU: path });
}

describe('FOVEATE_CPU', () => {
  it('without it, the kernels take the best path this CPU has', () => {
    if (process.env.FOVEATE_CPU) {
      console.log(`skipped: FOVEATE_CPU=${process.env.FOVEATE_CPU} is set for this run`);
      return;
    }
    expect(cpu.path).toBe(cpu.available[0]);
    expect(cpu.available.at(-1)).toBe('scalar');
  });

  it('an unknown path is an error at load, naming the paths there are', async () => {
    const r = await load('avx1024');
    expect(r.stdout.trim()).toBe('ERROR foveate: FOVEATE_CPU=avx1024: unknown CPU path, expected one of avx512, avx2, neon, scalar');
  });

  it('a path this CPU lacks is an error at load, not a fallback', async () => {
    const lacking = ['avx512', 'avx2', 'neon'].filter((p) => !cpu.available.includes(p));
    for (const p of lacking) {
      const r = await load(p);
      expect(r.stdout.trim()).toMatch(new RegExp(`^ERROR foveate: FOVEATE_CPU=${p}: this CPU lacks .*\\(it can run: ${cpu.available.join(', ')}\\)$`));
    }
  });

  it('foveate info names the CPU, its features and the path taken', async () => {
    const r = await run(['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'info'], { FOVEATE_CPU: 'scalar' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`CPU path: scalar (available: ${cpu.available.join(', ')}; FOVEATE_CPU chooses)`);
    expect(r.stdout).toContain(`features: ${cpu.features.join(' ') || 'none'}`);
  });

  for (const path of PATHS) {
    const has = cpu.available.includes(path);
    it.skipIf(!has)(`${path}: forced, it is the path taken`, async () => {
      const r = await load(path);
      expect(r.stdout.trim(), r.stderr).toBe(`PATH ${path}`);
    });
    // The one this process runs on is covered by test/ops itself.
    it.skipIf(!has || path === cpu.path)(`${path}: every native op matches src/reference`, async () => {
      const args = [vitest, 'run', 'test/ops/native-vs-reference.test.ts', '--reporter=dot'];
      const r = await run(args, { FOVEATE_CPU: path, NO_COLOR: '1', FORCE_COLOR: '0' });
      // eslint-disable-next-line no-control-regex
      const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
      const summary = plain.split('\n').filter((l) => /Tests\s+\d/.test(l)).join(' ').trim();
      console.log(`FOVEATE_CPU=${path}: ${summary}`);
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(summary).toMatch(/\d+ passed/);
    }, 900_000);
    if (!has) console.log(`skipping FOVEATE_CPU=${path}: this CPU lacks it (it can run: ${cpu.available.join(', ')})`);
  }
});
