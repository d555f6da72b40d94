#!/usr/bin/env python3
"""PyTorch CPU EfficientNet-Lite0 inference, the baseline for bench/efficientnet.ts.

The same network as src/models/efficientnet-lite0.ts (and the PyPI package efficientnet-lite-pytorch
it reproduces): stem conv 3x3/2 -> 16 MBConv blocks without squeeze-excite -> head 1x1 1280 ->
global average pool -> FC 1000, ReLU6, TensorFlow SAME padding (F.pad before the stride-2
convolutions, which pad more at the bottom/right, as the reference does; symmetric padding inside
the stride-1 ones). Batch norm is folded into the convolutions as foveate folds it (conv + bias),
so both run the same arithmetic; eval mode, torch.inference_mode(). Random weights (speed does
not depend on them). setup({"cases": [{"batch", "size"}, ...]}): Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
from timing import measure, torch_label

STAGES = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]


def build(torch):
    nn, F = torch.nn, torch.nn.functional

    class Conv(nn.Module):
        """conv (+ folded BN bias) with SAME padding, then ReLU6 when `act`."""

        def __init__(self, cin, cout, k, s=1, groups=1, act=True):
            super().__init__()
            self.s, self.k, self.act = s, k, act
            # Stride 1: symmetric padding inside the conv; stride 2: explicit asymmetric F.pad.
            self.conv = nn.Conv2d(cin, cout, k, s, (k - 1) // 2 if s == 1 else 0, groups=groups, bias=True)

        def forward(self, x):
            if self.s > 1:
                h, w = x.shape[-2:]
                ph = max((-(-h // self.s) - 1) * self.s + self.k - h, 0)
                pw = max((-(-w // self.s) - 1) * self.s + self.k - w, 0)
                x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
            y = self.conv(x)
            return F.relu6(y, inplace=True) if self.act else y

    class Block(nn.Module):
        def __init__(self, k, s, e, cin, cout):
            super().__init__()
            mid = cin * e
            self.expand = Conv(cin, mid, 1) if e != 1 else None
            self.dw = Conv(mid, mid, k, s, groups=mid)
            self.project = Conv(mid, cout, 1, act=False)
            self.skip = s == 1 and cin == cout

        def forward(self, x):
            h = self.expand(x) if self.expand is not None else x
            h = self.project(self.dw(h))
            return h + x if self.skip else h

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = Conv(3, 32, 3, 2)
            blocks = []
            for r, k, s, e, cin, cout in STAGES:
                for i in range(r):
                    blocks.append(Block(k, s if i == 0 else 1, e, cin if i == 0 else cout, cout))
            self.blocks = nn.Sequential(*blocks)
            self.head = Conv(320, 1280, 1)
            self.fc = nn.Linear(1280, 1000)

        def forward(self, x):
            h = self.head(self.blocks(self.stem(x)))
            return self.fc(h.mean((2, 3)))

    return Net()


def make(torch, c):
    torch.manual_seed(0)
    net = build(torch).eval()
    x = torch.randn(c["batch"], 3, c["size"], c["size"])

    def step():
        with torch.inference_mode():
            net(x)

    return net, step


def setup(cfg):
    """bench/worker.py: {"cases": [...], "min_ms"} -> one round function per case, named by its index."""
    import torch
    min_ms = cfg.get("min_ms", 1500)
    return {str(i): measure(make(torch, c)[1], min_ms, min_runs=2, warmup=1) for i, c in enumerate(cfg["cases"])}, torch_label(torch)
