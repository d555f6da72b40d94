// Issue 17, item 5: the bad-input audit kept as tests. One table (bad-input-cases.ts)
// of entry point, input and expected message; each case must end in a clear Error
// naming the op the user called. Cases where a crash or a hang is the risk run in
// a child process on the built dist (npm run build:ts first) and must report a
// caught Error: no signal, no timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { CASES, type Area } from './bad-input-cases.js';
import { classify, helpers, runHere, runInChild } from './helpers.js';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist', 'src', 'index.js');
const tmpDir = mkdtempSync(join(tmpdir(), 'foveate-audit-'));
afterAll(() => rmSync(tmpDir, { recursive: true, force: true }));
const h = helpers(root, tmpDir, require);
const cuda = fv.hasCuda();

const label = (i: number): string => `${CASES[i]!.entry}: ${CASES[i]!.input}`;

describe('bad input: a clear Error naming the op (in this process)', () => {
  const here = CASES.map((c, i) => [i, c] as const).filter(([, c]) => !c.child);
  it.each(here.map(([i]) => [label(i), i]))('%s', async (_name, i) => {
    const c = CASES[i as number]!;
    if (c.when === 'no-cuda' && cuda) return; // the missing-GPU message needs a machine without one
    const r = await runHere(c, fv, h);
    expect(r.kind, `no error for ${c.code}`).toBe('error');
    expect(r.message).toMatch(c.message);
  });
});

describe('bad input where a crash or hang is the risk (child processes on dist)', () => {
  const away = CASES.map((c, i) => [i, c] as const).filter(([, c]) => c.child);
  it.concurrent.each(away.map(([i]) => [label(i), i]))('%s', async (_name, i) => {
    const c = CASES[i as number]!;
    const r = runInChild(c, root, dist, tmpDir);
    expect(r.kind, r.message).toBe('error');
    expect(r.message).toMatch(c.message);
  }, 150_000);
});

describe('the audit table', () => {
  it('covers every area with cases, and every case names the op it expects', () => {
    const areas = new Set<Area>(CASES.map((c) => c.area));
    for (const a of ['creation', 'data', 'models', 'nn', 'autograd', 'optim', 'io', 'viz', 'cli', 'threads'] as Area[]) expect(areas.has(a), a).toBe(true);
    // A message pattern that matches anything would make a case unable to fail.
    for (const c of CASES) expect(c.message.test(''), `${c.entry}: ${c.input}`).toBe(false);
  });

  it('classifies outcomes as the summary counts them', () => {
    const c = CASES[0]!;
    expect(classify(c, { kind: 'no-error', message: '' })).toBe('garbage');
    expect(classify(c, { kind: 'signal', message: 'SIGABRT' })).toBe('crash');
    expect(classify(c, { kind: 'timeout', message: '' })).toBe('hang');
    expect(classify(c, { kind: 'error', message: 'Cannot read properties of undefined' })).toBe('unclear');
  });
});
