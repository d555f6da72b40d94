// Line plots as standalone SVG: training curves, accuracy vs steps, percentiles.
import { checkOptions } from '../options.js';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** CSS colour (default from a colour-blind-safe cycle). */
  color?: string;
  dashed?: boolean;
}

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  logY?: boolean;
  yMin?: number;
  yMax?: number;
}

const PLOT_OPTIONS = ['title', 'xLabel', 'yLabel', 'width', 'height', 'logY', 'yMin', 'yMax'] as const;

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "Nice" tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function linePlot(series: readonly Series[], options: PlotOptions = {}): string {
  checkOptions('linePlot', options, PLOT_OPTIONS);
  if (series.length === 0) fail('linePlot', 'needs at least one series');
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length) fail('linePlot', `series ${i} (${s.label}) has ${s.x.length} x values and ${s.y.length} y values`);
  });
  const { width = 640, height = 400, logY = false } = options;
  const m = { left: 64, right: 16, top: options.title ? 36 : 16, bottom: 48 };
  const tf = (v: number): number => (logY ? Math.log10(v) : v);
  const pts = series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]!] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(tf(y)));
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => tf(y));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [options.yMin !== undefined ? tf(options.yMin) : Math.min(...ys), options.yMax !== undefined ? tf(options.yMax) : Math.max(...ys)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (options.title) parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(options.title)}</text>`);
  for (const t of ticks(x0, x1)) {
    parts.push(`<line x1="${px(t)}" y1="${m.top}" x2="${px(t)}" y2="${height - m.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${px(t)}" y="${height - m.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${m.left}" y1="${py(t)}" x2="${width - m.right}" y2="${py(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py(t) + 4}" text-anchor="end">${fmt(logY ? 10 ** t : t)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#333"/>`);
  if (options.xLabel) parts.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) parts.push(`<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    const d = s.x
      .map((x, j) => [x, tf(s.y[j]!)] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    const ly = m.top + 14 + i * 16;
    parts.push(`<line x1="${width - m.right - 150}" y1="${ly - 4}" x2="${width - m.right - 130}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${width - m.right - 125}" y="${ly}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function writeLinePlot(path: string, series: readonly Series[], options: PlotOptions = {}): void {
  writeFileAtomic(path, linePlot(series, options));
}
