// Image decode + resize throughput: fv.data.loadImage / loadImages (sharp, libvips) on
// Debian's real photos (tuxpaint-data's JPEGs, tuxpaint-stamps-default's transparent
// PNGs) to 224×224 float32 [3,224,224]. Skipped, with a note, where they are absent.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as fv from '../src/index.js';

export interface ImagesRow {
  name: string;
  imagesPerS?: number;
  msPerImage?: number;
  note?: string;
}

const TEMPLATES = '/usr/share/tuxpaint/templates';
const STAMPS = '/usr/share/tuxpaint/stamps/animals';

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export async function benchImages(): Promise<ImagesRow[]> {
  if (!existsSync(TEMPLATES) || !existsSync(STAMPS)) {
    return [{ name: 'loadImage 224×224', note: 'needs Debian tuxpaint-data and tuxpaint-stamps-default (apt-get install tuxpaint-data tuxpaint-stamps-default)' }];
  }
  const rows: ImagesRow[] = [];
  const sets: [string, string[]][] = [
    ['JPEG photos (~0.66 Mpx)', files(TEMPLATES, '.jpg')],
    ['PNG stamps with alpha (~0.04 Mpx)', files(STAMPS, '.png').slice(0, 64)],
  ];
  for (const [label, paths] of sets) {
    await fv.data.loadImage(paths[0]!, { size: 224 }); // warm: loads sharp
    let t = performance.now();
    for (const p of paths) (await fv.data.loadImage(p, { size: 224 })).dispose();
    const one = (performance.now() - t) / paths.length;
    rows.push({ name: `${label}, one at a time`, msPerImage: one, imagesPerS: 1000 / one });
    t = performance.now();
    (await fv.data.loadImages(paths, { size: 224 })).dispose();
    const batch = (performance.now() - t) / paths.length;
    rows.push({ name: `${label}, loadImages (4 in flight)`, msPerImage: batch, imagesPerS: 1000 / batch });
  }
  return rows;
}

if (require.main === module) {
  void benchImages().then((rows) => {
    for (const r of rows) console.log(`${r.name.padEnd(52)} ${r.note ?? `${r.msPerImage!.toFixed(1)} ms/image, ${r.imagesPerS!.toFixed(1)} images/s`}`);
  });
}
