// Optimisers: the native CPU step equals a float32 replay of PyTorch's formula
// (src/reference/optim.ts with float32: true) bit for bit over several steps,
// on small and large (parallel) tensors; the classes' state handling, zeroGrad,
// state dicts, clipping, schedules and bad input.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { adamStep, rmspropStep, sgdStep } from '../../src/reference/index.js';
import { makeRng } from '../helpers/random.js';

const STEPS = 5;

function data(n: number, seed: string, scale = 1): Float32Array {
  const rng = makeRng(seed);
  // Magnitudes spread over 1e-4..10, so sqrt and division see varied exponents.
  return Float32Array.from({ length: n }, () => rng.normal() * scale * 10 ** rng.uniform(-4, 1));
}

type Make = (p: fv.Tensor) => fv.optim.Optimizer;
type Replay = (p: Float64Array, g: Float32Array, st: Record<string, Float64Array | undefined>, step: number) => Float64Array;

interface Case {
  name: string;
  make: Make;
  replay: Replay;
}

const cases: Case[] = [
  ...[
    { lr: 0.1 },
    { lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: 0.01 },
    { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.001 },
  ].map((o) => ({
    name: `SGD ${JSON.stringify(o)}`,
    make: (p: fv.Tensor) => new fv.optim.SGD([p], o),
    replay: ((p, g, st, step) => {
      const r = sgdStep(p, g, o.momentum ? (st.buf ?? new Float64Array(p.length)) : undefined, { ...o, first: step === 1, float32: true });
      st.buf = r.buf;
      return r.param;
    }) as Replay,
  })),
  ...[
    { lr: 0.01 },
    { lr: 0.003, alpha: 0.9, eps: 1e-6, weightDecay: 0.01, momentum: 0.9, centered: true },
    { lr: 0.003, centered: true },
    { lr: 0.003, momentum: 0.5 },
  ].map((o) => ({
    name: `RMSProp ${JSON.stringify(o)}`,
    make: (p: fv.Tensor) => new fv.optim.RMSProp([p], o),
    replay: ((p, g, st) => {
      const z = () => new Float64Array(p.length);
      const r = rmspropStep(p, g, st.sq ?? z(), o.centered ? (st.ga ?? z()) : undefined, o.momentum ? (st.buf ?? z()) : undefined, { ...o, float32: true });
      Object.assign(st, { sq: r.squareAvg, ga: r.gradAvg, buf: r.buf });
      return r.param;
    }) as Replay,
  })),
  ...[{}, { lr: 0.01, betas: [0.8, 0.99] as [number, number], eps: 1e-6, weightDecay: 0.05 }].map((o) => ({
    name: `Adam ${JSON.stringify(o)}`,
    make: (p: fv.Tensor) => new fv.optim.Adam([p], o),
    replay: ((p, g, st, step) => {
      const z = () => new Float64Array(p.length);
      const { lr = 1e-3, betas = [0.9, 0.999], eps, weightDecay } = o as fv.optim.AdamOptions;
      const r = adamStep(p, g, st.m ?? z(), st.v ?? z(), { lr, beta1: betas[0], beta2: betas[1], eps, weightDecay, step, float32: true });
      Object.assign(st, { m: r.expAvg, v: r.expAvgSq });
      return r.param;
    }) as Replay,
  })),
];

describe('optim: native CPU step equals the float32 replay of PyTorch’s formula bit for bit', () => {
  for (const n of [1, 37, 40009]) {
    it.each(cases.map((c) => [c.name, c] as const))(`[${n}] %s`, (_, c) => {
      const p0 = data(n, `p${n}`);
      const p = fv.tensor(p0, [n]);
      const opt = c.make(p);
      let want: Float64Array = Float64Array.from(p0);
      const st: Record<string, Float64Array | undefined> = {};
      for (let step = 1; step <= STEPS; step++) {
        const g = data(n, `g${n}/${step}`);
        p.grad = fv.tensor(g, [n]);
        opt.step();
        opt.zeroGrad();
        want = c.replay(want, g, st, step);
        const got = p.toFloat32Array();
        const bad = [...got.keys()].filter((i) => !Object.is(got[i], want[i]));
        expect(bad.slice(0, 3).map((i) => `step ${step} [${i}]: ${got[i]} vs ${want[i]}`)).toEqual([]);
      }
      opt.dispose();
      p.dispose();
    });
  }
});

describe('optim: float64 parameters run the reference update', () => {
  it('Adam on float64 matches the float64 reference', () => {
    const p0 = Float64Array.from(data(9, 'f64'));
    const p = fv.tensor(p0, [9], { dtype: 'float64' });
    const opt = new fv.optim.Adam([p], { lr: 0.01 });
    let want: Float64Array = p0;
    let m: Float64Array = new Float64Array(9);
    let v: Float64Array = new Float64Array(9);
    for (let step = 1; step <= 3; step++) {
      const g = Float64Array.from(data(9, `gf64/${step}`));
      p.grad = fv.tensor(g, [9], { dtype: 'float64' });
      opt.step();
      const r = adamStep(want, g, m, v, { lr: 0.01, step });
      [want, m, v] = [r.param, r.expAvg, r.expAvgSq];
    }
    expect(Array.from(p.toFloat64Array())).toEqual(Array.from(want));
    expect(p.dtype).toBe('float64');
    opt.zeroGrad();
    opt.dispose();
  });
});

