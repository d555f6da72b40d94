// Bad input: each public entry point answers with a JS Error naming the op, the
// argument and the shapes (`op: argument problem, expected X, got Y`); the Rust
// layer re-checks what bypasses TypeScript and never panics into Node.
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { native } from '../src/native.js';
import { messageOf } from './helpers/errors.js';

const f32 = (shape: number[]): fv.Tensor => fv.zeros(shape);
const i32 = (values: number[], shape: number[]): fv.Tensor => fv.tensor(Int32Array.from(values), shape);

describe('errors: shapes', () => {
  it('matmul with mismatched inner sizes names both shapes', () => {
    expect(messageOf(() => fv.ops.matmul(f32([2, 3]), f32([4, 5])))).toMatch(/^matmul: .*a \[2,3\].* b \[4,5\]/);
    expect(messageOf(() => fv.ops.matmul(f32([3, 2]), f32([4, 5]), { transA: true }))).toMatch(/^matmul: .*a \[3,2\]ᵀ.* b \[4,5\]/);
    expect(messageOf(() => fv.ops.matmul(f32([2, 3, 4]), f32([3, 4, 5])))).toMatch(/^matmul: .*\[2,3,4\].*\[3,4,5\]/);
    expect(messageOf(() => fv.ops.matmul(f32([4]), f32([4, 5])))).toMatch(/^matmul: .*a.*\[4\]/);
  });

  it('binary ops with shapes that do not broadcast name both shapes', () => {
    expect(messageOf(() => fv.ops.add(f32([2, 3]), f32([4, 3])))).toMatch(/^add: .*broadcast.*\[2,3\].*\[4,3\]/);
    expect(messageOf(() => fv.ops.mul(f32([5, 1, 7]), f32([2, 6])))).toMatch(/^mul: .*\[5,1,7\].*\[2,6\]/);
    expect(messageOf(() => fv.ops.expand(f32([2, 3]), [3, 3]))).toMatch(/^expand: .*\[2,3\].*\[3,3\]/);
  });

  it('layout ops with incompatible shapes name them', () => {
    expect(messageOf(() => fv.ops.reshape(f32([2, 3]), [4, -1]))).toMatch(/^reshape: .*\[2,3\].*\[4,-1\]/);
    expect(messageOf(() => fv.ops.reshape(f32([2, 3]), [5]))).toMatch(/^reshape: .*\[2,3\].*\[5\]/);
    expect(messageOf(() => fv.ops.reshape(f32([2, 3]), [-1, -1]))).toMatch(/^reshape: .*-1/);
    expect(messageOf(() => fv.ops.concat([f32([2, 3]), f32([3, 2])], 0))).toMatch(/^concat: tensors\[1\].*\[3,2\].*\[2,3\]/);
    expect(messageOf(() => fv.ops.concat([f32([2, 3]), i32([1, 2, 3], [1, 3])], 0))).toMatch(/^concat: tensors\[1\] is int32.*float32/);
    expect(messageOf(() => fv.ops.permute(f32([2, 3, 4]), [0, 1]))).toMatch(/^permute: .*perm.*\[2,3,4\]/);
    expect(messageOf(() => fv.ops.permute(f32([2, 3, 4]), [0, 1, 1]))).toMatch(/^permute: .*perm.*\[2,3,4\]/);
    expect(messageOf(() => fv.ops.slice(f32([2, 3]), [0, 0, 0]))).toMatch(/^slice: .*\[2,3\]/);
    expect(messageOf(() => fv.ops.slice(f32([2, 3]), [0], [2], [0]))).toMatch(/^slice: step\[0\]/);
    expect(messageOf(() => fv.ops.gather(f32([4, 5]), 1, i32([0, 1, 2, 3, 4, 0], [1, 2, 3])))).toMatch(/^gather: index \[1,2,3\].*x \[4,5\]/);
  });
});

