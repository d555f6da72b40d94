// The optimisers against PyTorch itself: trajectories recorded by
// test/fixtures/optim/make_fixtures.py (torch.optim, CPU, foreach=False) as
// float32 bit patterns. Each case feeds the same gradients for 6 steps.
// SGD must equal PyTorch bit for bit at every step. RMSProp and Adam take a
// square root, which foveate rounds correctly (IEEE) while PyTorch's CPU build
// calls MKL's vsSqrt, off by up to 1 ulp in ~17% of inputs (measured); those
// trajectories must stay within ULPS units in the last place of PyTorch's,
// measured at the larger of the value and its previous value (a parameter
// crossing zero cancels, and a 1-ulp difference before is many ulps after)
// (test/optim/optim.test.ts holds them bit-exact to a float32 replay of the
// formula with IEEE sqrt).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

interface Case {
  optimizer: 'SGD' | 'RMSprop' | 'Adam';
  options: Record<string, number | boolean | number[]>;
  trajectory: string[][];
}
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'optim', 'torch_trajectories.json'), 'utf8')) as {
  torch: string;
  params: string[];
  grads: string[][];
  cases: Case[];
};

const ULPS = 8;

/** Distance in float32 units in the last place (same-sign values). */
const ulps = (a: number, b: number): number => {
  const [x, y] = [new Float32Array([a]), new Float32Array([b])];
  return Math.abs(new Int32Array(x.buffer)[0]! - new Int32Array(y.buffer)[0]!);
};

const fromHex = (h: readonly string[]): Float32Array => new Float32Array(Uint32Array.from(h, (x) => parseInt(x, 16)).buffer);

function make(c: Case, p: fv.Tensor): fv.optim.Optimizer {
  const o = c.options as Record<string, never>;
  if (c.optimizer === 'SGD') return new fv.optim.SGD([p], { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weight_decay, nesterov: o.nesterov });
  if (c.optimizer === 'RMSprop') {
    return new fv.optim.RMSProp([p], { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weight_decay, momentum: o.momentum, centered: o.centered });
  }
  return new fv.optim.Adam([p], { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay });
}

describe(`optim: the trajectories of torch.optim ${fixture.torch} (CPU, float32)`, () => {
  it.each(fixture.cases.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))('%s', (_, c) => {
    const p = fv.tensor(fromHex(fixture.params), [fixture.params.length]);
    const opt = make(c, p);
    let worst = 0;
    let before = fromHex(fixture.params);
    c.trajectory.forEach((expected, t) => {
      p.grad = fv.tensor(fromHex(fixture.grads[t]!), p.shape);
      opt.step();
      opt.zeroGrad();
      const got = p.toFloat32Array();
      const want = fromHex(expected);
      const limit = c.optimizer === 'SGD' ? 0 : ULPS;
      const close = (i: number): boolean => {
        const scale = Math.max(Math.abs(want[i]!), Math.abs(before[i]!));
        return ulps(got[i]!, want[i]!) <= limit || Math.abs(got[i]! - want[i]!) <= limit * scale * 2 ** -24;
      };
      const bad = [...got.keys()].filter((i) => !close(i));
      expect(bad.map((i) => `step ${t + 1} [${i}]: ${got[i]} vs torch ${want[i]} (${ulps(got[i]!, want[i]!)} ulps)`)).toEqual([]);
      worst = Math.max(worst, ...[...got.keys()].map((i) => ulps(got[i]!, want[i]!)));
      before = want;
    });
    if (process.env.FOVEATE_VERBOSE) console.log(`${c.optimizer}: worst ${worst} ulps`);
    opt.dispose();
    p.dispose();
  });
});
