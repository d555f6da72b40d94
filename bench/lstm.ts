// An LSTM step on CPU (batch 64, input 256, hidden 256): foveate's fused cell
// (two GEMMs + one fused pointwise kernel each way) and its composite twin, vs
// PyTorch's nn.LSTMCell (bench/torch_lstm.py), alternated in the same run. Forward
// + backward with loss = sum(h') + sum(c'), parameter grads dropped every step; and
// the forward alone without a graph. ratio = torch ms / foveate ms (> 1: foveate faster).
import * as fv from '../src/index.js';
import { compare, pythonCase, type ComparedSection } from './compare.js';
import { type BenchContext } from './context.js';
import { trySetup } from './python.js';
import { timeRound } from './timer.js';

const CONFIG = { batch: 64, input: 256, hidden: 256 };

export async function benchLstm(ctx: BenchContext, minMs = 300): Promise<ComparedSection> {
  const { batch: b, input: i, hidden: h } = CONFIG;
  fv.seed(0);
  const bound = 1 / Math.sqrt(h);
  const params = [fv.rand([4 * h, i], { low: -bound, high: bound }), fv.rand([4 * h, h], { low: -bound, high: bound }), fv.rand([4 * h], { low: -bound, high: bound }), fv.rand([4 * h], { low: -bound, high: bound })];
  const [x, h0, c0] = [fv.randn([b, i]), fv.randn([b, h]), fv.randn([b, h])];
  const step = (cell: typeof fv.ops.lstmCell) => (): void => {
    params.forEach((p) => (p.requiresGrad = true));
    fv.tidy(() => {
      const s = cell(x, h0, c0, params[0]!, params[1]!, params[2], params[3]);
      fv.ops.add(fv.ops.sum(s.h), fv.ops.sum(s.c)).backward();
    });
    for (const p of params) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  };
  const forward = (): void =>
    fv.noGrad(() =>
      fv.tidy(() => {
        fv.ops.lstmCell(x, h0, c0, params[0]!, params[1]!, params[2], params[3]);
      }),
    );
  const round = (fn: () => void) => () => timeRound(fn, { minMs, minRuns: 5, warmup: 3 });
  const torch = await trySetup(ctx.worker, 'torch_lstm', { ...CONFIG, min_ms: minMs });
  const shape = `batch ${b}, input ${i}, hidden ${h}`;
  const rows = [
    await compare({ name: `LSTM step fwd+bwd, fused cell (${shape})`, rounds: ctx.rounds, foveate: round(step(fv.ops.lstmCell)), baseline: pythonCase(ctx.worker, torch.baseline, 'step'), why: torch.why }),
    await compare({ name: `LSTM step fwd+bwd, composite cell (${shape})`, rounds: ctx.rounds, foveate: round(step(fv.ops.lstmCellComposite)), baseline: pythonCase(ctx.worker, torch.baseline, 'step'), why: torch.why }),
    await compare({ name: `LSTM step forward only (${shape})`, rounds: ctx.rounds, foveate: round(forward), baseline: pythonCase(ctx.worker, torch.baseline, 'forward'), why: torch.why }),
  ];
  for (const t of [...params, x, h0, c0]) t.dispose();
  await ctx.worker.drop('torch_lstm');
  return { key: 'lstm', title: 'LSTM cell vs PyTorch CPU (ms)', unit: 'ms', baselineName: 'PyTorch', baseline: torch.baseline?.label, rows };
}