describe('errors: dtypes', () => {
  const ints = (): fv.Tensor => i32([1, 2, 3, 4], [2, 2]);
  it('an int32 tensor into a float op names the op, the argument, dtype and shape', () => {
    expect(messageOf(() => fv.ops.exp(ints()))).toMatch(/^exp: x .*float32.*int32.*\[2,2\]/);
    expect(messageOf(() => fv.ops.add(f32([2, 2]), ints()))).toMatch(/^add: b .*float32.*int32.*\[2,2\]/);
    expect(messageOf(() => fv.ops.matmul(ints(), f32([2, 2])))).toMatch(/^matmul: a .*float32.*int32.*\[2,2\]/);
    expect(messageOf(() => fv.ops.sum(ints()))).toMatch(/^sum: x .*float32.*int32.*\[2,2\]/);
    expect(messageOf(() => fv.ops.softmax(ints()))).toMatch(/^softmax: x .*float32.*int32.*\[2,2\]/);
    expect(messageOf(() => fv.ops.argmax(ints(), 0))).toMatch(/^argmax: x .*float32.*int32.*\[2,2\]/);
  });

  it('a float index into gather/indexSelect names the argument', () => {
    expect(messageOf(() => fv.ops.gather(f32([2, 3]), 1, f32([2, 3])))).toMatch(/^gather: index .*int32.*float32.*\[2,3\]/);
    expect(messageOf(() => fv.ops.indexSelect(f32([2, 3]), 0, f32([2])))).toMatch(/^indexSelect: index .*int32.*float32.*\[2\]/);
  });

  it('the binding re-checks dtypes itself (no panic when TypeScript is bypassed)', () => {
    const x = ints();
    const h = x.handle('test');
    expect(() => native.unary('exp', h, 0)).toThrow(/^exp: x must be a float32 tensor, got int32 .*\[2,2\]/);
    expect(() => native.matmul(h, h, false, false)).toThrow(/^matmul: a .*float32.*int32.*\[2,2\]/);
    expect(() => native.reduce('sum', h, [], false)).toThrow(/^sum: x .*float32.*int32/);
    expect(() => native.softmax(h, 0, false)).toThrow(/^softmax: x .*float32.*int32/);
    expect(() => native.argmax(h, 0, false)).toThrow(/^argmax: x .*float32.*int32/);
    expect(() => native.gather(f32([2, 2]).handle('test'), 0, f32([2, 2]).handle('test'))).toThrow(/^gather: index .*int32.*float32/);
    expect(() => native.unary('nope', h, 0)).toThrow(/^unary: unknown op 'nope'/);
    expect(() => native.binary('nope', h, h)).toThrow(/^binary: unknown op 'nope'/);
    x.dispose();
  });
});

