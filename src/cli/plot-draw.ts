// `foveate plot draw --runs DIR[,DIR…] --out F.svg`: the learning curves of DRAW
// runs from their metrics.jsonl — the training bound (batches, smoothed), the
// validation bound and any test bounds over steps, and the learning rate in a
// second panel below — e.g. docs/draw-curves.svg.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCommand } from './common/args.js';
import { readMetricsFile } from '../train/run-folder.js';
import { drawCurves } from '../train/draw-curves.js';
import { writeFileAtomic } from '../io/atomic.js';

export async function plotDrawCommand(argv: string[]): Promise<void> {
  const cmd = 'plot draw';
  const values = parseCommand(cmd, 'learning curves of DRAW runs (training bound smoothed, validation bound, lr) as one SVG', argv, {
    runs: { type: 'string', help: 'run folders, comma-separated (each with metrics.jsonl); required' },
    labels: { type: 'string', help: 'their labels, comma-separated (default the folder names)' },
    title: { type: 'string', default: 'DRAW on binarised MNIST', help: 'the title' },
    out: { type: 'string', default: 'docs/draw-curves.svg', help: 'the SVG to write' },
  });
  if (!values) return;
  if (!values.runs) throw new Error(`${cmd}: --runs DIR[,DIR] is required`);
  const dirs = values.runs.split(',').filter((d) => d !== '');
  const labels = values.labels === undefined ? dirs.map((d) => basename(d)) : values.labels.split(',');
  if (labels.length !== dirs.length) throw new Error(`${cmd}: ${labels.length} --labels for ${dirs.length} --runs`);
  const runs = dirs.map((dir, i) => {
    const path = join(dir, 'metrics.jsonl');
    if (!existsSync(path)) throw new Error(`${cmd}: ${dir} holds no metrics.jsonl (not a run folder)`);
    const rows = readMetricsFile(path); // read only: a running run's folder is left alone
    if (!rows.some((r) => typeof r.loss === 'number')) throw new Error(`${cmd}: ${dir}/metrics.jsonl has no training rows yet`);
    return { label: labels[i]!, rows };
  });
  writeFileAtomic(values.out, drawCurves(runs, values.title));
  console.log(`wrote ${values.out} (${runs.map((r) => `${r.label}: ${r.rows[r.rows.length - 1]!.step} steps`).join(', ')})`);
}
