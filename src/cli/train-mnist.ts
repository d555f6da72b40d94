// `foveate train mnist`: the training stack's first real run — an MLP or a small
// conv net on the real MNIST digits with Adam; writes metrics.jsonl, a resumable
// checkpoint, results.json and accuracy/loss curves.
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { terminalProgress } from './common/progress.js';
import { seed } from '../random.js';
import { parseDevice } from '../device.js';
import { mnist } from '../data/mnist.js';
import { Adam } from '../optim/index.js';
import { mnistConvNet, mnistMlp } from '../models/mnist-classifiers.js';
import { trainClassifier } from '../train/classifier.js';
import { RunFolder } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';

export async function trainMnistCommand(argv: string[]): Promise<void> {
  const values = parseCommand('train mnist', 'MNIST classifiers on real MNIST: metrics.jsonl, a resumable checkpoint, curves', argv, {
    model: { type: 'string', default: 'mlp', help: 'mlp (784-512-512-10) | conv (5×5 conv 16, 32, FC 128)' },
    steps: { type: 'string', default: '3000', help: 'training steps' },
    'batch-size': { type: 'string', default: '64', help: 'images per step' },
    lr: { type: 'string', default: '0.001', help: 'Adam learning rate' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights and batches' },
    out: { type: 'string', help: 'run folder (default runs/mnist-MODEL)' },
    resume: { type: 'boolean', default: false, help: 'continue from the run folder\'s checkpoint' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const kind = values.model;
  if (kind !== 'mlp' && kind !== 'conv') throw new Error(`train mnist: --model must be mlp or conv, got ${kind}`);
  const int = (name: string, v: string, min = 0): number => intOption('train mnist', name, v, min);
  const steps = int('steps', values.steps);
  const batchSize = int('batch-size', values['batch-size'], 1);
  const lr = positiveOption('train mnist', 'lr', values.lr);
  const device = parseDevice('train mnist', values.device);
  seed(int('seed', values.seed));
  const train = mnist({ split: 'train' });
  // Before the run folder: a batch larger than the set is refused, not trained on.
  if (batchSize > train.shape[0]!) throw new Error(`train mnist: --batch-size ${batchSize} is larger than the ${train.shape[0]} training images`);
  const run = new RunFolder(values.out ?? `runs/mnist-${kind}`);
  const model = kind === 'mlp' ? mnistMlp({ device }) : mnistConvNet({ device });
  const optimizer = new Adam(model.parameters(), { lr });
  const result = trainClassifier({
    model,
    progress: terminalProgress,
    optimizer,
    train,
    test: mnist({ split: 'test' }),
    steps,
    batchSize,
    exampleShape: kind === 'mlp' ? [784] : [1, 28, 28],
    evalEvery: Math.min(500, Math.max(50, Math.floor(steps / 10))), // a curve of several points from a short run too
    device,
    run,
    resume: values.resume,
    label: `mnist ${kind}`,
  });
  const rows = run.readMetrics();
  const acc = rows.filter((r) => typeof r.testAccuracy === 'number');
  writeLinePlot(run.path('accuracy.svg'), [{ label: `${kind} test accuracy`, x: acc.map((r) => r.step), y: acc.map((r) => Number(r.testAccuracy)) }], {
    title: `MNIST ${kind}`,
    xLabel: 'step',
    yLabel: 'test accuracy',
  });
  writeLinePlot(run.path('loss.svg'), [{ label: 'training loss', x: rows.map((r) => r.step), y: rows.map((r) => Number(r.loss)) }], {
    title: `MNIST ${kind}`,
    xLabel: 'step',
    yLabel: 'cross-entropy (nats)',
    logY: true,
  });
  const summary = { model: kind, steps, batchSize, lr, device, testAccuracy: result.testAccuracy, lastLoss: result.lastLoss, seconds: result.seconds };
  writeFileAtomic(run.path('results.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`MNIST ${kind}: test accuracy ${(result.testAccuracy * 100).toFixed(2)}% after ${steps} steps (${result.seconds.toFixed(0)} s) → ${run.dir}`);
}
