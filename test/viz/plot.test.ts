// Plots that read (issue 16, item 4): a curve of one point shows, the axes cover the
// data, log axes say so, the legend stays outside the data, and the y title does not
// run into the tick labels.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

/** The plot area's rectangle: the framed <rect> with a stroke. */
function frame(svg: string): { left: number; top: number; right: number; bottom: number } {
  const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none" stroke="#333"\/>/.exec(svg)!;
  const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
  return { left: x, top: y, right: x + w, bottom: y + h };
}
const circles = (svg: string): Array<[number, number]> => [...svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
const pathPoints = (svg: string): Array<[number, number]> =>
  [...svg.matchAll(/<path d="([^"]+)"/g)].flatMap((m) => [...m[1]!.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((p) => [Number(p[1]), Number(p[2])] as [number, number]));
const texts = (svg: string): Array<{ x: number; y: number; anchor: string; text: string }> =>
  [...svg.matchAll(/<text x="([\d.-]+)" y="([\d.-]+)"(?: text-anchor="(\w+)")?[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3] ?? 'start', text: m[4]! }));

describe('linePlot', () => {
  it('a series of one point is a marker, on an x-axis from 0 to its step (not 299–301)', () => {
    const svg = fv.viz.linePlot([{ label: 'mlp test accuracy', x: [300], y: [0.9123] }], { xLabel: 'step', yLabel: 'test accuracy' });
    const f = frame(svg);
    const [[cx, cy]] = circles(svg).slice(0, 1) as [[number, number]];
    expect(cx).toBeCloseTo(f.right, 0);
    expect(cy).toBeGreaterThan(f.top);
    expect(cy).toBeLessThan(f.bottom);
    const xTicks = texts(svg).filter((t) => t.anchor === 'middle' && Math.abs(t.y - (f.bottom + 16)) < 1).map((t) => t.text);
    expect(xTicks).toEqual(['0', '100', '200', '300']);
  });

  it('the y-range covers every point, even outside yMin/yMax', () => {
    const svg = fv.viz.linePlot(
      [
        { label: 'without BN', x: [0, 100, 200, 300], y: [0.3, 0.5, 0.6, 0.6478] },
        { label: 'with BN', x: [0, 100, 200, 300], y: [0.7, 0.9, 0.93, 0.95] },
      ],
      { yMin: 0.7, yMax: 1 },
    );
    const f = frame(svg);
    for (const [x, y] of [...pathPoints(svg), ...circles(svg).filter(([x]) => x >= f.left && x <= f.right)]) {
      expect(x).toBeGreaterThanOrEqual(f.left - 0.1);
      expect(x).toBeLessThanOrEqual(f.right + 0.1);
      expect(y).toBeGreaterThanOrEqual(f.top - 0.1);
      expect(y).toBeLessThanOrEqual(f.bottom + 0.1);
    }
  });

  it('a log axis is labelled as one and ticks at 1-2-5 values', () => {
    const svg = fv.viz.linePlot([{ label: 'loss', x: [0, 1, 2, 3], y: [2.3, 0.5, 0.1, 0.04] }], { yLabel: 'cross-entropy (nats)', logY: true });
    expect(svg).toContain('>cross-entropy (nats, log scale)</text>');
    const yTicks = texts(svg).filter((t) => t.anchor === 'end').map((t) => t.text);
    expect(yTicks).toEqual(['0.05', '0.1', '0.2', '0.5', '1', '2']);
    expect(fv.viz.linePlot([{ label: 'l', x: [0, 1], y: [1, 10] }], { logY: true })).toContain('>log scale</text>');
  });

  it('logTicks: 1-2-5 within a few decades, powers of ten over many, plain ticks within one', () => {
    expect(fv.viz.logTicks(Math.log10(0.04), Math.log10(2.3))).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2]);
    expect(fv.viz.logTicks(-6, 2)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100].filter((_, i) => i % 2 === 0));
    expect(fv.viz.logTicks(Math.log10(100), Math.log10(140))).toEqual([100, 110, 120, 130, 140]);
  });

  it('the legend sits outside the plot area: right of it, or below it for long labels', () => {
    const short = fv.viz.linePlot([{ label: 'a', x: [0, 1], y: [0, 1] }, { label: 'b', x: [0, 1], y: [1, 0] }]);
    const f = frame(short);
    for (const t of texts(short).filter((t) => t.text === 'a' || t.text === 'b')) expect(t.x).toBeGreaterThan(f.right);
    const long = fv.viz.linePlot([{ label: 'without BN, the 85th percentile of the sigmoid input', x: [0, 1], y: [0, 1] }]);
    const g = frame(long);
    const label = texts(long).find((t) => t.text.startsWith('without BN'))!;
    expect(label.y).toBeGreaterThan(g.bottom);
  });

  it('the y title clears the widest tick label', () => {
    const svg = fv.viz.linePlot([{ label: 'x', x: [0, 1], y: [12345.678, 0.00012] }], { yLabel: 'value' });
    const title = /<text transform="translate\(([\d.]+) /.exec(svg)!;
    const titleRight = Number(title[1]) + 7; // half the line height of 12 px text, rotated
    for (const t of texts(svg).filter((t) => t.anchor === 'end')) {
      expect(t.x - t.text.length * 7.2).toBeGreaterThan(titleRight);
    }
  });

  it('a series with no finite point is listed as having no data', () => {
    const svg = fv.viz.linePlot([{ label: 'late', x: [1], y: [NaN] }]);
    expect(svg).toContain('>late (no data)</text>');
    expect(svg).toContain('no data yet');
  });
});
