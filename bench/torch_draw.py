#!/usr/bin/env python3
"""PyTorch CPU baseline for foveate's DRAW bench: one training step (forward over
T steps, backward, Adam) of DRAW with Gaussian attention, the MNIST preset of
Table 3 (T 64, 256 LSTM units each side, z 100, read 2x2, write 5x5), batch 64,
written from the same equations as src/models/draw.ts (PAPERS.md §1: 1-based
filter centres, Z = max(sum, 1e-8), write = (1/gamma) FY^T w FX, the exact bound).

Config of a case: {"batch": 64, "T": 64, "hidden": 256, "z": 100, "read_n": 2,
"write_n": 5, "attention": true}. Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
from timing import measure, torch_label
from torch_filterbank import filterbank

import torch
import torch.nn.functional as F


class Draw(torch.nn.Module):
    def __init__(self, A, B, T, h, z, rn, wn, attention):
        super().__init__()
        self.A, self.B, self.T, self.h, self.z, self.rn, self.wn, self.att = A, B, T, h, z, rn, wn, attention
        read = 2 * rn * rn if attention else 2 * A * B
        self.enc = torch.nn.LSTMCell(read + h, h)
        self.dec = torch.nn.LSTMCell(z, h)
        self.latent = torch.nn.Linear(h, 2 * z)
        self.write = torch.nn.Linear(h, wn * wn if attention else A * B)
        if attention:
            self.read_att = torch.nn.Linear(h, 5)
            self.write_att = torch.nn.Linear(h, 5)

    def loss(self, x):
        bs = x.shape[0]
        A, B = self.A, self.B
        he = ce = hd = cd = torch.zeros(bs, self.h)
        c = torch.zeros(bs, B * A)
        kl = 0
        img = x.view(bs, B, A)
        for _ in range(self.T):
            xh = x - torch.sigmoid(c)
            if self.att:
                fx, fy, g = filterbank(self.read_att(hd), self.rn, A, B)
                both = torch.stack([img, xh.view(bs, B, A)], 1)  # [b,2,B,A]
                r = (fy[:, None] @ both @ fx[:, None].transpose(2, 3)) * g[:, None, None, None]
                r = r.reshape(bs, -1)
            else:
                r = torch.cat([x, xh], 1)
            he, ce = self.enc(torch.cat([r, hd], 1), (he, ce))
            lat = self.latent(he)
            mu, ls = lat[:, : self.z], lat[:, self.z :]
            sigma = torch.exp(ls)
            zt = mu + sigma * torch.randn(bs, self.z)
            kl = kl + 0.5 * (mu * mu + sigma * sigma - 2 * ls - 1).sum()
            hd, cd = self.dec(zt, (hd, cd))
            w = self.write(hd)
            if self.att:
                fx, fy, g = filterbank(self.write_att(hd), self.wn, A, B)
                w = w.view(bs, self.wn, self.wn) / g[:, None, None]
                c = c + (fy.transpose(1, 2) @ w @ fx).reshape(bs, -1)
            else:
                c = c + w
        lx = F.binary_cross_entropy_with_logits(c, x, reduction="sum")
        return (lx + kl) / bs


def make(cfg):
    bs, T, h, z = cfg.get("batch", 64), cfg.get("T", 64), cfg.get("hidden", 256), cfg.get("z", 100)
    rn, wn, att = cfg.get("read_n", 2), cfg.get("write_n", 5), cfg.get("attention", True)
    torch.manual_seed(0)
    model = Draw(28, 28, T, h, z, rn, wn, att)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = (torch.rand(bs, 784) < 0.13).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(x)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()

    return step


def setup(cfg):
    """bench/worker.py: {"cases": {name: config}, "min_ms"} -> one round function per case."""
    min_ms = cfg.get("min_ms", 1000)
    return {name: measure(make(c), min_ms, min_runs=2, warmup=1) for name, c in cfg["cases"].items()}, torch_label(torch)
