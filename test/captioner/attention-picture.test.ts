import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { attentionFigure, attentionGif, attentionMap } from '../../src/viz/attention.js';

describe('attention pictures', () => {
  it('upsamples and blurs α: the peak lies over the attended cell, far cells stay near 0', () => {
    const alpha = new Float32Array(16);
    alpha[1 * 4 + 2] = 1; // row 1, column 2 of a 4×4 grid over 64×64: pixels [32,48)×[16,32)
    const m = attentionMap(alpha, [4, 4], 64, 64);
    let best = 0;
    m.forEach((v, i) => { if (v > m[best]!) best = i; });
    const [y, x] = [Math.floor(best / 64), best % 64];
    expect(x).toBeGreaterThanOrEqual(32);
    expect(x).toBeLessThan(48);
    expect(y).toBeGreaterThanOrEqual(16);
    expect(y).toBeLessThan(32);
    expect(m[best]).toBeCloseTo(1, 6);
    expect(m[63 * 64 + 0]).toBeLessThan(0.05);
  });

  it('lays out the image and one labelled panel per word, and a GIF with a frame each', async () => {
    const H = 32;
    const image = new Float32Array(3 * H * H).fill(0.8);
    const alphas = [Float32Array.from([1, 0, 0, 0]), Float32Array.from([0, 0, 0, 1])];
    const p = { image, height: H, width: H, grid: [2, 2] as const, words: ['goat', 'cow'], alphas };
    const fig = attentionFigure(p);
    // 3 panels of 32 + 4 wide (the labels fit), one row.
    expect(fig.width).toBe(3 * 36 + 4);
    expect(fig.height).toBe(32 + 11 + 8);
    // Second panel (goat, top-left attended): its top-left pixel is bright, bottom-right dim.
    const at = (x: number, y: number): number => fig.pixels[(y * fig.width + x) * 3]!;
    const ox = 4 + 36;
    const oy = 4 + 11;
    expect(at(ox + 2, oy + 2)).toBeGreaterThan(at(ox + 30, oy + 30) + 80);
    const gif = attentionGif(p);
    const meta = await sharp(gif, { pages: -1 }).metadata();
    expect(meta.format).toBe('gif');
    expect(meta.pages).toBe(3);
    expect(() => attentionFigure({ ...p, alphas: [] })).toThrow(/no α/);
    expect(() => attentionMap(new Float32Array(3), [2, 2], 8, 8)).toThrow(/3 entries, the grid 2×2 has 4/);
  });
});
