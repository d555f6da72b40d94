// Bad input beyond single ops (each op's own bad input is declared with the op,
// in test/ops): disposed tensors, tensor creation, devices, the binding's
// dispatch, and Rust panics — each a JS Error naming the op and the value.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { native, NativeTensor } from '../src/native.js';
import { messageOf } from './helpers/errors.js';

const f32 = (shape: number[]): fv.Tensor => fv.zeros(shape);

describe('errors: the binding', () => {
  it('its family dispatch refuses an unknown op name', () => {
    const x = fv.tensor(Int32Array.from([1, 2, 3, 4]), [2, 2]);
    const h = x.handle('test').id;
    expect(() => native.unary('nope', h, 0)).toThrow(/^unary: unknown op 'nope'/);
    expect(() => native.binary('nope', h, h)).toThrow(/^binary: unknown op 'nope'/);
    x.dispose();
  });
});

describe('errors: disposed tensors', () => {
  it('using a disposed tensor names the op and the shape; disposing twice is harmless', () => {
    const d = fv.ones([2, 3]);
    d.dispose();
    d.dispose();
    expect(d.isDisposed).toBe(true);
    expect(messageOf(() => fv.ops.exp(d))).toMatch(/^exp: .*\[2,3\].*disposed/);
    expect(messageOf(() => fv.ops.matmul(f32([3, 3]), d, { transB: true }))).toMatch(/^matmul: .*\[2,3\].*disposed/);
    expect(messageOf(() => fv.ops.add(d, 1))).toMatch(/^add: .*\[2,3\].*disposed/);
    expect(messageOf(() => fv.ops.concat([f32([2, 3]), d]))).toMatch(/^concat: .*\[2,3\].*disposed/);
    expect(messageOf(() => d.toFloat32Array())).toMatch(/^toFloat32Array: .*\[2,3\].*disposed/);
    expect(messageOf(() => d.to('cpu'))).toMatch(/^to: .*\[2,3\].*disposed/);
    expect(messageOf(() => fv.ops.sum(d))).toMatch(/^sum: .*disposed/);
  });

  it('a disposed tensor from a finished tidy scope reports the same', () => {
    let inner: fv.Tensor | undefined;
    fv.tidy(() => {
      inner = fv.ones([4]);
    });
    expect(messageOf(() => fv.ops.neg(inner!))).toMatch(/^neg: .*\[4\].*disposed/);
  });
});

describe('errors: creation', () => {
  const bad: [string, number][] = [['non-integer', 1.5], ['negative', -1], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]];
  for (const [label, d] of bad) {
    it(`a ${label} shape entry is refused by tensor/zeros/ones/full/randn/rand/bernoulli, naming the op and the entry`, () => {
      const entry = new RegExp(`shape\\[1\\] = ${String(d).replace('.', '\\.')}`);
      const shape = [2, d];
      for (const [op, make] of [
        ['tensor', () => fv.tensor([1, 2], shape)],
        ['zeros', () => fv.zeros(shape)],
        ['ones', () => fv.ones(shape)],
        ['full', () => fv.full(shape, 3)],
        ['randn', () => fv.randn(shape)],
        ['rand', () => fv.rand(shape)],
        ['bernoulli', () => fv.bernoulli(shape, 0.5)],
      ] as const) {
        const m = messageOf(make);
        expect(m, op).toMatch(new RegExp(`^${op}: `));
        expect(m, op).toMatch(entry);
      }
    });
  }

  it('the binding re-checks shape entries', () => {
    expect(() => NativeTensor.fromFloat32(new Float32Array(1), [NaN], 'cpu')).toThrow(/^tensor: shape\[0\] = NaN/);
    expect(() => NativeTensor.fromFloat32(new Float32Array(1), [-1], 'cpu')).toThrow(/^tensor: shape\[0\] = -1/);
    expect(() => native.random('normal', [Infinity], 0, 1, 0, 0, 'cpu')).toThrow(/^random: shape\[0\] = (inf|Infinity) /);
    expect(() => native.random('normal', [2], 0, 1, 0, NaN, 'cpu')).toThrow(/^random: offset = NaN/);
    expect(() => native.random('normal', [2], 0, 1, -1, 0, 'cpu')).toThrow(/^random: seed = -1/);
    expect(() => native.random('gamma', [2], 0, 1, 0, 0, 'cpu')).toThrow(/^random: unknown distribution 'gamma'/);
    expect(() => fv.zeros([2, 3]).handle('test').reshape([1.5])).toThrow(/^reshape: shape\[0\] = 1\.5/);
  });

  it('data whose length does not match the shape names both', () => {
    expect(messageOf(() => fv.tensor([1, 2, 3], [2, 2]))).toMatch(/^tensor: data has 3 elements but shape \[2,2\] needs 4/);
    expect(messageOf(() => fv.tensor(new Int32Array(5), [2, 3]))).toMatch(/^tensor: data has 5 elements .*\[2,3\].*6/);
    expect(() => NativeTensor.fromFloat32(new Float32Array(5), [2, 3], 'cpu')).toThrow(/^tensor: data has 5 elements but shape \[2,3\] needs 6/);
  });

  it('bad distribution parameters name the op and the values', () => {
    expect(messageOf(() => fv.bernoulli([2], 1.5))).toMatch(/^bernoulli: p .*1\.5/);
    expect(messageOf(() => fv.bernoulli([2], NaN))).toMatch(/^bernoulli: p .*NaN/);
    expect(messageOf(() => fv.randn([2], { std: -1 }))).toMatch(/^randn: .*std -1/);
    expect(messageOf(() => fv.rand([2], { low: 2, high: 1 }))).toMatch(/^rand: low 2 and high 1/);
  });
});

