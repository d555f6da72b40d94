#!/usr/bin/env python3
"""PyTorch CPU baseline for foveate's DRAM bench: one training step (forward over
T glimpses, backward, global-norm clip 10, Adam) of DRAW's Differentiable RAM on
100x100 images, batch 64, 8 glimpses of 12x12, 256 LSTM units, written from the
same equations as src/models/dram.ts (PAPERS.md §1: 1-based filter centres,
Z = max(sum, 1e-8), glimpse = gamma FY x FX^T, window t = 0.3 W h_{t-1} + b with
tanh on the centres, softmax on h_T).

Config of a case: {"batch": 64, "glimpses": 8, "read_n": 12, "hidden": 256, "size": 100}.
Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
import math
from timing import measure, torch_label
from torch_filterbank import filterbank

import torch
import torch.nn.functional as F


class Dram(torch.nn.Module):
    def __init__(self, size, T, n, h, classes=10):
        super().__init__()
        self.size, self.T, self.n, self.h = size, T, n, h
        self.lstm = torch.nn.LSTMCell(n * n, h)
        self.att = torch.nn.Linear(h, 5)
        self.cls = torch.nn.Linear(h, classes)
        with torch.no_grad():  # the same glimpse initialisation as foveate's
            self.att.weight.mul_(0.1)
            self.att.bias.copy_(torch.tensor([0.0, 0.0, math.log(4.5 ** 2), 0.0, 0.0]))

    def loss(self, x, y):
        bs = x.shape[0]
        hx = cx = torch.zeros(bs, self.h)
        p = self.att.bias.expand(bs, 5)
        for t in range(self.T):
            fx, fy, g = filterbank(p, self.n, self.size, self.size)
            r = (fy @ x @ fx.transpose(1, 2)) * g[:, None, None]
            hx, cx = self.lstm(r.reshape(bs, -1), (hx, cx))
            if t + 1 < self.T:  # gain 0.3 on the head, centres kept on the image by tanh
                q = 0.3 * (hx @ self.att.weight.t()) + self.att.bias
                p = torch.cat([torch.tanh(q[:, :2]), q[:, 2:]], 1)
        return F.cross_entropy(self.cls(hx), y)


def make(cfg):
    bs, T, n, h, size = cfg.get("batch", 64), cfg.get("glimpses", 8), cfg.get("read_n", 12), cfg.get("hidden", 256), cfg.get("size", 100)
    torch.manual_seed(0)
    model = Dram(size, T, n, h)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(bs, size, size)
    y = torch.randint(0, 10, (bs,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()

    return step


def setup(cfg):
    """bench/worker.py: {"cases": {name: config}, "min_ms"} -> one round function per case."""
    min_ms = cfg.get("min_ms", 1000)
    return {name: measure(make(c), min_ms, min_runs=3, warmup=1) for name, c in cfg["cases"].items()}, torch_label(torch)
