// The progress bar: after --resume the count starts at the checkpoint's step, and the
// rate and ETA come from the steps done in this process only (they used to count the
// resumed steps as if done in the first second: "50141/200000 2735.5 steps/s").
import { describe, expect, it, vi } from 'vitest';
import { ProgressBar } from '../../src/cli/common/progress.js';

function stream(): { lines: string[]; s: NodeJS.WriteStream } {
  const lines: string[] = [];
  const s = { isTTY: false, write: (l: string) => lines.push(l) } as unknown as NodeJS.WriteStream;
  return { lines, s };
}

describe('progress bar', () => {
  it('a resumed run counts from its step and rates only the steps done here', () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const { lines, s } = stream();
    const bar = new ProgressBar({ total: 50_010, initial: 50_000, label: 'dram 8', unit: 'steps', stream: s });
    for (let i = 0; i < 10; i++) {
      now += 500; // two steps a second
      bar.tick(1, 'loss 0.1');
    }
    vi.restoreAllMocks();
    const last = lines[lines.length - 1]!;
    expect(last).toMatch(/^dram 8 █+ 50010\/50010 2\.00 steps\/s ETA 0:00 loss 0\.1\n$/);
  });

  it('the ETA is the remaining steps at this process\'s rate', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const { lines, s } = stream();
    const bar = new ProgressBar({ total: 200_000, initial: 50_000, label: 'x', unit: 'steps', stream: s });
    now = 10_000; // 10 s for 100 steps: 10 steps/s, 149,900 left
    bar.tick(100);
    vi.restoreAllMocks();
    expect(lines[0]).toMatch(/ 50100\/200000 10\.0 steps\/s ETA 4:09:50\n$/);
  });

  it('a fresh run is unchanged: initial defaults to 0', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const { lines, s } = stream();
    const bar = new ProgressBar({ total: 4, label: 'y', unit: 'it', stream: s });
    for (let i = 0; i < 4; i++) {
      now += 250;
      bar.tick();
    }
    vi.restoreAllMocks();
    expect(lines[lines.length - 1]).toMatch(/ 4\/4 4\.00 it\/s ETA 0:00\n$/);
  });
});
