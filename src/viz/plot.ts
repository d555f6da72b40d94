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
  /**
   * A log-scale y axis. Points with y ≤ 0 (no logarithm) are left out, like
   * non-finite points; a series left with none is labelled "(no data)". The SVG
   * never holds NaN.
   */
  logY?: boolean;
  yMin?: number;
  yMax?: number;
  /** Where the legend goes (default: right of the plot when it fits in about a quarter of the width, else below). */
  legend?: 'right' | 'below';
  /** At least this much room left of the plot (pixels), so stacked panels line up. */
  minLeft?: number;
}

const PLOT_OPTIONS = ['title', 'xLabel', 'yLabel', 'width', 'height', 'logY', 'yMin', 'yMax', 'legend', 'minLeft'] as const;

/** The series colours, in order (Okabe–Ito, colour-blind safe). */
export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

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

/** Tick values for a log axis over [10^lo, 10^hi] (lo, hi in log10): 1-2-5 or powers of ten, else linear ticks. */
export function logTicks(lo: number, hi: number): number[] {
  const a = 10 ** lo;
  const b = 10 ** hi;
  const within = (v: number): boolean => v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) decades.push(k);
  const oneTwoFive = decades.flatMap((k) => [1, 2, 5].map((m) => Number((m * 10 ** k).toPrecision(12)))).filter(within);
  if (oneTwoFive.length >= 3 && oneTwoFive.length <= 8) return oneTwoFive;
  const powers = decades.map((k) => Number((10 ** k).toPrecision(12))).filter(within);
  if (powers.length >= 3) {
    const every = Math.ceil(powers.length / 8);
    return powers.filter((_, i) => i % every === 0);
  }
  // Less than a decade or so: plain ticks of the values themselves.
  return ticks(a, b).filter((v) => v > 0);
}

/** Rough width in pixels of `text` at font size `px` (sans-serif averages ~0.6 em a character). */
const textWidth = (text: string, px = 12): number => Math.ceil(text.length * px * 0.6);

/** A series draws markers at its points when it has this many or fewer (so one point is visible). */
const MARKERS_UP_TO = 40;

/**
 * A line plot as a standalone SVG. The axes cover the data (yMin/yMax widen the
 * y-range, never hide a point); a log axis says so in its label and ticks at
 * 1-2-5 or powers of ten; series with few points get markers, so a curve of one
 * point shows; the legend sits outside the data (right of the plot, or below it
 * when the labels are long). Non-finite points, and with logY points ≤ 0, are
 * left out rather than drawn as NaN.
 */
