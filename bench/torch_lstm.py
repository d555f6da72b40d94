#!/usr/bin/env python3
"""PyTorch CPU baseline for foveate's LSTM bench: one nn.LSTMCell step, forward
and backward (loss = h'.sum() + c'.sum(); parameter grads reset to None per step),
and the forward alone under no_grad.

Config: {"batch": 64, "input": 256, "hidden": 256, "min_ms": 500}. setup(config)
gives bench/worker.py the two as round functions ("step", "forward").
"""
from timing import measure, torch_label

import torch


def make(cfg):
    b, i, h = cfg.get("batch", 64), cfg.get("input", 256), cfg.get("hidden", 256)
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(i, h)
    x, h0, c0 = torch.randn(b, i), torch.randn(b, h), torch.randn(b, h)

    def step():
        for p in cell.parameters():
            p.grad = None
        h1, c1 = cell(x, (h0, c0))
        (h1.sum() + c1.sum()).backward()

    def forward():
        with torch.no_grad():
            cell(x, (h0, c0))

    return step, forward


def setup(cfg):
    step, forward = make(cfg)
    min_ms = cfg.get("min_ms", 300)
    return {"step": measure(step, min_ms, min_runs=5, warmup=3), "forward": measure(forward, min_ms, min_runs=5, warmup=3)}, torch_label(torch)
