import { describe, expect, it } from 'vitest';
import { attentionCorrectness, massInBox } from '../../src/metrics/attention-correctness.js';

const oneHot = (L: number, i: number): Float32Array => {
  const a = new Float32Array(L);
  a[i] = 1;
  return a;
};

describe('attention correctness', () => {
  it('counts a cell inside, outside and half inside a box', () => {
    // 2×2 grid over a 100×100 image: cell 0 is [0,50)×[0,50).
    const box = { x: 0, y: 0, w: 50, h: 50 };
    expect(massInBox(oneHot(4, 0), [2, 2], [100, 100], box)).toBeCloseTo(1, 12);
    expect(massInBox(oneHot(4, 3), [2, 2], [100, 100], box)).toBe(0);
    // A box over the left half of cell 1 ([50,100)×[0,50)): half its mass.
    expect(massInBox(oneHot(4, 1), [2, 2], [100, 100], { x: 50, y: 0, w: 25, h: 50 })).toBeCloseTo(0.5, 12);
    // Uniform α: the box's area share.
    expect(massInBox(new Float32Array(4).fill(0.25), [2, 2], [100, 100], { x: 10, y: 20, w: 30, h: 40 })).toBeCloseTo(0.12, 6);
  });

  it('averages over object words only, with the uniform value beside', () => {
    const objects = [
      { box: { x: 0, y: 0, w: 50, h: 100 }, words: ['goat'] }, // left half: uniform 0.5
      { box: { x: 50, y: 50, w: 50, h: 50 }, words: ['bunch', 'grapes'] }, // bottom-right cell: uniform 0.25
    ];
    const r = attentionCorrectness([
      {
        words: ['a', 'goat', 'left', 'of', 'grapes'],
        // 'a' looks anywhere (not counted); 'goat' all on cell 2 (bottom-left: inside); 'grapes' 0.25 on cell 3.
        alphas: [oneHot(4, 1), oneHot(4, 2), oneHot(4, 0), oneHot(4, 0), Float32Array.from([0.75, 0, 0, 0.25]), oneHot(4, 0)],
        grid: [2, 2],
        image: [100, 100],
        objects,
      },
    ]);
    expect(r.words).toBe(2);
    expect(r.correctness).toBeCloseTo((1 + 0.25) / 2, 6);
    expect(r.uniform).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(r.ambiguous).toBe(0);
  });

  it('leaves out words that name two objects, and says how many', () => {
    const objects = [
      { box: { x: 0, y: 0, w: 10, h: 10 }, words: ['bunch', 'grapes'] },
      { box: { x: 20, y: 20, w: 10, h: 10 }, words: ['bunch', 'bananas'] },
    ];
    const r = attentionCorrectness([{ words: ['bunch'], alphas: [oneHot(1, 0)], grid: [1, 1], image: [40, 40], objects }]);
    expect(r).toEqual({ correctness: NaN, uniform: NaN, words: 0, ambiguous: 1 });
  });

  it('refuses α of the wrong size and missing α', () => {
    const objects = [{ box: { x: 0, y: 0, w: 10, h: 10 }, words: ['goat'] }];
    expect(() => attentionCorrectness([{ words: ['goat'], alphas: [new Float32Array(3)], grid: [2, 2], image: [20, 20], objects }])).toThrow(/alphas\[0\] has 3 entries, the grid 2×2 has 4/);
    expect(() => attentionCorrectness([{ words: ['goat', 'x'], alphas: [new Float32Array(4)], grid: [2, 2], image: [20, 20], objects }])).toThrow(/2 words but 1 α/);
  });
});