describe('errors: axes and indices', () => {
  it('an out-of-range axis names the op, the axis and the shape', () => {
    const x = (): fv.Tensor => f32([2, 3]);
    expect(messageOf(() => fv.ops.sum(x(), 2))).toMatch(/^sum: axis 2 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.mean(x(), [0, -3]))).toMatch(/^mean: axis -3 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.max(x(), [1, 1]))).toMatch(/^max: axis 1 given twice/);
    expect(messageOf(() => fv.ops.argmax(x(), 5))).toMatch(/^argmax: axis 5 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.softmax(x(), -3))).toMatch(/^softmax: axis -3 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.logSoftmax(x(), 2))).toMatch(/^logSoftmax: axis 2 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.transpose(x(), 0, 2))).toMatch(/^transpose: axis 2 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.concat([x(), x()], 2))).toMatch(/^concat: axis 2 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.gather(x(), 2, i32([0], [1, 1])))).toMatch(/^gather: axis 2 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.indexSelect(x(), -3, i32([0], [1])))).toMatch(/^indexSelect: axis -3 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.sum(x(), 0.5))).toMatch(/^sum: axis 0.5 /);
  });

  it('the binding re-checks axes', () => {
    const h = f32([2, 3]).handle('test');
    expect(() => native.reduce('sum', h, [5], false)).toThrow(/^sum: axis 5 out of range .*rank 2/);
    expect(() => native.softmax(h, -3, true)).toThrow(/^logSoftmax: axis -3 out of range/);
    expect(() => native.argmax(h, 2, false)).toThrow(/^argmax: axis 2 out of range/);
    expect(() => native.permute(h, [0, 0])).toThrow(/^permute: perm .*\[2,3\]/);
    expect(() => native.slice(h, [0, 0], [3, 3], [1, 1])).toThrow(/^slice: axis 0: .*\[2,3\]/);
  });

  it('an out-of-range index names the op, the position, the value and x', () => {
    expect(messageOf(() => fv.ops.gather(f32([2, 3]), 1, i32([0, 3, 1, 1], [2, 2])))).toMatch(/^gather: index\[1\] = 3 is out of range 0\.\.3 for x \[2,3\]/);
    expect(messageOf(() => fv.ops.gather(f32([2, 3]), 0, i32([0, -1], [1, 2])))).toMatch(/^gather: index\[1\] = -1 .*\[2,3\]/);
    expect(messageOf(() => fv.ops.indexSelect(f32([2, 3]), 0, i32([0, 2], [2])))).toMatch(/^indexSelect: index\[1\] = 2 is out of range 0\.\.2 for x \[2,3\]/);
    expect(messageOf(() => fv.ops.indexSelect(f32([2, 3]), 1, i32([-1], [1])))).toMatch(/^indexSelect: index\[0\] = -1 .*\[2,3\]/);
  });

  it('reductions over an empty axis that have no identity are refused', () => {
    expect(messageOf(() => fv.ops.max(f32([0, 3]), 0))).toMatch(/^max: .*empty axis.*\[0,3\]/);
    expect(messageOf(() => fv.ops.min(f32([2, 0])))).toMatch(/^min: .*empty axis.*\[2,0\]/);
    expect(messageOf(() => fv.ops.argmax(f32([2, 0]), 1))).toMatch(/^argmax: .*empty axis.*\[2,0\]/);
    expect(() => native.reduce('max', f32([0, 3]).handle('test'), [0], false)).toThrow(/^max: .*empty axis.*\[0,3\]/);
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
    expect(() => native.NativeTensor.fromFloat32(new Float32Array(1), [NaN], 'cpu')).toThrow(/^tensor: shape\[0\] = NaN/);
    expect(() => native.NativeTensor.fromFloat32(new Float32Array(1), [-1], 'cpu')).toThrow(/^tensor: shape\[0\] = -1/);
    expect(() => native.random('normal', [Infinity], 0, 1, 0, 0, 'cpu')).toThrow(/^random: shape\[0\] = (inf|Infinity) /);
    expect(() => native.random('normal', [2], 0, 1, 0, NaN, 'cpu')).toThrow(/^random: offset = NaN/);
    expect(() => native.random('normal', [2], 0, 1, -1, 0, 'cpu')).toThrow(/^random: seed = -1/);
    expect(() => native.random('gamma', [2], 0, 1, 0, 0, 'cpu')).toThrow(/^random: unknown distribution 'gamma'/);
    expect(() => fv.zeros([2, 3]).handle('test').reshape([1.5])).toThrow(/^reshape: shape\[0\] = 1\.5/);
  });

  it('data whose length does not match the shape names both', () => {
    expect(messageOf(() => fv.tensor([1, 2, 3], [2, 2]))).toMatch(/^tensor: data has 3 elements but shape \[2,2\] needs 4/);
    expect(messageOf(() => fv.tensor(new Int32Array(5), [2, 3]))).toMatch(/^tensor: data has 5 elements .*\[2,3\].*6/);
    expect(() => native.NativeTensor.fromFloat32(new Float32Array(5), [2, 3], 'cpu')).toThrow(/^tensor: data has 5 elements but shape \[2,3\] needs 6/);
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
  it('a panic in the binding becomes a JS Error and the process carries on', () => {
    expect(() => native.debugPanic('deliberate panic 42')).toThrow(Error);
    expect(() => native.debugPanic('deliberate panic 42')).toThrow(/deliberate panic 42/);
    // The addon still works after two panics.
    const out = fv.tidy(() => fv.ops.matmul(fv.ones([2, 3]), fv.ones([3, 2])).toFloat32Array());
    expect(Array.from(out)).toEqual([3, 3, 3, 3]);
  });
});
