// The captioner's commands on foveate scenes (tuxpaint-stamps-default): eval prints
// attention correctness beside uniform attention. CI installs the package and sets
// FOVEATE_REQUIRE_DEBIAN_DATA=1 (a missing package then fails); elsewhere skipped with a line.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TUXPAINT_STAMPS_DIR } from '../../src/data/captions/stamps.js';

const required = process.env.FOVEATE_REQUIRE_DEBIAN_DATA === '1';
function present(): boolean {
  if (existsSync(TUXPAINT_STAMPS_DIR)) return true;
  if (required) throw new Error(`${TUXPAINT_STAMPS_DIR} is missing: CI must install tuxpaint-stamps-default (FOVEATE_REQUIRE_DEBIAN_DATA=1)`);
  console.warn('skipping the captioner scenes tests: apt-get install tuxpaint-stamps-default');
  return false;
}

const dir = mkdtempSync(join(tmpdir(), 'fv-captioner-scenes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await main(args)).toBe(0);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

describe.skipIf(!present())('foveate eval captioner on scenes', () => {
  it('prints attention correctness with the uniform value beside it, on the test and held-out splits', async () => {
    const run = join(dir, 'run');
    const common = ['--cache', join(dir, 'cache')];
    await cli(['train', 'captioner', '--data', 'scenes', '--n', '60', '--encoder', 'pixels:64:8', '--steps', '2', '--lstm-size', '16', '--embed-size', '8', '--batch-size', '8', '--eval-every', '2', '--eval-limit', '2', '--out', run, ...common]);
    for (const split of ['test', 'heldout']) {
      const out = await cli(['eval', 'captioner', '--checkpoint', join(run, 'checkpoint.safetensors'), '--split', split, '--beam', '1', '--limit', '4', ...common]);
      // An untrained model may name no object: then 0 words; otherwise both percentages.
      expect(out).toMatch(/attention correctness: (n\/a|[\d.]+)% of α inside the named object's box over \d+ object words \(uniform attention: (n\/a|[\d.]+)%/);
    }
  }, 120_000);
});
