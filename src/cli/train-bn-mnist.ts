// `foveate train bn-mnist`: Figure 1 of the Batch Normalization paper (PAPERS.md
// §2) on real MNIST — the 3×100-sigmoid network with and without BN, batch 60,
// plain SGD (the paper gives no optimiser; foveate's choice is documented in
// the defaults below and written to results.json). Writes, under --out:
//   plain/ and bn/        each net's run folder (metrics.jsonl, checkpoint)
//   accuracy.svg          test accuracy vs steps, both nets (Fig 1a)
//   percentiles.svg       15th/50th/85th percentiles over the test images of one
//                         last-hidden-layer unit's sigmoid input (Fig 1b, c)
//   results.json          accuracies, steps for BN to reach the plain net's final
//                         accuracy, and BN inference by moving averages vs the
//                         exact population statistics (Algorithm 2) vs folded.
import { intOption, parseCommand, positiveOption } from './common/args.js';
import { stepsToReach } from './common/curves.js';
import { terminalProgress } from './common/progress.js';
import { seed } from '../random.js';
import { tensor } from '../creation.js';
import { parseDevice, type DeviceName } from '../device.js';
import { tidy } from '../memory.js';
import { mnist, type Dataset } from '../data/mnist.js';
import { batches } from '../data/batches.js';
import { SGD } from '../optim/index.js';
import { computePopulationStatistics } from '../nn/index.js';
import { bnMnistNet, foldBnMnistNet, lastSigmoidInput } from '../models/bn-mnist.js';
import { accuracy, trainClassifier } from '../train/classifier.js';
import { RunFolder, type MetricRow } from '../train/run-folder.js';
import { writeLinePlot } from '../viz/plot.js';
import { writeFileAtomic } from '../io/atomic.js';
import { type Sequential } from '../nn/containers.js';
import { type Tensor, noGrad } from '../tensor.js';

