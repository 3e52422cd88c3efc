"""What the KV cache costs per request and per batch, and what an 8-bit cache buys back.

1. Real configurations (typed in from each model's config.json): weights counted on the `meta`
   device, KV bytes per token from the formula 2 x layers x KV heads x head_dim x bytes, then
   the cache of one 8K-token request and how many such requests fit beside the bf16 weights.
2. An 8-bit cache on synthetic K/V (float64, with a few outlier key channels, as real keys
   have): attention over the dequantized cache is compared with attention over the original,
   computed by F.scaled_dot_product_attention. Synthetic data: only the comparison between
   the schemes is meaningful, not the error values themselves.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from torch.nn import functional as F
from transformers import (
    LlamaConfig,
    LlamaForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen3Config,
    Qwen3ForCausalLM,
)

MODELS = {  # name: (config class, model class, config.json values, GPUs of 80 GB)
    "Llama 3 8B": (LlamaConfig, LlamaForCausalLM, dict(
        vocab_size=128256, hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=8, intermediate_size=14336, tie_word_embeddings=False), 1),
    "Qwen2.5-7B": (Qwen2Config, Qwen2ForCausalLM, dict(
        vocab_size=152064, hidden_size=3584, num_hidden_layers=28, num_attention_heads=28,
        num_key_value_heads=4, intermediate_size=18944, tie_word_embeddings=False), 1),
    "Qwen3-8B": (Qwen3Config, Qwen3ForCausalLM, dict(
        vocab_size=151936, hidden_size=4096, num_hidden_layers=36, num_attention_heads=32,
        num_key_value_heads=8, head_dim=128, intermediate_size=12288,
        tie_word_embeddings=False), 1),
    "Llama 3 70B": (LlamaConfig, LlamaForCausalLM, dict(
        vocab_size=128256, hidden_size=8192, num_hidden_layers=80, num_attention_heads=64,
        num_key_value_heads=8, intermediate_size=28672, tie_word_embeddings=False), 4),
}  # fmt: skip
CONTEXT, GPU_BYTES, USABLE = 8192, 80e9, 0.9  # one request = 8K tokens; 90% of HBM usable

print(f"{'bf16, 8K-token requests':24s} {'weights':>8s} {'KV/token':>9s} {'KV/request':>11s}"
      f" {'fit bf16':>8s} {'fit fp8':>8s}")  # fmt: skip
for name, (config_cls, model_cls, c, gpus) in MODELS.items():
    with torch.device("meta"):  # shapes only, no memory
        model = model_cls(config_cls(**c))
    weights = 2 * sum(p.numel() for p in model.parameters())  # bf16
    head_dim = c.get("head_dim", c["hidden_size"] // c["num_attention_heads"])
    k_proj = model.model.layers[0].self_attn.k_proj
    assert k_proj.out_features == c["num_key_value_heads"] * head_dim  # the cached K width
    per_token = 2 * c["num_hidden_layers"] * c["num_key_value_heads"] * head_dim * 2
    per_request = per_token * CONTEXT
    budget = USABLE * GPU_BYTES * gpus - weights  # what is left for the KV cache
    fit_bf16, fit_fp8 = int(budget // per_request), int(budget // (per_request / 2))
    label = f"{name} ({gpus} GPU{'s' if gpus > 1 else ''})"
    print(f"{label:24s} {weights / 1e9:6.1f}GB {per_token / 1024:5.0f}KiB"
          f" {per_request / 1e9:9.2f}GB {fit_bf16:8d} {fit_fp8:8d}")  # fmt: skip

# --- 2. an 8-bit KV cache: quantize, dequantize, attend ----------------------------------
torch.manual_seed(0)
T, H, D = 512, 8, 128
q = torch.randn(1, H, 1, D, dtype=torch.float64)  # the new token's query
k = torch.randn(1, H, T, D, dtype=torch.float64)
k[..., :4] *= 10  # a few key channels with large magnitude, as KIVI observed in real models
v = torch.randn(1, H, T, D, dtype=torch.float64)


def int8(x, dim):
    """Symmetric absmax INT8; one scale per slice along `dim` (stored in higher precision)."""
    scale = x.abs().amax(dim=dim, keepdim=True) / 127
    return (x / scale).round().clamp(-127, 127) * scale


def fp8(x):
    """float8_e4m3fn with one per-tensor scale (max finite value 448)."""
    scale = x.abs().max() / torch.finfo(torch.float8_e4m3fn).max
    return (x / scale).to(torch.float8_e4m3fn).to(torch.float64) * scale


exact = F.scaled_dot_product_attention(q, k, v)
schemes = {
    "bf16 (the usual cache, for reference)": (k.bfloat16().double(), v.bfloat16().double()),
    "INT8, keys per token, values per token": (int8(k, -1), int8(v, -1)),
    "INT8, keys per channel, values per token": (int8(k, -2), int8(v, -1)),
    "FP8 e4m3, per-tensor scale": (fp8(k), fp8(v)),
}
errors = {}
print("8-bit KV cache, synthetic K/V: RMS error of the attention output / RMS of V")
for label, (kq, vq) in schemes.items():
    out = F.scaled_dot_product_attention(q, kq, vq)
    errors[label] = ((out - exact).pow(2).mean().sqrt() / v.pow(2).mean().sqrt()).item()
    print(f"  {label:42s} {errors[label]:.1e}")
bf16, per_token, per_channel, _ = errors.values()
assert all(e < 0.05 for e in errors.values())  # small, but not zero: it is lossy
assert bf16 < per_channel < per_token  # outlier channels: per-channel scales for keys do better
