#!/usr/bin/env python3
"""PyTorch CPU conv2d forward + backward (x, weight, bias), the baseline for bench/conv.ts.

setup({"cases": [{"x": [N,C,H,W], "w": [O,C/groups,kh,kw], "stride", "padding", "dilation",
"groups"}, ...]}): one forward + backward per run, on torch.get_num_threads() threads (the
machine's cores, as foveate's rayon pool). Without torch it falls back to numpy im2col +
matmul and its label says so. Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
from timing import measure, torch_label


def torch_step(torch, c):
    torch.manual_seed(0)
    x = torch.randn(*c["x"], requires_grad=True)
    w = torch.randn(*c["w"], requires_grad=True)
    b = torch.randn(c["w"][0], requires_grad=True)
    g = torch.randn_like(torch.nn.functional.conv2d(x, w, b, c["stride"], c["padding"], c["dilation"], c["groups"]))

    def step():
        x.grad = w.grad = b.grad = None
        y = torch.nn.functional.conv2d(x, w, b, c["stride"], c["padding"], c["dilation"], c["groups"])
        y.backward(g)

    return step



def numpy_step(np, c):
    # im2col + matmul (stride 1, groups 1 only): forward, grad of x (matmul + col2im), grad of w.
    n, ch, h, wd = c["x"]
    o, _, kh, kw = c["w"]
    p = c["padding"]
    x = np.random.randn(n, ch, h, wd).astype(np.float32)
    w = np.random.randn(o, ch * kh * kw).astype(np.float32)
    ho, wo = h + 2 * p - kh + 1, wd + 2 * p - kw + 1
    g = np.random.randn(n, o, ho * wo).astype(np.float32)

    def step():
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        cols = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))  # n,c,ho,wo,kh,kw
        cols = np.ascontiguousarray(cols.transpose(0, 1, 4, 5, 2, 3)).reshape(n, ch * kh * kw, ho * wo)
        _ = w @ cols
        dcol = w.T @ g
        dx = np.zeros_like(xp)
        dcol = dcol.reshape(n, ch, kh, kw, ho, wo)
        for i in range(kh):
            for j in range(kw):
                dx[:, :, i:i + ho, j:j + wo] += dcol[:, :, i, j]
        _ = np.einsum("nop,nkp->ok", g, cols)

    return step



def setup(cfg):
    """bench/worker.py: one round function per case, named by its index ({"cases": [...], "min_ms"})."""
    min_ms = cfg.get("min_ms", 500)
    try:
        import torch
        make, label = (lambda c: torch_step(torch, c)), torch_label(torch)
    except ImportError:
        import numpy as np
        make, label = (lambda c: numpy_step(np, c)), f"numpy {np.__version__} im2col + matmul (torch not installed)"
    return {str(i): measure(make(c), min_ms, min_runs=5, warmup=2) for i, c in enumerate(cfg["cases"])}, label