describe('errors: devices', () => {
  it('an unknown device string is refused by name', () => {
    expect(messageOf(() => fv.tensor([1], [1], { device: 'tpu' as fv.DeviceName }))).toMatch(/^tensor: unknown device "tpu"/);
    expect(messageOf(() => fv.zeros([1], { device: 'gpu' as fv.DeviceName }))).toMatch(/^(zeros|full|tensor): unknown device "gpu"/);
    expect(messageOf(() => fv.randn([1], { device: 'cuda:1' as fv.DeviceName }))).toMatch(/^randn: unknown device "cuda:1"/);
    expect(messageOf(() => fv.ones([1]).to('metal' as fv.DeviceName))).toMatch(/^to: unknown device .metal./);
  });

  it.skipIf(fv.hasCuda())("to('cuda') without a GPU is a clear error, and the process carries on", () => {
    const x = fv.ones([2, 2]);
    expect(() => x.to('cuda')).toThrow(/^to: CUDA is not available: .+/);
    expect(() => fv.randn([2], { device: 'cuda' })).toThrow(/CUDA is not available/);
    expect(() => fv.zeros([2], { device: 'cuda' })).toThrow(/CUDA is not available/);
    expect(Array.from(fv.tidy(() => fv.ops.add(x, 1).toFloat32Array()))).toEqual([2, 2, 2, 2]);
    x.dispose();
  });
});

describe('errors: Rust panics', () => {
  // In a child process, so the two deliberate panics' messages (and backtraces,
  // under RUST_BACKTRACE) land in its stderr, checked here, not in npm test's output.
  it('a panic in the binding becomes a JS Error and the process carries on', () => {
    const script = `import * as ns from ${JSON.stringify(join(__dirname, '..', 'src', 'index.ts'))};
const fv = typeof ns.randn === 'function' ? ns : ns.default;
const caught = [];
for (let i = 0; i < 2; i++) {
  try { fv.native.debugPanic('deliberate panic 42'); } catch (e) { caught.push(e instanceof Error ? e.message : 'not an Error'); }
}
// The addon still works after two panics.
const out = fv.tidy(() => Array.from(fv.ops.matmul(fv.ones([2, 3]), fv.ones([3, 2])).toFloat32Array()));
console.log(JSON.stringify({ caught, out }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const { caught, out } = JSON.parse(r.stdout) as { caught: string[]; out: number[] };
    expect(caught).toHaveLength(2);
    for (const m of caught) expect(m).toMatch(/deliberate panic 42/);
    expect(out).toEqual([3, 3, 3, 3]);
    expect(r.stderr).toMatch(/panicked at .*\n.*deliberate panic 42/);
  }, 60_000);
});
