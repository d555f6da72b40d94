// The training stack end to end on real MNIST: a tiny MLP learns, memory stays
// flat over 1,000 steps, and an interrupted run resumes on the same trajectory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { trainClassifier } from '../../src/train/classifier.js';
import { RunFolder } from '../../src/train/run-folder.js';

const train = fv.data.mnist({ split: 'train' });
const test = fv.data.mnist({ split: 'test' });
const small = { ...test, images: test.images.subarray(0, 1000 * 784), labels: test.labels.subarray(0, 1000), shape: [1000, 28, 28] as [number, number, number] };

function tinyMlp(): fv.nn.Sequential {
  return new fv.nn.Sequential(new fv.nn.Flatten(), new fv.nn.Linear(784, 32), new fv.nn.ReLU(), new fv.nn.Linear(32, 10));
}

describe('training on real MNIST', () => {
  it('a tiny MLP lowers its loss within 150 steps and beats chance by far', () => {
    fv.seed(0);
    const model = tinyMlp();
    const losses: number[] = [];
    const r = trainClassifier({ model, optimizer: new fv.optim.Adam(model.parameters(), { lr: 3e-3 }), train, test: small, steps: 150, batchSize: 32, exampleShape: [784], evalEvery: 150, onStep: (_, l) => losses.push(l) });
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 20)));
    expect(r.testAccuracy).toBeGreaterThan(0.8);
    model.dispose();
  });

  it('keeps live native tensors and bytes flat over a 1,000-step loop', () => {
    fv.seed(1);
    const model = tinyMlp();
    const optimizer = new fv.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const counts: number[] = [];
    const bytes: number[] = [];
    trainClassifier({
      model,
      optimizer,
      train,
      test: small,
      steps: 1000,
      batchSize: 16,
      exampleShape: [784],
      evalEvery: 1000,
      onStep: (step) => {
        if (step === 10 || step % 250 === 0) {
          const m = fv.memory();
          counts.push(m.numTensors);
          bytes.push(m.numBytes);
        }
      },
    });
    expect(new Set(counts).size).toBe(1);
    expect(new Set(bytes).size).toBe(1);
    model.dispose();
  });

  it('a run stopped and resumed from its checkpoint ends bit-identical to one never stopped', () => {
    const runOnce = (dir: string, stops: number[]): Float32Array[] => {
      fv.seed(7);
      let model = tinyMlp();
      for (const steps of stops) {
        model = tinyMlp();
        const optimizer = new fv.optim.Adam(model.parameters(), { lr: 1e-3 });
        trainClassifier({ model, optimizer, train, test: small, steps, batchSize: 8, exampleShape: [784], evalEvery: 1000, checkpointEvery: 5, run: new RunFolder(dir), resume: true });
      }
      return model.parameters().map((p) => p.toFloat32Array());
    };
    const straight = runOnce(mkdtempSync(join(tmpdir(), 'fv-straight-')), [30]);
    const resumed = runOnce(mkdtempSync(join(tmpdir(), 'fv-resumed-')), [15, 30]);
    expect(resumed.length).toBe(straight.length);
    resumed.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(straight[i]!.buffer))).toBe(true));
  });
});
