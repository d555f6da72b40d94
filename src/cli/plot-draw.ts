// `foveate plot draw --runs DIR[,DIR…] --out F.svg`: the learning curves of DRAW
// runs from their metrics.jsonl — the training bound (batches, smoothed), the
// validation bound and any test bounds over steps, and the learning rate in a
// second panel below — e.g. docs/draw-curves.svg.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCommand } from './common/args.js';
import { readMetricsFile, type MetricRow } from '../train/run-folder.js';
import { linePlot, stackPlots, type Series } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

/** Rows with a numeric `key`, as (step, value). */
function column(rows: readonly MetricRow[], key: string): { x: number[]; y: number[] } {
  const hit = rows.filter((r) => typeof r[key] === 'number' && typeof r.seconds === 'number');
  return { x: hit.map((r) => r.step), y: hit.map((r) => Number(r[key])) };
}

/** The trailing mean over `k` points (the first points average what there is). */
export function trailingMean(y: readonly number[], k: number): number[] {
  let sum = 0;
  return y.map((v, i) => {
    sum += v;
    if (i >= k) sum -= y[i - k]!;
    return sum / Math.min(i + 1, k);
  });
}

/** The two panels (bound over steps, lr over steps) of the runs, as one SVG. */
export function drawCurves(runs: readonly { label: string; rows: readonly MetricRow[] }[], title = 'DRAW on binarised MNIST'): string {
  const bound: Series[] = [];
  const lr: Series[] = [];
  runs.forEach(({ label, rows }, i) => {
    const color = COLORS[i % COLORS.length]!;
    const loss = column(rows, 'loss');
    const k = Math.max(1, Math.round(loss.x.length / 60));
    bound.push({ label: `${label}: training (batches${k > 1 ? `, mean of ${k} logs` : ''})`, x: loss.x, y: trailingMean(loss.y, k), color, dashed: true });
    const valid = column(rows, 'validNll');
    if (valid.x.length) bound.push({ label: `${label}: validation`, ...valid, color });
    const test = column(rows, 'testNll');
    if (test.x.length) bound.push({ label: `${label}: test (before validation selection)`, ...test, color: '#999999' });
    const rate = column(rows, 'lr');
    if (rate.x.length) lr.push({ label, ...rate, color });
  });
  // Legends below and one left margin: the two panels' step axes line up.
  const shared = { xLabel: 'step', logY: true, width: 800, legend: 'below', minLeft: 90 } as const;
  const panels = [linePlot(bound, { ...shared, title, yLabel: 'bound on −log p(x), nats per image', height: 460 })];
  if (lr.length) panels.push(linePlot(lr, { ...shared, yLabel: 'Adam lr', height: 220 }));
  return stackPlots(panels);
}

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
