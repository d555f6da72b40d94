// Labelled grids: sequence.png and glimpses.png carry their step above each column
// and the sample's number left of each row (issue 16, item 4).
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

describe('labelGrid', () => {
  const grid = fv.viz.toRgb(fv.viz.imageGrid(new Float32Array(2 * 3 * 28 * 28).fill(0.5), 6, 28, 28, 1, { columns: 3, scale: 2 }));

  it('adds a band of column labels above and of row labels at the left, keeping the grid', () => {
    const out = fv.viz.labelGrid(grid, { cellWidth: 56, cellHeight: 56, columns: ['t=1', 't=5', 't=10'], rows: ['1', '2'] });
    const top = out.height - grid.height;
    const left = out.width - grid.width;
    expect(top).toBeGreaterThan(10);
    expect(left).toBeGreaterThan(8);
    // The grid itself, shifted.
    for (const [x, y] of [[0, 0], [30, 40], [grid.width - 1, grid.height - 1]] as const) {
      const a = (y * grid.width + x) * 3;
      const b = ((y + top) * out.width + x + left) * 3;
      expect(Array.from(out.pixels.subarray(b, b + 3))).toEqual(Array.from(grid.pixels.subarray(a, a + 3)));
    }
    // Black text in the bands, within each column's span.
    const dark = (x0: number, x1: number, y0: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (out.pixels[(y * out.width + x) * 3] === 0) n++;
      return n;
    };
    for (let j = 0; j < 3; j++) expect(dark(left + 1 + j * 57, left + 1 + j * 57 + 56, 0, top)).toBeGreaterThan(20);
    for (let i = 0; i < 2; i++) expect(dark(0, left, top + 1 + i * 57, top + 1 + i * 57 + 56)).toBeGreaterThan(10);
  });

  it('refuses a gray image and unknown options', () => {
    const gray = fv.viz.imageGrid(new Float32Array(4), 1, 2, 2);
    expect(() => fv.viz.labelGrid(gray, { cellWidth: 2, cellHeight: 2 })).toThrow(/labelGrid: the image must be RGB/);
    expect(() => fv.viz.labelGrid(grid, { cellWidth: 56, cellHeight: 56, colums: ['t=1'] } as never)).toThrow(/labelGrid: unknown option 'colums' \(did you mean 'columns'\?\)/);
  });
});
