"""Parameter count and memory of real LLMs, from their published configurations.

Each model is built on the `meta` device: the module tree and every parameter's shape
exist, but no memory is allocated, so an 8B model is counted in milliseconds. The count
is asserted equal to a closed-form formula written by hand. The memory that inference
(bf16 weights + KV cache) and mixed-precision Adam training (16 bytes per parameter)
need is then derived for Llama 3 8B.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from transformers import (
    GemmaConfig,
    GemmaForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

# Values typed in from each model's config.json on the Hugging Face Hub.
MODELS = {
    "Llama-3-8B": (LlamaConfig, LlamaForCausalLM, dict(
        vocab_size=128256, hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=8, intermediate_size=14336, tie_word_embeddings=False)),
    "Qwen2.5-7B": (Qwen2Config, Qwen2ForCausalLM, dict(  # q/k/v projections have a bias
        vocab_size=152064, hidden_size=3584, num_hidden_layers=28, num_attention_heads=28,
        num_key_value_heads=4, intermediate_size=18944, tie_word_embeddings=False)),
    "Llama-3.2-1B": (LlamaConfig, LlamaForCausalLM, dict(
        vocab_size=128256, hidden_size=2048, num_hidden_layers=16, num_attention_heads=32,
        num_key_value_heads=8, intermediate_size=8192, tie_word_embeddings=True)),
    "Gemma-7B": (GemmaConfig, GemmaForCausalLM, dict(  # head_dim 256, not 3072 / 16 = 192
        vocab_size=256000, hidden_size=3072, num_hidden_layers=28, num_attention_heads=16,
        num_key_value_heads=16, head_dim=256, intermediate_size=24576,
        tie_word_embeddings=True)),
}  # fmt: skip


def count_params(c: dict, qkv_bias: bool) -> dict:
    """Closed form for a Llama-style decoder: GQA attention, SwiGLU MLP, RMSNorm."""
    V, d, L = c["vocab_size"], c["hidden_size"], c["num_hidden_layers"]
    hd = c.get("head_dim", d // c["num_attention_heads"])  # the config's head_dim wins
    q, kv = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd  # output widths
    attention = d * q + 2 * d * kv + q * d + (q + 2 * kv if qkv_bias else 0)  # Wq Wk Wv Wo
    mlp = 3 * d * c["intermediate_size"]  # gate, up, down
    norms = 2 * d  # two RMSNorm weight vectors per layer
    embed = V * d * (1 if c["tie_word_embeddings"] else 2)  # input embedding + LM head
    return dict(
        total=embed + L * (attention + mlp + norms) + d,  # + final RMSNorm
        embed=embed, attention=L * attention, mlp=L * mlp,
    )  # fmt: skip


print(f"{'model':13s} {'formula':>14s} {'meta device':>14s}  embed+head  attention   MLP")
counts = {}
for name, (config_cls, model_cls, kwargs) in MODELS.items():
    with torch.device("meta"):  # shapes only: no memory is allocated
        model = model_cls(config_cls(**kwargs))
    assert next(model.parameters()).is_meta
    meta = sum(p.numel() for p in model.parameters())  # a tied matrix is listed once
    f = count_params(kwargs, qkv_bias=name.startswith("Qwen"))
    assert f["total"] == meta, (name, f["total"], meta)
    counts[name] = f
    share = {k: f"{f[k] / meta:6.1%}" for k in ("embed", "attention", "mlp")}
    print(f"{name:13s} {f['total']:>14,} {meta:>14,}  {share['embed']:>10s}"
          f" {share['attention']:>10s} {share['mlp']:>6s}")  # fmt: skip

# Memory for Llama 3 8B, in GB = 1e9 bytes.
c, N = MODELS["Llama-3-8B"][2], counts["Llama-3-8B"]["total"]
head_dim = c.get("head_dim", c["hidden_size"] // c["num_attention_heads"])
kv_per_token = 2 * c["num_hidden_layers"] * c["num_key_value_heads"] * head_dim * 2  # K,V bf16
batch, context = 8, 8192
kv_cache = kv_per_token * batch * context
training = {"bf16 weights": 2 * N, "bf16 grads": 2 * N, "fp32 master": 4 * N, "Adam m+v": 8 * N}
GB = 1e9
print("Llama-3-8B memory (GB = 1e9 bytes)")
print(f"  inference: bf16 weights {2 * N / GB:.1f} GB; KV cache {kv_per_token:,} B/token"
      f" = {kv_per_token // 1024} KiB")  # fmt: skip
print(f"  KV cache for batch {batch} x {context:,} tokens: {kv_cache / GB:.1f} GB"
      f" -> inference total {(2 * N + kv_cache) / GB:.1f} GB")  # fmt: skip
print("  training, mixed-precision Adam: "
      + ", ".join(f"{k} {v / GB:.1f}" for k, v in training.items()))  # fmt: skip
total_training = sum(training.values())
print(f"  = {total_training / N:.0f} B/param = {total_training / GB:.1f} GB before activations;"
      f" ZeRO-3 on 8 GPUs: {total_training / 8 / GB:.1f} GB each")  # fmt: skip

assert counts["Llama-3-8B"]["total"] == 8_030_261_248  # the "8B"
assert kv_per_token == 128 * 1024  # GQA: 8 KV heads instead of 32 -> 4x smaller cache
assert total_training == 16 * N
