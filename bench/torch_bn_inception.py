#!/usr/bin/env python3
"""PyTorch CPU BN-Inception forward + backward, the baseline for bench/bn-inception.ts.

The same network as src/models/bn-inception.ts (Figure 5 table, 4c/4d pool projection 128,
separable conv1 with depth multiplier 8, conv -> BN -> ReLU (in place, as torchvision writes
it) without conv biases, 3x3/2 max pools with padding 1, avg-pool branches 3x3/1 padding 1,
global average pool, FC).
One round times a training-mode forward + cross-entropy + backward after a warm-up.
setup({"cases": [{"batch", "size", "classes"}, ...]}): Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
from timing import measure, torch_label

TABLE = [  # name, #1x1, #3x3 reduce, #3x3, double reduce, double 3x3, pool, proj
    ("3a", 64, 64, 64, 64, 96, "avg", 32),
    ("3b", 64, 64, 96, 64, 96, "avg", 64),
    ("3c", 0, 128, 160, 64, 96, "pass", 0),
    ("4a", 224, 64, 96, 96, 128, "avg", 128),
    ("4b", 192, 96, 128, 96, 128, "avg", 128),
    ("4c", 160, 128, 160, 128, 160, "avg", 128),
    ("4d", 96, 128, 192, 160, 192, "avg", 128),
    ("4e", 0, 128, 192, 192, 256, "pass", 0),
    ("5a", 352, 192, 320, 160, 224, "avg", 128),
    ("5b", 352, 192, 320, 192, 224, "max", 128),
]


def build(torch, classes):
    nn = torch.nn

    def unit(a, b, k, stride=1):
        return nn.Sequential(nn.Conv2d(a, b, k, stride, (k - 1) // 2, bias=False), nn.BatchNorm2d(b), nn.ReLU(inplace=True))

    class Module(nn.Module):
        def __init__(self, c, row):
            super().__init__()
            _, c1, r3, c3, rd, d3, pool, proj = row
            s = 2 if pool == "pass" else 1
            self.pool, self.s = pool, s
            self.b1 = unit(c, c1, 1) if c1 else None
            self.b3 = nn.Sequential(unit(c, r3, 1), unit(r3, c3, 3, s))
            self.d3 = nn.Sequential(unit(c, rd, 1), unit(rd, d3, 3), unit(d3, d3, 3, s))
            self.proj = None if pool == "pass" else unit(c, proj, 1)
            self.out = c1 + c3 + d3 + (c if pool == "pass" else proj)

        def forward(self, x):
            f = torch.nn.functional
            parts = ([self.b1(x)] if self.b1 is not None else []) + [self.b3(x), self.d3(x)]
            if self.pool == "pass":
                parts.append(f.max_pool2d(x, 3, 2, 1))
            elif self.pool == "avg":
                parts.append(self.proj(f.avg_pool2d(x, 3, 1, 1)))
            else:
                parts.append(self.proj(f.max_pool2d(x, 3, 1, 1)))
            return torch.cat(parts, 1)

    layers = [nn.Conv2d(3, 24, 7, 2, 3, groups=3, bias=False), nn.Conv2d(24, 64, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1), unit(64, 64, 1), unit(64, 192, 3), nn.MaxPool2d(3, 2, 1)]
    c = 192
    for row in TABLE:
        m = Module(c, row)
        layers.append(m)
        c = m.out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)]
    return nn.Sequential(*layers)


def make(torch, c):
    torch.manual_seed(0)
    net = build(torch, c["classes"]).train()
    x = torch.randn(c["batch"], 3, c["size"], c["size"])
    y = torch.randint(0, c["classes"], (c["batch"],))

    def step():
        net.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(x), y).backward()

    return net, step


def setup(cfg):
    """bench/worker.py: {"cases": [...], "min_ms"} -> one round function per case, named by its index."""
    import torch
    min_ms = cfg.get("min_ms", 1000)
    return {str(i): measure(make(torch, c)[1], min_ms, min_runs=2, warmup=1) for i, c in enumerate(cfg["cases"])}, torch_label(torch)
