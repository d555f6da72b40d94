// bench/torch_captioner.py is the same model as fv.models.Captioner: with foveate's
// weights copied in, it gives foveate's loss (eval mode: no dropout). Runs where
// python3 has torch (the bench's baseline); skipped elsewhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

const hasTorch = spawnSync('python3', ['-c', 'import torch']).status === 0;

// foveate's parameter names → the PyTorch twin's.
const NAMES: Record<string, string> = {
  'embedding.weight': 'embedding.weight', 'initH.weight': 'init_h.weight', 'initH.bias': 'init_h.bias', 'initC.weight': 'init_c.weight', 'initC.bias': 'init_c.bias',
  'attentionProj.weight': 'att_proj.weight', 'attentionProj.bias': 'att_proj.bias', 'attentionHidden.weight': 'att_hidden.weight', attentionV: 'att_v',
  'selector.weight': 'selector.weight', 'selector.bias': 'selector.bias', 'lstm.weightIh': 'lstm.weight_ih', 'lstm.weightHh': 'lstm.weight_hh', 'lstm.biasIh': 'lstm.bias_ih', 'lstm.biasHh': 'lstm.bias_hh',
  'outHidden.weight': 'out_hidden.weight', 'outHidden.bias': 'out_hidden.bias', 'outContext.weight': 'out_context.weight', 'outWord.weight': 'out_word.weight', 'outWord.bias': 'out_word.bias',
};

const SCRIPT = `
import json, sys, torch
sys.path.insert(0, sys.argv[2])
from torch_captioner import Captioner
d = json.load(open(sys.argv[1]))
m = Captioner(d["K"], d["D"], d["n"], d["m"]).eval()
sd = m.state_dict()
assert sorted(sd) == sorted(d["w"]), sorted(set(sd) ^ set(d["w"]))
with torch.no_grad():
    for k, v in d["w"].items():
        sd[k].copy_(torch.tensor(v["data"]).view(v["shape"]))
print(m.loss(torch.tensor(d["a"]).view(d["shape"]), torch.tensor(d["tokens"]).view(d["B"], -1)).item())
`;

describe.runIf(hasTorch)('bench/torch_captioner.py', () => {
  it("gives fv.models.Captioner's loss for the same weights", () => {
    fv.seed(3);
    const [K, D, n, m, B, L] = [20, 8, 16, 8, 3, 5];
    const net = new fv.models.Captioner({ vocab: { size: K, padId: 0, startId: 1, eosId: 2, unkId: 3 }, annotationSize: D, attention: 'soft', lstmSize: n, embedSize: m }).eval();
    const a = fv.rand([B, L, D]);
    const tokens = Int32Array.from([5, 6, 7, 2, 9, 10, 11, 2, 12, 13, 2, 0]); // the last caption padded
    const loss = net.loss({ annotations: a, tokens, shape: [B, 4] }).item();
    const w = Object.fromEntries([...net.namedParameters()].map(([k, t]) => [NAMES[k] ?? k, { shape: t.shape, data: Array.from(t.toFloat32Array()) }]));
    const dir = mkdtempSync(join(tmpdir(), 'fv-twin-'));
    try {
      const file = join(dir, 'case.json');
      writeFileSync(file, JSON.stringify({ K, D, n, m, B, shape: [B, L, D], w, a: Array.from(a.toFloat32Array()), tokens: Array.from(tokens) }));
      const r = spawnSync('python3', ['-c', SCRIPT, file, join(__dirname, '..', '..', 'bench')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(Number(r.stdout)).toBeCloseTo(loss, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      net.dispose();
      a.dispose();
    }
  });
});
