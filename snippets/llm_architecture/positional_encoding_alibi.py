"""Sinusoidal encoding and ALiBi from scratch; ALiBi checked against transformers' BLOOM.

Shows: (1) a sinusoidal PE(p + k) is a fixed rotation of PE(p), so PE(p)·PE(p + k) depends
on k only; (2) ALiBi's head slopes equal BLOOM's build_alibi_tensor, and the paper's bias
-m·(i - j) gives the same attention weights as BLOOM's cheaper m·j (softmax ignores a
per-row constant; BLOOM builds m·j in float32, hence differences of ~1e-7).
"""

import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing here may download

import torch
from transformers.models.bloom.modeling_bloom import build_alibi_tensor

torch.manual_seed(0)


# 1) sinusoidal (Vaswani et al. 2017): PE[p, 2i] = sin(p·ω_i), PE[p, 2i+1] = cos(p·ω_i)
def sinusoidal(positions: torch.Tensor, d_model: int) -> torch.Tensor:
    omega = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    angle = positions[:, None].double() * omega
    pe = torch.empty(len(positions), d_model, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe


D, K = 32, 7
omega = 10000.0 ** (-torch.arange(0, D, 2, dtype=torch.float64) / D)
rot = torch.zeros(D, D, dtype=torch.float64)  # block-diagonal rotation by k·ω_i, independent of p
for i, w in enumerate(omega):
    c, s = math.cos(K * w), math.sin(K * w)
    rot[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = torch.tensor([[c, s], [-s, c]], dtype=torch.float64)
p = torch.tensor([0, 5, 100, 3000])
pe_p, pe_pk = sinusoidal(p, D), sinusoidal(p + K, D)
shift_err = (pe_p @ rot.T - pe_pk).abs().max().item()
dots = (pe_p * pe_pk).sum(-1)
print(f"PE(p+{K}) = R_{K}·PE(p) for p in {p.tolist()}: {shift_err < 1e-9}")
print(f"PE(p)·PE(p+{K}) for the same p: {[f'{v:.6f}' for v in dots.tolist()]}")
assert shift_err < 1e-9 and (dots.max() - dots.min()).item() < 1e-9


# 2) ALiBi (Press et al. 2022): no position embedding; add -m_h·(i - j) to head h's scores
def alibi_slopes(n_heads: int) -> torch.Tensor:
    """m_h = 2^(-8h/n) for h = 1..n when n is a power of 2; otherwise the paper's rule:
    the slopes for the nearest smaller power of 2, plus every other slope for twice that."""

    def power_of_2(n: int) -> list[float]:
        return [2.0 ** (-8.0 * h / n) for h in range(1, n + 1)]

    n = 2 ** math.floor(math.log2(n_heads))
    extra = power_of_2(2 * n)[0::2][: n_heads - n] if n != n_heads else []
    return torch.tensor(power_of_2(n) + extra, dtype=torch.float64)


def alibi_bias(slopes: torch.Tensor, seq: int) -> torch.Tensor:
    """(heads, seq, seq): -m_h·(i - j) for keys j <= i, -inf for future keys (causal)."""
    i, j = torch.arange(seq)[:, None], torch.arange(seq)[None, :]
    distance = (i - j).double()
    bias = -slopes[:, None, None] * distance
    return bias.masked_fill(j > i, float("-inf"))


SEQ = 10


def tiny(v: float) -> str:
    return "< 1e-12" if v < 1e-12 else f"{v:.0e}"


for n_heads in (8, 12):  # BLOOM-176B has 112 heads; any count works
    mask = torch.ones(1, SEQ, dtype=torch.long)
    bloom = build_alibi_tensor(mask, n_heads, torch.float64).view(n_heads, 1, SEQ)  # m_h·j
    bloom_slopes = bloom[:, 0, 1]  # position j = 1 holds the slope itself
    slope_err = ((alibi_slopes(n_heads) - bloom_slopes).abs() / bloom_slopes).max().item()
    assert slope_err < 1e-6, "BLOOM computes its slopes in float32"

    scores = torch.randn(n_heads, SEQ, SEQ, dtype=torch.float64)
    causal = torch.zeros(SEQ, SEQ, dtype=torch.float64).masked_fill(
        torch.ones(SEQ, SEQ).triu(1).bool(), float("-inf")
    )
    attn_paper = torch.softmax(scores + alibi_bias(bloom_slopes, SEQ), dim=-1)
    attn_bloom = torch.softmax(scores + bloom + causal, dim=-1)
    attn_diff = (attn_paper - attn_bloom).abs().max().item()
    print(
        f"{n_heads:2d} heads: slopes {bloom_slopes[0]:.4f} ... {bloom_slopes[-1]:.4f}, "
        f"rel. slope diff vs BLOOM {tiny(slope_err)}; attention max |diff| {tiny(attn_diff)}"
    )
    assert attn_diff < 1e-6, "BLOOM builds m·j in float32; otherwise identical"

print("8-head slopes:", [f"{m:g}" for m in alibi_slopes(8).tolist()])
