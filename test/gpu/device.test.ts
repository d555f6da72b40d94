// The GPU as a device: transfers, memory accounting per device, and the Philox
// stream drawn on the GPU equal to the CPU's.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { announceSkip, hasGpu } from '../helpers/gpu.js';

announceSkip('CUDA transfers, memory and RNG');

describe.skipIf(!hasGpu)('cuda: transfers and memory', () => {
  it('lists the GPU in fv.devices()', () => {
    const gpus = fv.devices().filter((d) => d.kind === 'cuda');
    expect(gpus.length).toBe(1);
    expect(gpus[0]!.name.length).toBeGreaterThan(0);
  });

  it('round-trips float32 and int32 data exactly, empty and rank-0 included', () => {
    const cases: [Float32Array | Int32Array, number[]][] = [
      [Float32Array.from([1.5, -2, NaN, Infinity, 3e38, -0]), [2, 3]],
      [Int32Array.from([1, -2, 2147483647, -2147483648]), [4]],
      [new Float32Array(0), [0, 3]],
      [new Int32Array(0), [0]],
      [Float32Array.from([7]), []],
    ];
    for (const [data, shape] of cases) {
      fv.tidy(() => {
        const g = fv.tensor(data, shape, { device: 'cuda' });
        expect(g.device).toBe('cuda');
        expect(g.shape).toEqual(shape);
        const back = g.to('cpu');
        expect(back.device).toBe('cpu');
        const got = back.dtype === 'int32' ? back.toInt32Array() : back.toFloat32Array();
        expect(Array.from(got)).toEqual(Array.from(data));
        const direct = g.dtype === 'int32' ? g.toInt32Array() : g.toFloat32Array();
        expect(Array.from(direct)).toEqual(Array.from(data));
      });
    }
  });

  it('fv.memory() counts CUDA tensors and bytes on the cuda device only', () => {
    const before = fv.memory();
    const g = fv.zeros([5, 7], { device: 'cuda' });
    const e = fv.zeros([0, 4], { device: 'cuda' });
    const m = fv.memory();
    expect(m.devices.cuda!.tensors - before.devices.cuda!.tensors).toBe(2);
    expect(m.devices.cuda!.bytes - before.devices.cuda!.bytes).toBe(140);
    expect(m.devices.cpu).toEqual(before.devices.cpu);
    const r = fv.tidy(() => fv.ops.sum(fv.ops.exp(g), 0));
    expect(r.device).toBe('cuda');
    expect(fv.memory().devices.cuda!.tensors - before.devices.cuda!.tensors).toBe(3);
    for (const t of [g, e, r]) t.dispose();
    expect(fv.memory()).toEqual(before);
  });

  it('ops on tensors from different devices are refused by name', () => {
    fv.tidy(() => {
      const c = fv.ones([2, 2]);
      const g = fv.ones([2, 2], { device: 'cuda' });
      expect(() => fv.ops.add(c, g)).toThrow(/^add: .*device/);
      expect(() => fv.ops.matmul(g, c)).toThrow(/^matmul: .*device/);
    });
  });
});

describe.skipIf(!hasGpu)('cuda: RNG stream equals the CPU stream', () => {
  const draws: [string, (device: fv.DeviceName) => fv.Tensor, { atol: number; rtol: number; exact?: boolean }][] = [
    ['rand', (device) => fv.rand([3, 331], { device }), { atol: 0, rtol: 0, exact: true }],
    ['bernoulli', (device) => fv.bernoulli([3, 331], 0.3, { device }), { atol: 0, rtol: 0, exact: true }],
    // Device logf/cosf/sqrtf differ from the host's by a few ulp.
    ['randn', (device) => fv.randn([3, 331], { device }), { atol: 1e-5, rtol: 0 }],
    ['randn large', (device) => fv.randn([70001], { device, mean: 1, std: 2 }), { atol: 2e-5, rtol: 0 }],
  ];
  for (const [name, draw, tol] of draws) {
    it(`${name}: same (seed, offset) gives the same values on cuda and cpu`, () => {
      for (const [seed, offset] of [[0, 0], [123, 456], [2 ** 40 + 1, 2 ** 32 - 7]] as const) {
        fv.setRngState({ seed, offset });
        const g = fv.tidy(() => draw('cuda').to('cpu').toFloat32Array());
        const after = fv.getRngState();
        fv.setRngState({ seed, offset });
        const c = fv.tidy(() => draw('cpu').toFloat32Array());
        expect(fv.getRngState()).toEqual(after);
        expectClose(`${name} (${seed}, ${offset}) cuda vs cpu`, g, c, tol);
      }
    });
  }
});
