"""MHA, MQA and GQA are one function with a different number of K/V heads.

1. GQA written from scratch (query heads grouped, K/V broadcast, nothing copied) equals
   MHA run on K/V heads repeated with repeat_interleave, and equals PyTorch's
   F.scaled_dot_product_attention(..., enable_gqa=True). Repeating with .repeat (tiling)
   instead pairs query heads with the wrong K/V heads and gives a different result.
2. KV-cache bytes per token for real models, from their published configs (bf16, 2 bytes),
   with the K/V width checked against transformers' attention modules built on the meta device.
"""

import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from transformers import LlamaConfig, Qwen2Config  # noqa: E402
from transformers.models.llama.modeling_llama import LlamaAttention  # noqa: E402
from transformers.models.qwen2.modeling_qwen2 import Qwen2Attention  # noqa: E402

torch.manual_seed(0)


def gqa_attention(q, k, v, causal=True):
    """q: (B, Hq, T, d); k, v: (B, Hkv, T, d) with Hq % Hkv == 0.
    Hkv == Hq is MHA, Hkv == 1 is MQA, anything in between is GQA."""
    B, Hq, T, d = q.shape
    Hkv = k.shape[1]
    g = Hq // Hkv  # query heads per K/V head
    qg = q.view(B, Hkv, g, T, d)  # query heads 0..g-1 share K/V head 0, and so on
    scores = qg @ k.unsqueeze(2).transpose(-2, -1) / math.sqrt(d)  # (B, Hkv, g, T, T)
    if causal:
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
    out = scores.softmax(dim=-1) @ v.unsqueeze(2)  # K/V broadcast over the group
    return out.reshape(B, Hq, T, d)


B, Hq, T, d = 2, 8, 16, 32
q = torch.randn(B, Hq, T, d, dtype=torch.float64)
for name, Hkv in [("MHA", 8), ("GQA", 2), ("MQA", 1)]:
    k = torch.randn(B, Hkv, T, d, dtype=torch.float64)
    v = torch.randn(B, Hkv, T, d, dtype=torch.float64)
    ours = gqa_attention(q, k, v)
    g = Hq // Hkv
    k_rep, v_rep = k.repeat_interleave(g, dim=1), v.repeat_interleave(g, dim=1)
    as_mha = gqa_attention(q, k_rep, v_rep)  # plain MHA on the repeated heads
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    err_mha = (ours - as_mha).abs().max().item()
    err_sdpa = (ours - sdpa).abs().max().item()
    assert err_mha < 1e-12 and err_sdpa < 1e-12
    line = (
        f"{name} {Hq}q/{Hkv}kv heads: max |diff| vs MHA on repeated K/V {err_mha:.0e},"
        f" vs SDPA(enable_gqa=True) {err_sdpa:.0e}"
    )
    if Hkv not in (1, Hq):  # with 1 or Hq K/V heads, tiling and interleaving coincide
        tiled = gqa_attention(q, k.repeat(1, g, 1, 1), v.repeat(1, g, 1, 1))
        err_tiled = (ours - tiled).abs().max().item()
        assert err_tiled > 0.1, "tiling must pair query heads with the wrong K/V heads"
        line += f"\n    K/V tiled with .repeat instead (wrong groups): max|diff| {err_tiled:.2f}"
    print(line)
print("    (float64; the check is max |diff| < 1e-12)")

# KV-cache bytes per token = 2 (K and V) x layers x KV heads x head_dim x bytes per element.
# MLA caches one latent (kv_lora_rank) plus one shared RoPE key (qk_rope_head_dim) per layer.
BYTES = 2  # bf16
configs = [  # name, layers, hidden, attention heads, KV heads (published config.json values)
    ("Llama 3 8B", LlamaConfig, LlamaAttention, 32, 4096, 32, 8),
    ("Llama 3 70B", LlamaConfig, LlamaAttention, 80, 8192, 64, 8),
    ("Qwen2.5-7B", Qwen2Config, Qwen2Attention, 28, 3584, 28, 4),
]
print(f"{'KV cache per token':34s} {'actual':>10s} {'if MHA':>10s} {'ratio':>6s} {'at 128K':>10s}")
for name, config_cls, attn_cls, layers, hidden, heads, kv_heads in configs:
    head_dim = hidden // heads  # 128 for all three
    gqa = 2 * layers * kv_heads * head_dim * BYTES
    mha = 2 * layers * heads * head_dim * BYTES
    # What the real module projects to K and V per token, built on "meta" (no memory, no weights).
    cfg = config_cls(hidden_size=hidden, num_attention_heads=heads, num_key_value_heads=kv_heads)
    with torch.device("meta"):
        attn = attn_cls(cfg, layer_idx=0)
    kv_width = attn.k_proj.out_features + attn.v_proj.out_features
    assert gqa == layers * kv_width * BYTES, (name, kv_width)
    print(
        f"{name:34s} {gqa / 1024:6.0f} KiB {mha / 1024:6.0f} KiB {mha / gqa:5.0f}x"
        f" {gqa * 131072 / 2**30:6.1f} GiB"
    )

# DeepSeek-V3: 61 layers, 128 heads, kv_lora_rank 512, qk_rope_head_dim 64,
# qk_nope_head_dim 128, v_head_dim 128 (config.json).
layers, heads, d_c, d_rope, d_nope, d_v = 61, 128, 512, 64, 128, 128
mla = layers * (d_c + d_rope) * BYTES
mha = layers * heads * ((d_nope + d_rope) + d_v) * BYTES  # full K (192) and V (128) per head
print(
    f"{'DeepSeek-V3 (MLA, latent 512+64)':34s} {mla / 1024:6.1f} KiB {mha / 1024:6.0f} KiB"
    f" {mha / mla:5.0f}x {mla * 131072 / 2**30:6.1f} GiB"
)
# DeepSeek-V2 paper: d_c = 4 d_h and d_h^R = d_h / 2, so MLA caches as much as GQA with 2.25 groups.
d_h = 128
assert d_c + d_rope == 2 * 2.25 * d_h
groups = (d_c + d_rope) / (2 * d_h)
print(f"MLA per layer: {d_c} + {d_rope} = {d_c + d_rope} values = GQA with {groups} KV heads")
