# PyTorch CPU twin of bench/attention.ts: DRAW read 2x2 / write 5x5 on 64x28x28,
# forward + backward from a fixed upstream gradient, best of repeats (ms), with the
# filterbank written as a typical port writes it (tensor ops + bmm), in PAPERS.md's
# 1-based convention. Run: python3 bench/torch_attention.py [threads]
import sys
import time

import torch
from torch_filterbank import filterbank

torch.manual_seed(0)
if len(sys.argv) > 1:
    torch.set_num_threads(int(sys.argv[1]))
B, A, N_R, N_W = 64, 28, 2, 5
def read(x, p, N):
    fx, fy, g = filterbank(p, N, x.shape[2], x.shape[1])
    return g[:, None, None] * torch.bmm(torch.bmm(fy, x), fx.transpose(1, 2))
def write(w, p, H, W):
    fx, fy, g = filterbank(p, w.shape[1], W, H)
    return torch.bmm(torch.bmm(fy.transpose(1, 2), w / g[:, None, None]), fx)
def bench(f, x, p, backward):
    x.requires_grad_(backward); p.requires_grad_(backward)
    g = torch.rand_like(f(x, p).detach())
    runs = []
    for k in range(400):
        t0 = time.perf_counter()
        out = f(x, p)
        if backward:
            out.backward(g); x.grad = None; p.grad = None
        runs.append(time.perf_counter() - t0)
        if k > 100 and sum(runs) > 0.3: break
    return sorted(runs[5:])[0] * 1e3
x = (torch.rand(B, A, A) < 0.2).float(); w = torch.rand(B, N_W, N_W) * 2 - 1
p = (torch.rand(B, 5) * 2 - 1) * torch.tensor([0.5, 0.5, 0.5, 0.3, 0.3])
for name, f, inp, bw in [('read 2x2 fwd', lambda x, p: read(x, p, N_R), x, False), ('read 2x2 fwd+bwd', lambda x, p: read(x, p, N_R), x, True),
                         ('write 5x5 fwd', lambda w, p: write(w, p, A, A), w, False), ('write 5x5 fwd+bwd', lambda w, p: write(w, p, A, A), w, True)]:
    with torch.set_grad_enabled(bw):
        print(f'{name}: {bench(f, inp.clone(), p.clone(), bw):.3f} ms')
