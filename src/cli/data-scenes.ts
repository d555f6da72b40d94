// `foveate data scenes --out DIR [--n 10000] [--seed S] [--size 224] [--format png|jpeg]`:
// writes foveate scenes as image files and a Karpathy-format JSON (with each object's box and the
// words that name it), so any captioning code can train on them. The images are
// made here from the installed tuxpaint-stamps-default (GPL-2): they are derived from
// its photographs, which is why foveate ships none of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fv from '../index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { encodePng } from '../viz/png.js';
import { rgbBytes } from '../data/captions/raster.js';
import { encodeJpeg } from '../data/captions/image-file.js';
import { intOption, parseCommand } from './common/args.js';
import { ProgressBar } from './common/progress.js';

/** The installed package's version, for the record (undefined without dpkg). */
function packageVersion(name: string): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : undefined;
}

const README = (json: string, images: string): string => `foveate scenes — photographs of objects composed into scenes, with five references each.

Made by \`foveate data scenes\` from the photo cut-outs of Debian's tuxpaint-stamps-default
(GPL-2: these images are derived from them; do not redistribute them without honouring it).

${json}: Karpathy's caption format (as dataset_flickr8k.json), so
  fv.data.captions.karpathy('${json}', '${images}')
reads it back; images[].objects hold each object's box [x, y, w, h] in pixels and
sentences[].mentions the token spans that name each object. Splits: train, val, test and
heldout (scenes of category pairs that no train/val/test scene contains).
`;

export async function dataScenesCommand(argv: string[]): Promise<void> {
  const cmd = 'data scenes';
  const values = parseCommand(cmd, 'foveate scenes as image files and a Karpathy-format JSON (dataset_scenes.json) with boxes', argv, {
    out: { type: 'string', default: 'runs/scenes', help: 'output folder (images/ and dataset_scenes.json)' },
    n: { type: 'string', default: '10000', help: 'scenes' },
    seed: { type: 'string', default: '0', help: 'the set\'s seed' },
    size: { type: 'string', default: '224', help: 'image side in pixels' },
    'heldout-pairs': { type: 'string', default: '200', help: 'category pairs held out of train/val/test (0: no heldout split)' },
    format: { type: 'string', default: 'png', help: 'png (lossless, ~35 KB at 224) or jpeg (quality 92, ~8 KB)' },
    stamps: { type: 'string', help: `tuxpaint-stamps-default's folder (default ${fv.data.captions.TUXPAINT_STAMPS_DIR})` },
  });
  if (!values) return;
  const n = intOption(cmd, 'n', values.n, 1);
  const seed = intOption(cmd, 'seed', values.seed);
  const size = intOption(cmd, 'size', values.size, 32);
  const heldoutPairs = intOption(cmd, 'heldout-pairs', values['heldout-pairs']);
  const format = values.format;
  if (format !== 'png' && format !== 'jpeg') throw new Error(`${cmd}: --format must be png or jpeg, got ${format}`);
  const start = performance.now();
  console.error(`${cmd}: reading the stamps, then laying out ${n} scenes`);
  let layoutBar: ProgressBar | undefined;
  const ds = fv.data.captions.scenes({
    n, seed, size, heldoutPairs,
    ...(values.stamps ? { stampsDir: values.stamps } : {}),
    onProgress: () => (layoutBar ??= new ProgressBar({ total: n, label: 'layout', unit: 'scenes' })).tick(),
  });
  const imagesDir = join(values.out, 'images');
  try {
    mkdirSync(imagesDir, { recursive: true });
  } catch (e) {
    throw new Error(`${cmd}: cannot create ${imagesDir}: ${(e as Error).message}`);
  }
  const ext = format === 'png' ? 'png' : 'jpg';
  const writeBar = new ProgressBar({ total: n, label: 'write', unit: 'img' });
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const rgb = rgbBytes(ds.render(i), size, size);
    const data = format === 'png' ? encodePng({ width: size, height: size, channels: 3, pixels: rgb }) : await encodeJpeg(rgb, size, size, 92, cmd);
    const file = join(imagesDir, fv.data.captions.sceneFilename(i, ext));
    try {
      writeFileSync(file, data);
    } catch (e) {
      throw new Error(`${cmd}: cannot write ${file}: ${(e as Error).message}`);
    }
    bytes += data.length;
    writeBar.tick();
  }
  const version = packageVersion('tuxpaint-stamps-default');
  const json = fv.data.captions.scenesToKarpathy(ds, {
    filename: (i) => fv.data.captions.sceneFilename(i, ext),
    ...(values.stamps ? {} : { source: `tuxpaint-stamps-default ${version ?? '(version unknown)'}` }),
  });
  const jsonPath = join(values.out, 'dataset_scenes.json');
  // Written last, and atomically: a folder with the JSON holds every image it names.
  writeFileAtomic(jsonPath, JSON.stringify(json), cmd);
  writeFileAtomic(join(values.out, 'README.txt'), README(jsonPath, imagesDir), cmd);
  const seconds = (performance.now() - start) / 1000;
  const split = Object.entries(ds.splits).map(([k, v]) => `${k} ${v.length}`).join(', ');
  const mb = (x: number): string => `${(x / 1e6).toFixed(1)} MB`;
  console.log([
    `wrote ${n} ${size}×${size} scenes to ${imagesDir} (${mb(bytes)}) and ${jsonPath} (${mb(statSync(jsonPath).size)}) in ${seconds.toFixed(0)} s`,
    `splits: ${split}; ${ds.heldoutPairs.length} held-out category pairs`,
    `${ds.references[0]?.length ?? 0} references per image, vocabulary ${ds.vocabulary.size} words (specials included), ${ds.stamps.length} stamps in ${new Set(ds.stamps.map((s) => s.category)).size} categories`,
  ].join('\n'));
}
