// An LSTM step on CPU (batch 64, input 256, hidden 256): foveate's fused cell
// (two GEMMs + one fused pointwise kernel each way) and its composite twin, vs
// PyTorch's nn.LSTMCell in the same run (bench/torch_lstm.py). Forward + backward
// with loss = sum(h') + sum(c'), parameter grads dropped every step; and the
// forward alone without a graph. ratio = torchMs / foveateMs (> 1: foveate faster).
import * as fv from '../src/index.js';
import { runPython } from './python.js';
import { time } from './timer.js';

export interface LstmRow {
  name: string;
  foveateMs: number;
  torchMs?: number;
  ratio?: number;
  note?: string;
}

interface TorchLstm {
  torch: string;
  threads: number;
  step_ms: number;
  forward_ms: number;
}

const CONFIG = { batch: 64, input: 256, hidden: 256 };

export function benchLstm(minMs = 500): LstmRow[] {
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
  const fused = time(step(fv.ops.lstmCell), { minMs }).bestMs;
  const composite = time(step(fv.ops.lstmCellComposite), { minMs }).bestMs;
  const fwd = time(forward, { minMs }).bestMs;
  for (const t of [...params, x, h0, c0]) t.dispose();

  const torch = runPython<TorchLstm>('torch_lstm.py', { ...CONFIG, min_ms: minMs });
  const shape = `batch ${b}, input ${i}, hidden ${h}`;
  const row = (name: string, ms: number, torchMs: number | undefined): LstmRow =>
    torchMs === undefined ? { name, foveateMs: ms, note: torch.why } : { name, foveateMs: ms, torchMs, ratio: torchMs / ms };
  return [
    row(`LSTM step fwd+bwd, fused cell (${shape})`, fused, torch.value?.step_ms),
    row(`LSTM step fwd+bwd, composite cell (${shape})`, composite, torch.value?.step_ms),
    row(`LSTM step forward only (${shape})`, fwd, torch.value?.forward_ms),
  ];
}
