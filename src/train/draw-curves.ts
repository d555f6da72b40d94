// DRAW's learning curves from a run's metrics.jsonl rows, as one SVG: the training
// bound (batches, smoothed), the validation bound and any test bounds over steps
// above, and the learning rate below. `train draw` writes a run's own as loss.svg;
// `plot draw` puts several runs side by side (docs/draw-curves.svg).
import { type MetricRow } from './run-folder.js';
import { COLORS, linePlot, stackPlots, type Series } from '../viz/plot.js';

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

