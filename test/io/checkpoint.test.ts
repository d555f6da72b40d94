// Checkpoints: a run stopped, saved, loaded into fresh objects and resumed
// follows exactly the trajectory of a run never stopped (CPU, bit for bit),
// including the RNG stream; bad checkpoints change nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const N = 8;

/** A tiny MLP; the data and a noise term come from the global RNG at every step. */
function setup(seed: number) {
  fv.seed(seed);
  const model = new fv.nn.Sequential(new fv.nn.Linear(5, 7), new fv.nn.Tanh(), new fv.nn.Linear(7, 3));
  const optimizer = new fv.optim.Adam(model.parameters(), { lr: 0.01, weightDecay: 1e-3 });
  return { model, optimizer };
}

function trainStep(model: fv.nn.Sequential, optimizer: fv.optim.Optimizer): void {
  fv.tidy(() => {
    const x = fv.randn([4, 5]);
    const y = fv.randn([4, 3]);
    const out = model.forward(x) as fv.Tensor;
    fv.ops.mean(fv.ops.square(fv.ops.sub(out, y))).backward();
  });
  fv.optim.clipGradNorm(model.parameters(), 1);
  optimizer.step();
  optimizer.zeroGrad();
}

const bits = (model: fv.nn.Module): number[][] => model.parameters().map((p) => Array.from(new Uint32Array(p.toFloat32Array().buffer)));

describe('io: checkpoints', () => {
  it(`N/2 steps + save + load into fresh objects + N/2 steps equals ${N} straight steps bit for bit`, () => {
    const straight = setup(11);
    for (let i = 0; i < N; i++) trainStep(straight.model, straight.optimizer);

    const first = setup(11);
    for (let i = 0; i < N / 2; i++) trainStep(first.model, first.optimizer);
    const path = join(mkdtempSync(join(tmpdir(), 'fv-ck-')), 'checkpoint.safetensors');
    fv.io.saveCheckpoint(path, { model: first.model, optimizer: first.optimizer, step: N / 2 });

    const resumed = setup(999); // other initial weights and RNG position
    fv.randn([17]).dispose();
    const { step } = fv.io.loadCheckpoint(path, { model: resumed.model, optimizer: resumed.optimizer });
    expect(step).toBe(N / 2);
    for (let i = step; i < N; i++) trainStep(resumed.model, resumed.optimizer);

    expect(bits(resumed.model)).toEqual(bits(straight.model));
    expect(bits(resumed.model)).not.toEqual(bits(first.model)); // it did move on
    for (const r of [straight, first, resumed]) (r.optimizer.dispose(), r.model.dispose());
  });

  it('the file is plain safetensors: model.*, optimizer.<i>.<state>, step and RNG in metadata', () => {
    const { model, optimizer } = setup(3);
    trainStep(model, optimizer);
    const path = join(mkdtempSync(join(tmpdir(), 'fv-ck-')), 'c.safetensors');
    fv.io.saveCheckpoint(path, { model, optimizer, step: 1 });
    const f = fv.io.loadFile(path);
    expect(Object.keys(f.tensors).sort()).toEqual(
      ['model.0.bias', 'model.0.weight', 'model.2.bias', 'model.2.weight', ...[0, 1, 2, 3].flatMap((i) => [`optimizer.${i}.exp_avg`, `optimizer.${i}.exp_avg_sq`])].sort(),
    );
    expect(f.metadata.step).toBe('1');
    expect(JSON.parse(f.metadata.rng!)).toEqual(fv.getRngState());
    expect(JSON.parse(f.metadata.optimizer!).kind).toBe('Adam');
    Object.values(f.tensors).forEach((t) => t.dispose());
    optimizer.dispose();
    model.dispose();
  });

  it('a bad checkpoint changes neither model, optimiser nor RNG', () => {
    const { model, optimizer } = setup(5);
    trainStep(model, optimizer);
    const dir = mkdtempSync(join(tmpdir(), 'fv-ck-'));
    const path = join(dir, 'c.safetensors');
    fv.io.saveCheckpoint(path, { model, optimizer, step: 1 });

    const other = setup(6);
    trainStep(other.model, other.optimizer);
    const before = bits(other.model);
    const sgd = new fv.optim.SGD(other.model.parameters(), { lr: 0.1 });
    const wide = new fv.nn.Sequential(new fv.nn.Linear(5, 8), new fv.nn.Tanh(), new fv.nn.Linear(8, 3));
    const rng = fv.getRngState();
    expect(() => fv.io.loadCheckpoint(path, { model: other.model, optimizer: sgd })).toThrow(/c.safetensors: optimizer state is from Adam, expected SGD/);
    expect(() => fv.io.loadCheckpoint(path, { model: wide })).toThrow(/model.0.weight: float32 \[7,5\] in the file, float32 \[8,5\] in the model/);
    const truncated = join(dir, 't.safetensors');
    writeFileSync(truncated, readFileSync(path).subarray(0, 100));
    expect(() => fv.io.loadCheckpoint(truncated, { model: other.model })).toThrow(/io.loadCheckpoint: .*t.safetensors: header length \d+ exceeds file size 100/);
    const plain = join(dir, 'p.safetensors');
    fv.io.save(plain, other.model.stateDict());
    expect(() => fv.io.loadCheckpoint(plain, { model: other.model })).toThrow(/p.safetensors: not a foveate checkpoint/);
    expect(bits(other.model)).toEqual(before);
    expect(fv.getRngState()).toEqual(rng);
    for (const r of [{ model, optimizer }, other]) (r.optimizer.dispose(), r.model.dispose());
    wide.dispose();
  });
});