export function linePlot(series: readonly Series[], options: PlotOptions = {}): string {
  checkOptions('linePlot', options, PLOT_OPTIONS);
  if (series.length === 0) fail('linePlot', 'needs at least one series');
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length) fail('linePlot', `series ${i} (${s.label}) has ${s.x.length} x values and ${s.y.length} y values`);
  });
  const { width = 640, height = 400, logY = false } = options;
  const tf = (v: number): number => (logY ? Math.log10(v) : v);
  const finite = series.map((s) => s.x.map((x, j) => [x, tf(s.y[j]!)] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const pts = finite.flat();
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  const hints = [options.yMin, options.yMax].filter((v): v is number => v !== undefined && Number.isFinite(tf(v))).map(tf);

  // x: the data's span; one step alone is shown from 0 (or ±1 around it).
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (!(x1 > x0)) [x0, x1] = x0 > 0 ? [0, x0] : x0 < 0 ? [x0, 0] : [-1, 1];
  // y: the data's span, widened to yMin/yMax when given; a little room above and below.
  const yAll = [...ys, ...hints];
  let [y0, y1] = yAll.length ? [Math.min(...yAll), Math.max(...yAll)] : [0, 1];
  if (!(y1 > y0)) [y0, y1] = logY ? [y0 - 0.5, y1 + 0.5] : [y0 - (Math.abs(y0) * 0.1 || 1), y1 + (Math.abs(y1) * 0.1 || 1)];
  const pad = (y1 - y0) * 0.04;
  if (options.yMin === undefined || ys.some((y) => y < tf(options.yMin!))) y0 -= pad;
  if (options.yMax === undefined || ys.some((y) => y > tf(options.yMax!))) y1 += pad;

  const fmt = (v: number): string => {
    const a = Math.abs(v);
    if (a >= 1e6) return `${Number((v / 1e6).toPrecision(4))}M`;
    if (a >= 1e4) return `${Number((v / 1e3).toPrecision(4))}k`;
    return a < 1e-3 && v !== 0 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
  };
  const xTicks = ticks(x0, x1);
  const yTicks = logY ? logTicks(y0, y1) : ticks(y0, y1); // values (not logs)
  const yTickText = yTicks.map(fmt);
  const yLabel = !logY ? options.yLabel : options.yLabel === undefined ? 'log scale' : `${options.yLabel}${options.yLabel.endsWith(')') ? ',' : ''} (log scale)`.replace('), (log scale)', ', log scale)');

  // Legend: right of the plot when it fits in a quarter of the width, else in rows below.
  const withMarkers = finite.map((f) => f.length > 0 && f.length <= MARKERS_UP_TO);
  const entryWidth = 34 + Math.max(...series.map((s, i) => textWidth(finite[i]!.length === 0 ? `${s.label} (no data)` : s.label)));
  if (options.legend !== undefined && options.legend !== 'right' && options.legend !== 'below') fail('linePlot', `legend must be 'right' or 'below', got ${JSON.stringify(options.legend)}`);
  const legendRight = options.legend === undefined ? entryWidth <= width * 0.28 : options.legend === 'right';
  const perRow = legendRight ? 1 : Math.max(1, Math.floor((width - 32) / (entryWidth + 12)));
  const legendRows = legendRight ? 0 : Math.ceil(series.length / perRow);

  const m = {
    left: Math.max(options.minLeft ?? 0, 10 + (yLabel ? 20 : 0) + Math.max(...yTickText.map((t) => textWidth(t)), 10) + 8),
    right: legendRight ? 16 + entryWidth + 8 : 16,
    top: options.title ? 40 : 16,
    bottom: 30 + (options.xLabel ? 20 : 0) + legendRows * 18 + (legendRows ? 8 : 0),
  };
  const plotRight = width - m.right;
  const plotBottom = height - m.bottom;
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * (plotRight - m.left);
  const py = (y: number): number => plotBottom - ((y - y0) / (y1 - y0)) * (plotBottom - m.top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (options.title) parts.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${esc(options.title)}</text>`);
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t)}" y1="${m.top}" x2="${px(t)}" y2="${plotBottom}" stroke="#eee"/>`);
    parts.push(`<text x="${px(t)}" y="${plotBottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  yTicks.forEach((t, i) => {
    const y = py(tf(t));
    parts.push(`<line x1="${m.left}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y + 4}" text-anchor="end">${yTickText[i]}</text>`);
  });
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotRight - m.left}" height="${plotBottom - m.top}" fill="none" stroke="#333"/>`);
  if (options.xLabel) parts.push(`<text x="${(m.left + plotRight) / 2}" y="${plotBottom + 36}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (yLabel) parts.push(`<text transform="translate(${10 + 8} ${(m.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  if (pts.length === 0) parts.push(`<text x="${(m.left + plotRight) / 2}" y="${(m.top + plotBottom) / 2}" text-anchor="middle" fill="#888">no data yet</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    const f = finite[i]!;
    if (f.length > 1) {
      const d = f.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${dash}/>`);
    }
    if (withMarkers[i]) for (const [x, y] of f) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${f.length === 1 ? 4 : 2.5}" fill="${color}"/>`);
    // The legend entry: a stroke (and a marker when the series has them), then the label.
    const lx = legendRight ? plotRight + 12 : 16 + (i % perRow) * (entryWidth + 12);
    const ly = legendRight ? m.top + 12 + i * 18 : plotBottom + 30 + (options.xLabel ? 20 : 0) + Math.floor(i / perRow) * 18;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 24}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash}/>`);
    if (withMarkers[i]) parts.push(`<circle cx="${lx + 12}" cy="${ly - 4}" r="2.5" fill="${color}"/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}">${esc(s.label)}${f.length === 0 ? ' (no data)' : ''}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function writeLinePlot(path: string, series: readonly Series[], options: PlotOptions = {}): void {
  writeFileAtomic(path, linePlot(series, options));
}

/**
 * Plots (SVGs from linePlot) one above the other in one SVG, e.g. a loss panel
 * over a learning-rate panel that share the x axis.
 * @example writeFileAtomic('curves.svg', stackPlots([linePlot(loss), linePlot(lr, { height: 200 })]));
 */
export function stackPlots(panels: readonly string[]): string {
  if (panels.length === 0) fail('stackPlots', 'needs at least one panel');
  const sizes = panels.map((p, i) => {
    const m = /^<svg [^>]*width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(p);
    if (!m) fail('stackPlots', `panel ${i} does not start with <svg … width="W" height="H"> (make panels with linePlot)`);
    return { width: Number(m[1]), height: Number(m[2]) };
  });
  const width = Math.max(...sizes.map((s) => s.width));
  const height = sizes.reduce((a, s) => a + s.height, 0);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  let y = 0;
  panels.forEach((p, i) => {
    parts.push(p.replace(/^<svg /, `<svg x="0" y="${y}" `));
    y += sizes[i]!.height;
  });
  parts.push('</svg>');
  return parts.join('\n');
}
