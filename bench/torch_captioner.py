#!/usr/bin/env python3
"""PyTorch CPU baseline for foveate's captioner bench: one training step (teacher-
forced forward over the caption, backward, Adam) of Show, Attend and Tell's decoder
with soft attention, written from the same equations as src/models/captioner/
(PAPERS.md §3):
  h_0 = tanh(W_h ā + b), c_0 = tanh(W_c ā + b)              init MLPs from the mean annotation
  e_ti = v_attᵀ tanh(W_a a_i + b + W_d h_{t−1})             attention MLP (W_a a_i + b once per image)
  α_t = softmax_i(e_t),  ẑ_t = β_t Σ_i α_ti a_i,  β_t = σ(w_β h_{t−1} + b_β)   gating scalar
  [i f g o] = W E y_{t−1} + Z ẑ_t + U h_{t−1} + b           LSTM with the context (nn.LSTMCell)
  p(y_t) ∝ exp(L_o(dropout(E y_{t−1} + L_h dropout(h_t) + L_z ẑ_t)))   deep output, dropout 0.5
  loss = mean_b [ −Σ_t log p(y_t) + λ Σ_i (1 − Σ_t α_ti)² ]  doubly stochastic, λ = 1
(<pad> targets carry no loss and their steps are left out of Σ_t α_ti, as in foveate)
y_0 is <start>; the attention size A is D, as the authors (and foveate's default).

Config of a case: {"batch": 64, "locations": 196, "annotation": 112, "hidden": 512,
"embed": 256, "vocab": 401, "words": 12, "min_ms": 2000}; the captions are `words`
random words then <eos> (T = words + 1 steps), the annotations uniform in [0, 1).
Loaded by bench/worker.py, which calls setup(config) and times its round functions.
"""
from timing import measure, torch_label

import torch
import torch.nn.functional as F

PAD, START, EOS, UNK = 0, 1, 2, 3


class Captioner(torch.nn.Module):
    def __init__(self, K, D, n, m, dropout=0.5, lam=1.0):
        super().__init__()
        A = D
        self.K, self.dropout, self.lam = K, dropout, lam
        self.embedding = torch.nn.Embedding(K, m)
        torch.nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        self.init_h = torch.nn.Linear(D, n)
        self.init_c = torch.nn.Linear(D, n)
        self.att_proj = torch.nn.Linear(D, A)
        self.att_hidden = torch.nn.Linear(n, A, bias=False)
        self.att_v = torch.nn.Parameter(torch.empty(A).uniform_(-A ** -0.5, A ** -0.5))
        self.selector = torch.nn.Linear(n, 1)
        self.lstm = torch.nn.LSTMCell(m + D, n)
        self.out_hidden = torch.nn.Linear(n, m)
        self.out_context = torch.nn.Linear(D, m, bias=False)
        self.out_word = torch.nn.Linear(m, K)

    def loss(self, a, tokens):
        B, T = tokens.shape
        inputs = torch.cat([torch.full((B, 1), START, dtype=tokens.dtype), tokens[:, :-1]], 1)
        mean = a.mean(1)
        h, c = torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean))
        proj = self.att_proj(a)  # [B,L,A], once per image
        emb = self.embedding(inputs)  # [B,T,m]
        hs, zs, alphas = [], [], []
        for t in range(T):
            e = torch.tanh(proj + self.att_hidden(h)[:, None, :]) @ self.att_v  # [B,L]
            alpha = torch.softmax(e, 1)
            z = torch.bmm(alpha[:, None, :], a)[:, 0] * torch.sigmoid(self.selector(h))
            h, c = self.lstm(torch.cat([emb[:, t], z], 1), (h, c))
            hs.append(h)
            zs.append(z)
            alphas.append(alpha)
        H, Z = torch.stack(hs, 1), torch.stack(zs, 1)
        pre = emb + self.out_hidden(F.dropout(H, self.dropout, self.training)) + self.out_context(Z)
        logits = self.out_word(F.dropout(pre, self.dropout, self.training))
        nll = F.cross_entropy(logits.reshape(B * T, self.K), tokens.reshape(B * T), reduction="none", ignore_index=PAD).view(B, T).sum(1)
        A = torch.stack(alphas, 1)  # [B,T,L]
        if (tokens == PAD).any():  # <pad> steps count in no Σ_t α_ti (as foveate; the bench has none)
            A = A * (tokens != PAD).to(A.dtype)[:, :, None]
        reg = ((1 - A.sum(1)) ** 2).sum(1)
        return (nll + self.lam * reg).mean()


def make(cfg):
    B, L, D = cfg.get("batch", 64), cfg.get("locations", 196), cfg.get("annotation", 112)
    n, m, K, W = cfg.get("hidden", 512), cfg.get("embed", 256), cfg.get("vocab", 401), cfg.get("words", 12)
    torch.manual_seed(0)
    model = Captioner(K, D, n, m).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    a = torch.rand(B, L, D)
    tokens = torch.cat([torch.randint(UNK + 1, K, (B, W)), torch.full((B, 1), EOS)], 1)

    def step():
        opt.zero_grad(set_to_none=True)
        model.loss(a, tokens).backward()
        opt.step()

    return step


def setup(cfg):
    """bench/worker.py: {"cases": {name: config}, "min_ms"} -> one round function per case."""
    min_ms = cfg.get("min_ms", 1000)
    return {name: measure(make(c), min_ms, min_runs=3, warmup=1) for name, c in cfg["cases"].items()}, torch_label(torch)