/** The q-quantile (0..1) of sorted values, linear interpolation (numpy's default). */
export function quantile(sorted: Float32Array | readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** 15th/50th/85th percentiles of unit `unit`'s sigmoid input over `ds` (eval mode). */
function percentiles(model: Sequential, ds: Dataset, unit: number, device?: DeviceName): { p15: number; p50: number; p85: number } {
  const wasTraining = model.training;
  model.eval();
  const n = ds.shape[0];
  const v = tidy(() =>
    noGrad(() => {
      const x = tensor(ds.images, [n, 784], { device });
      const z = lastSigmoidInput(model, x).toFloat32Array();
      const h = z.length / n;
      return Float32Array.from({ length: n }, (_, i) => z[i * h + unit]!).sort();
    }),
  );
  model.train(wasTraining);
  return { p15: quantile(v, 0.15), p50: quantile(v, 0.5), p85: quantile(v, 0.85) };
}

export async function trainBnMnistCommand(argv: string[]): Promise<void> {
  const values = parseCommand('train bn-mnist', 'Batch Normalization Figure 1: a 3×100 sigmoid MLP with and without BN on MNIST (accuracy.svg, percentiles.svg, results.json)', argv, {
    steps: { type: 'string', default: '50000', help: 'training steps per net' },
    'batch-size': { type: 'string', default: '60', help: 'images per step' },
    lr: { type: 'string', default: '0.5', help: 'SGD learning rate' },
    'init-std': { type: 'string', default: '0.1', help: 'std of the Gaussian initial weights' },
    'eval-every': { type: 'string', help: 'steps between test evaluations (default steps/200, at least 50: 250 for the 50,000-step run)' },
    unit: { type: 'string', default: '0', help: 'the last-hidden unit whose input percentiles are tracked (0–99)' },
    nets: { type: 'string', default: 'plain,bn', help: 'which nets to train: plain, bn or both' },
    seed: { type: 'string', default: '0', help: 'seed of the initial weights and batches' },
    out: { type: 'string', default: 'runs/bn-mnist', help: 'run folder' },
    resume: { type: 'boolean', default: false, help: 'continue from the run folder\'s checkpoints' },
    device: { type: 'string', default: 'cpu', help: 'cpu | cuda' },
  });
  if (!values) return;
  const int = (name: string, v: string, min = 0): number => intOption('train bn-mnist', name, v, min);
  const steps = int('steps', values.steps, 1);
  const batchSize = int('batch-size', values['batch-size'], 2);
  const lr = positiveOption('train bn-mnist', 'lr', values.lr);
  const initStd = positiveOption('train bn-mnist', 'init-std', values['init-std']);
  const unit = int('unit', values.unit);
  if (unit >= 100) throw new Error(`train bn-mnist: --unit must be below 100, got ${unit}`);
  const evalEvery = values['eval-every'] ? int('eval-every', values['eval-every'], 1) : Math.max(50, Math.floor(steps / 200));
  const nets = values.nets.split(',');
  for (const n of nets) if (n !== 'plain' && n !== 'bn') throw new Error(`train bn-mnist: --nets takes plain and/or bn, got ${n}`);
  const device = parseDevice('train bn-mnist', values.device);
  const seedValue = int('seed', values.seed);
  const train = mnist({ split: 'train' });
  if (batchSize > train.shape[0]!) throw new Error(`train bn-mnist: --batch-size ${batchSize} is larger than the ${train.shape[0]} training images`);
  const out = new RunFolder(values.out);
  const test = mnist({ split: 'test' });

  const summary: Record<string, unknown> = {
    paper: 'Ioffe & Szegedy 2015, Batch Normalization, arXiv:1502.03167, Figure 1',
    network: '784 → 3 × (100 sigmoid) → 10, weights N(0, initStd²), biases 0; with BN: sigmoid(BN(W u)), no linear bias',
    optimizer: 'plain SGD (no momentum, no weight decay), constant learning rate, same for both nets',
    steps,
    batchSize,
    lr,
    initStd,
    seed: seedValue,
    evalEvery,
    percentileUnit: unit,
    device,
  };
  const rowsOf: Record<string, MetricRow[]> = {};
  for (const kind of ['plain', 'bn']) {
    const run = new RunFolder(out.path(kind));
    if (nets.includes(kind)) {
      seed(seedValue);
      const model = bnMnistNet({ batchNorm: kind === 'bn', initStd, device });
      const optimizer = new SGD(model.parameters(), { lr });
      const result = trainClassifier({
        model,
        progress: terminalProgress,
        optimizer,
        train,
        test,
        steps,
        batchSize,
        exampleShape: [784],
        evalEvery,
        seed: seedValue,
        device,
        run,
        resume: values.resume,
        label: kind === 'bn' ? 'with BN   ' : 'without BN',
        onStep: (step) => {
          if (step % evalEvery === 0 || step === steps) run.log({ step, ...percentiles(model, test, unit, device) });
        },
      });
      const logged = run.readMetrics().filter((r) => typeof r.loss === 'number');
      const lastLoss = Number.isFinite(result.lastLoss) ? result.lastLoss : Number(logged[logged.length - 1]?.loss ?? NaN);
      const entry: Record<string, unknown> = { testAccuracy: result.testAccuracy, lastLoss, trainingSeconds: result.seconds };
      if (kind === 'bn') {
        // Algorithm 2 beside the moving averages: exact population statistics over one
        // pass of the training set, then the folded (BN-free) network.
        const moving = result.testAccuracy;
        const state = Object.fromEntries(model.namedBuffers().map(([k, t]) => [k, t.to(t.device)]));
        function* inputs(): Generator<Tensor> {
          for (const b of batches(train, { batchSize, device })) {
            yield b.x;
            b.x.dispose();
            b.y?.dispose();
          }
        }
        const pass = computePopulationStatistics(model, inputs());
        const exact = accuracy(model, test, { exampleShape: [784], device });
        const folded = foldBnMnistNet(model);
        const foldedAcc = accuracy(folded, test, { exampleShape: [784], device });
        const maxDiff = tidy(() =>
          noGrad(() => {
            const x = tensor(test.images.subarray(0, 1000 * 784), [1000, 784], { device });
            model.eval();
            const a = model.forward(x).toFloat32Array();
            const b = folded.forward(x).toFloat32Array();
            return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
          }),
        );
        entry.inference = {
          movingAverages: moving,
          populationStatistics: { testAccuracy: exact, trainingBatches: pass.batches, layers: pass.layers },
          folded: { testAccuracy: foldedAcc, maxAbsLogitDifference: maxDiff },
        };
        // The checkpoint keeps the moving averages; restore them in memory too.
        for (const [k, t] of model.namedBuffers()) t.assign(state[k]!);
        for (const t of Object.values(state)) t.dispose();
      }
      summary[kind] = entry;
      model.dispose();
    }
    rowsOf[kind] = run.readMetrics();
  }

  const acc = (rows: MetricRow[]): MetricRow[] => rows.filter((r) => typeof r.testAccuracy === 'number');
  const pct = (rows: MetricRow[]): MetricRow[] => rows.filter((r) => typeof r.p50 === 'number');
  const label = { plain: 'without BN', bn: 'with BN' } as const;
  const trained = (['plain', 'bn'] as const).filter((k) => acc(rowsOf[k]!).length);
  // As Fig 1a, the axis starts at 0.7, or lower when a net ends below it (a short run): the
  // early evaluations under that are left out of the picture (not of results.json), so
  // the late differences stay visible, and every net's curve is drawn.
  const floor = Math.min(0.7, ...trained.map((k) => Number(acc(rowsOf[k]!).at(-1)!.testAccuracy)));
  const accSeries = trained.map((k) => {
    const shown = acc(rowsOf[k]!).filter((r) => Number(r.testAccuracy) >= floor);
    return { label: label[k], x: shown.map((r) => r.step), y: shown.map((r) => Number(r.testAccuracy)) };
  });
  writeLinePlot(out.path('accuracy.svg'), accSeries, { title: 'MNIST, 3×100 sigmoid: test accuracy (Fig 1a)', xLabel: 'training step (batch 60)', yLabel: 'test accuracy' });
  const pctSeries = (['plain', 'bn'] as const).flatMap((k) =>
    (['p15', 'p50', 'p85'] as const).map((p) => ({
      label: `${label[k]} ${p.slice(1)}th`,
      x: pct(rowsOf[k]!).map((r) => r.step),
      y: pct(rowsOf[k]!).map((r) => Number(r[p])),
      color: k === 'bn' ? '#D55E00' : '#0072B2',
      dashed: p !== 'p50',
    })),
  );
  writeLinePlot(out.path('percentiles.svg'), pctSeries, {
    title: `Sigmoid input of last-hidden-layer unit ${unit}: 15/50/85th percentiles (Fig 1b, c)`,
    xLabel: 'training step',
    yLabel: 'sigmoid input',
  });

  const plainAcc = acc(rowsOf.plain!);
  const bnAcc = acc(rowsOf.bn!);
  if (plainAcc.length && bnAcc.length) {
    const target = Number(plainAcc[plainAcc.length - 1]!.testAccuracy);
    const plainSteps = stepsToReach(plainAcc, target);
    const bnSteps = stepsToReach(bnAcc, target);
    summary.comparison = {
      plainFinalAccuracy: target,
      bnFinalAccuracy: Number(bnAcc[bnAcc.length - 1]!.testAccuracy),
      plainBestAccuracy: Math.max(...plainAcc.map((r) => Number(r.testAccuracy))),
      bnBestAccuracy: Math.max(...bnAcc.map((r) => Number(r.testAccuracy))),
      plainStepsToFinal: plainSteps,
      bnStepsToPlainFinal: bnSteps,
      stepRatio: plainSteps !== null && bnSteps !== null ? plainSteps / bnSteps : null,
      note: `steps are the first evaluation (every ${evalEvery} steps) at or above the plain net's final test accuracy`,
    };
  }
  const curves = Object.fromEntries(
    (['plain', 'bn'] as const).map((k) => [k, { steps: acc(rowsOf[k]!).map((r) => r.step), testAccuracy: acc(rowsOf[k]!).map((r) => r.testAccuracy) }]),
  );
  writeFileAtomic(out.path('results.json'), JSON.stringify({ ...summary, curves }, null, 2) + '\n');
  const c = summary.comparison as { plainFinalAccuracy: number; bnFinalAccuracy: number; stepRatio: number | null } | undefined;
  if (c) {
    console.log(
      `bn-mnist: without BN ${(c.plainFinalAccuracy * 100).toFixed(2)}%, with BN ${(c.bnFinalAccuracy * 100).toFixed(2)}% after ${steps} steps; ` +
        `BN reaches the plain net's final accuracy in ${c.stepRatio === null ? 'n/a' : `${c.stepRatio.toFixed(1)}×`} fewer steps → ${out.dir}`,
    );
  } else console.log(`bn-mnist: ${nets.join(', ')} trained → ${out.dir}`);
}
