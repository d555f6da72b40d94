"""DRAW's Gaussian filterbank in PyTorch (PAPERS.md §1: 1-based filter centres,
Z = max(sum, 1e-8)), shared by the DRAW, DRAM and attention baselines."""
import torch

def filterbank(p, n, A, B):
    gx = (A + 1) / 2 * (p[:, 0] + 1)
    gy = (B + 1) / 2 * (p[:, 1] + 1)
    var = torch.exp(p[:, 2])
    delta = (max(A, B) - 1) / max(n - 1, 1) * torch.exp(p[:, 3])
    gamma = torch.exp(p[:, 4])
    i = torch.arange(1, n + 1, dtype=p.dtype)
    mux = gx[:, None] + (i - n / 2 - 0.5) * delta[:, None]
    muy = gy[:, None] + (i - n / 2 - 0.5) * delta[:, None]
    a = torch.arange(1, A + 1, dtype=p.dtype)
    b = torch.arange(1, B + 1, dtype=p.dtype)
    fx = torch.exp(-((a[None, None, :] - mux[:, :, None]) ** 2) / (2 * var[:, None, None]))
    fy = torch.exp(-((b[None, None, :] - muy[:, :, None]) ** 2) / (2 * var[:, None, None]))
    fx = fx / fx.sum(2, keepdim=True).clamp_min(1e-8)
    fy = fy / fy.sum(2, keepdim=True).clamp_min(1e-8)
    return fx, fy, gamma