describe('optim: classes', () => {
  it('zeroGrad disposes the gradients; params without a gradient are skipped', () => {
    const a = fv.tensor([1, 2, 3]);
    const b = fv.tensor([4, 5]);
    const opt = new fv.optim.SGD([a, b], { lr: 1 });
    const g = fv.tensor([1, 1, 1]);
    a.grad = g;
    opt.step();
    expect(Array.from(a.toFloat32Array())).toEqual([0, 1, 2]);
    expect(Array.from(b.toFloat32Array())).toEqual([4, 5]);
    opt.zeroGrad();
    expect(g.isDisposed).toBe(true);
    expect(a.grad).toBeUndefined();
    [a, b].forEach((t) => t.dispose());
  });

  it('a stateDict restored into a fresh optimiser continues the same trajectory', () => {
    const run = (split: boolean): Float32Array => {
      const p = fv.tensor(data(50, 'sd'), [50]);
      let opt = new fv.optim.RMSProp([p], { lr: 0.01, momentum: 0.9, centered: true });
      for (let step = 1; step <= 6; step++) {
        if (split && step === 4) {
          const sd = opt.stateDict();
          opt.dispose();
          opt = new fv.optim.RMSProp([p], { lr: 0.5, momentum: 0.9, centered: true });
          opt.loadStateDict(sd);
          expect(opt.lr).toBe(0.01);
          for (const s of Object.values(sd.state)) for (const t of Object.values(s.tensors)) t.dispose();
        }
        p.grad = fv.tensor(data(50, `sd/${step}`), [50]);
        opt.step();
        opt.zeroGrad();
      }
      opt.dispose();
      const out = p.toFloat32Array();
      p.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('loadStateDict refuses another optimiser, other options or wrong shapes, and changes nothing', () => {
    const p = fv.tensor([1, 2, 3]);
    const adam = new fv.optim.Adam([p]);
    p.grad = fv.tensor([1, 1, 1]);
    adam.step();
    const sd = adam.stateDict();
    const sgd = new fv.optim.SGD([p], { lr: 0.1 });
    expect(() => sgd.loadStateDict(sd)).toThrow(/state is from Adam, expected SGD/);
    const other = new fv.optim.Adam([p], { betas: [0.5, 0.999] });
    expect(() => other.loadStateDict(sd)).toThrow(/option beta1 is 0.9 in the state, 0.5 here/);
    const q = fv.tensor([1, 2]);
    const wrong = new fv.optim.Adam([q]);
    expect(() => wrong.loadStateDict(sd)).toThrow(/params\[0\]\.exp_avg: float32 \[3\] does not match the param's float32 \[2\]/);
    expect(wrong.stateDict().state).toEqual({});
    for (const s of Object.values(sd.state)) for (const t of Object.values(s.tensors)) t.dispose();
    [adam, sgd, other, wrong].forEach((o) => o.dispose());
    adam.zeroGrad();
    [p, q].forEach((t) => t.dispose());
  });

  it('a 200-step loop keeps live native tensors and bytes flat', () => {
    const w = fv.tensor(data(64, 'mem'), [8, 8]);
    w.requiresGrad = true;
    const opt = new fv.optim.Adam([w], { lr: 1e-3 });
    const x = fv.tensor(data(32, 'x'), [4, 8]);
    const loop = (n: number) => {
      for (let i = 0; i < n; i++) {
        fv.tidy(() => fv.ops.mean(fv.ops.square(fv.ops.matmul(x, w))).backward());
        fv.optim.clipGradNorm([w], 1);
        opt.step();
        opt.zeroGrad();
      }
    };
    loop(5);
    const before = fv.memory();
    loop(200);
    const after = fv.memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    [opt, w, x].forEach((t) => t.dispose());
  });
});

describe('optim: clipGradNorm', () => {
  it('returns the global norm and scales by maxNorm / (norm + 1e-6) when above', () => {
    const a = fv.tensor([3, 0]);
    const b = fv.tensor([4]);
    a.grad = fv.tensor([3, 0]);
    b.grad = fv.tensor([4]);
    expect(fv.optim.clipGradNorm([a, b], 10)).toBe(5);
    expect(Array.from(a.grad.toFloat32Array())).toEqual([3, 0]);
    expect(fv.optim.clipGradNorm([a, b], 1)).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect(a.grad.toFloat32Array()[0]).toBeCloseTo(3 * c, 6);
    expect(b.grad!.toFloat32Array()[0]).toBeCloseTo(4 * c, 6);
    expect(fv.optim.clipGradNorm([a, b], 1)).toBeCloseTo(1, 5);
    [a, b].forEach((t) => (t.grad!.dispose(), t.dispose()));
  });

  it('a NaN or infinite norm is an error unless allowed', () => {
    const a = fv.tensor([1, 2]);
    a.grad = fv.tensor([NaN, 1]);
    expect(() => fv.optim.clipGradNorm([a], 1)).toThrow(/clipGradNorm: the total gradient norm is NaN/);
    expect(Number.isNaN(fv.optim.clipGradNorm([a], 1, { errorIfNonfinite: false }))).toBe(true);
    expect(() => fv.optim.clipGradNorm([a], 0)).toThrow(/maxNorm must be a positive finite number, got 0/);
    a.grad.dispose();
    a.dispose();
  });
});

describe('optim: schedules', () => {
  it('StepLR and ExponentialLR follow their closed forms, and resume from a state dict', () => {
    const p = fv.tensor([1]);
    const opt = new fv.optim.SGD([p], { lr: 1 });
    const s = new fv.optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const lrs = [opt.lr];
    for (let i = 0; i < 5; i++) (s.step(), lrs.push(opt.lr));
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    const e = new fv.optim.ExponentialLR(opt, { gamma: 0.9 });
    e.step();
    e.step();
    expect(opt.lr).toBeCloseTo(0.25 * 0.81, 12);
    const e2 = new fv.optim.ExponentialLR(new fv.optim.SGD([p], { lr: 7 }), { gamma: 0.9 });
    e2.loadStateDict(e.stateDict());
    expect(e2.optimizer.lr).toBe(opt.lr);
    expect(() => new fv.optim.StepLR(opt, { stepSize: 0 })).toThrow(/StepLR: stepSize must be a positive integer, got 0/);
    p.dispose();
  });
});

describe('optim: bad input', () => {
  const p = fv.tensor([1, 2]);
  it.each([
    ['no params', () => new fv.optim.SGD([], { lr: 1 }), /SGD: params is empty/],
    ['negative lr', () => new fv.optim.SGD([p], { lr: -1 }), /SGD: lr must be a finite number in \[0, Infinity\], got -1/],
    ['NaN lr', () => new fv.optim.Adam([p], { lr: NaN }), /Adam: lr must be a finite number/],
    ['beta of 1', () => new fv.optim.Adam([p], { betas: [0.9, 1] }), /Adam: betas\[1\] must be a finite number in \[0, /],
    ['nesterov without momentum', () => new fv.optim.SGD([p], { lr: 1, nesterov: true }), /SGD: nesterov needs momentum > 0 and dampening 0/],
    ['int32 param', () => new fv.optim.SGD([fv.tensor(new Int32Array([1]))], { lr: 1 }), /SGD: params\[0\] must be float32 or float64, got int32 \[1\]/],
    ['a param twice', () => new fv.optim.SGD([p, p], { lr: 1 }), /SGD: params\[1\] appears twice/],
    ['alpha above 1', () => new fv.optim.RMSProp([p], { alpha: 1.5 }), /RMSProp: alpha must be a finite number in \[0, 1\], got 1.5/],
  ])('%s', (_, f, re) => expect(f).toThrow(re));

  it('a gradient of the wrong shape names the parameter', () => {
    const opt = new fv.optim.Adam([p]);
    p.grad = fv.tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(/Adam.step: params\[0\]: grad float32 \[3\] on cpu does not match param float32 \[2\] on cpu/);
    opt.zeroGrad();
  });

  it('the native step refuses the same tensor twice, mismatched state and a disposed tensor', () => {
    const g = fv.tensor([1, 1]);
    const m = fv.tensor([0, 0]);
    const o = { lr: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
    const h = (t: fv.Tensor) => t.handle('test').id;
    expect(() => fv.native.adamStep(h(p), h(g), h(m), h(m), o)).toThrow(/adamStep: the same tensor was passed twice/);
    const v3 = fv.tensor([0, 0, 0]);
    expect(() => fv.native.adamStep(h(p), h(g), h(m), h(v3), o)).toThrow(/adamStep: expAvgSq must be float32 on cpu with param's shape \[2\], got float32 on cpu with shape \[3\]/);
    expect(() => fv.native.adamStep(h(p), h(g), h(m), h(fv.tensor([0, 0])), { ...o, step: 0 })).toThrow(/adamStep: step must be an integer ≥ 1, got 0/);
    expect(() => fv.native.sgdStep(h(p), h(g), undefined, { lr: 1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, first: true })).toThrow(
      /sgdStep: a momentum buffer is needed exactly when momentum ≠ 0/,
    );
    const d = fv.tensor([0, 0]);
    const hd = h(d);
    d.dispose();
    expect(() => fv.native.adamStep(h(p), h(g), h(m), hd, o)).toThrow(/adamStep: tensor was disposed/);
    expect(Array.from(p.toFloat32Array())).toEqual([1, 2]);
    [g, m, v3].forEach((t) => t.dispose());
  });
});
