"""LayerNorm, RMSNorm and BatchNorm from scratch, checked against PyTorch and transformers.

Shows: (1) the scratch versions equal nn.LayerNorm, nn.RMSNorm, LlamaRMSNorm and
nn.BatchNorm1d (training mode) with the same affine weights; (2) LayerNorm and RMSNorm
treat each token on its own, BatchNorm mixes the samples of a batch; (3) LayerNorm ignores
a shift of a token's features, RMSNorm does not; both ignore a rescaling.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing here may download

import torch
from torch import nn
from transformers.models.llama.modeling_llama import LlamaRMSNorm

torch.manual_seed(0)
B, T, D, EPS = 4, 6, 32, 1e-5
x = torch.randn(B, T, D, dtype=torch.float64) * 3 + 1  # (batch, tokens, features)
gamma = torch.rand(D, dtype=torch.float64) + 0.5
beta = torch.randn(D, dtype=torch.float64)


def layer_norm(x, gamma, beta, eps=EPS):
    """Per token: subtract the mean over features, divide by the std over features."""
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=False, keepdim=True)  # biased variance, as LayerNorm uses
    return (x - mean) / torch.sqrt(var + eps) * gamma + beta


def rms_norm(x, gamma, eps=EPS):
    """Per token: divide by the root mean square over features; no mean, no beta."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gamma


def batch_norm_train(x, gamma, beta, eps=EPS):
    """Per feature: statistics over all samples and tokens of the batch (training mode)."""
    flat = x.reshape(-1, x.shape[-1])
    mean, var = flat.mean(0), flat.var(0, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps) * gamma + beta


ln = nn.LayerNorm(D, eps=EPS, dtype=torch.float64)
rms = nn.RMSNorm(D, eps=EPS, dtype=torch.float64)
llama_rms = LlamaRMSNorm(D, eps=EPS).double()
bn = nn.BatchNorm1d(D, eps=EPS, dtype=torch.float64)  # expects (batch, features, length)
with torch.no_grad():
    for module in (ln, rms, llama_rms, bn):
        module.weight.copy_(gamma)
    ln.bias.copy_(beta)
    bn.bias.copy_(beta)


def tiny(v: float) -> str:
    return "< 1e-12" if v < 1e-12 else f"{v:.0e}"


checks = {  # name: (scratch, reference, tolerance)
    "LayerNorm vs nn.LayerNorm  ": (layer_norm(x, gamma, beta), ln(x), 1e-12),
    "RMSNorm   vs nn.RMSNorm    ": (rms_norm(x, gamma), rms(x), 1e-12),
    "RMSNorm   vs LlamaRMSNorm  ": (rms_norm(x, gamma), llama_rms(x), 1e-5),  # fp32 inside
    "BatchNorm vs nn.BatchNorm1d": (
        batch_norm_train(x, gamma, beta),
        bn(x.transpose(1, 2)).transpose(1, 2),
        1e-12,
    ),
}
for name, (mine, ref, tol) in checks.items():
    diff = (mine - ref).abs().max().item()
    print(f"{name}  max |diff| = {tiny(diff)}")
    assert diff < tol, name

# Per-token vs per-batch: change every other sample in the batch, look at sample 0
other = x.clone()
other[1:] = torch.randn(B - 1, T, D, dtype=torch.float64) * 10 - 5
for name, fn in {
    "LayerNorm": lambda t: layer_norm(t, gamma, beta),
    "RMSNorm": lambda t: rms_norm(t, gamma),
    "BatchNorm": lambda t: batch_norm_train(t, gamma, beta),
}.items():
    change = (fn(x)[0] - fn(other)[0]).abs().max().item()
    print(
        f"{name:9s}: sample 0's output changes when the rest of the batch changes: {change > 1e-9}"
    )
    assert (change > 1e-9) == (name == "BatchNorm")

# Invariances of one token's vector
t = x[0, 0]
shifted, scaled = t + 2.0, t * 7.0
ln_shift = (layer_norm(shifted, gamma, beta) - layer_norm(t, gamma, beta)).abs().max().item()
rms_shift = (rms_norm(shifted, gamma) - rms_norm(t, gamma)).abs().max().item()
ln_scale = (
    (layer_norm(scaled, gamma, beta, eps=0) - layer_norm(t, gamma, beta, eps=0)).abs().max().item()
)
rms_scale = (rms_norm(scaled, gamma, eps=0) - rms_norm(t, gamma, eps=0)).abs().max().item()
print(f"add 2.0 to every feature: LayerNorm output changes by {tiny(ln_shift)}, "
      f"RMSNorm by {rms_shift:.2f}")  # fmt: skip
print(f"multiply by 7 (eps=0): LayerNorm output changes by {tiny(ln_scale)}, "
      f"RMSNorm by {tiny(rms_scale)}")  # fmt: skip
assert ln_shift < 1e-12 and rms_shift > 0.1
assert ln_scale < 1e-12 and rms_scale < 1e-12
print(f"parameters per layer for d={D}: LayerNorm {2 * D} (gamma, beta), RMSNorm {D} (gamma)")
