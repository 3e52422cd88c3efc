"""Multi-head latent attention (MLA, DeepSeek-V2/V3) from scratch, in two forms.

- "expanded": up-project the cached latent into per-head K and V, then ordinary attention;
- "absorbed": never build per-head K/V; fold W_UK into the query and W_UV into the output,
  so attention runs directly on the cache, which holds only the latent c_KV and one shared
  RoPE key per token.

Both are checked against DeepseekV3Attention from transformers (random weights, built from a
small config, no download), and the number of cached values per token is compared with MHA.
"""

import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402
from transformers import DeepseekV3Config  # noqa: E402
from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3Attention  # noqa: E402

torch.manual_seed(0)
H, d_nope, d_rope, d_v, d_c, hidden, T = 4, 16, 8, 16, 32, 64, 12
config = DeepseekV3Config(
    hidden_size=hidden, num_attention_heads=H, num_key_value_heads=H, q_lora_rank=None,
    kv_lora_rank=d_c, qk_nope_head_dim=d_nope, qk_rope_head_dim=d_rope, v_head_dim=d_v,
    rope_interleave=False, attention_dropout=0.0, rms_norm_eps=1e-6,
)  # fmt: skip
config._attn_implementation = "sdpa"
ref = DeepseekV3Attention(config, layer_idx=0).double().eval()
with torch.no_grad():
    for p in ref.parameters():
        p.normal_(0, 0.2)

# The weights, named as in the DeepSeek-V2 paper.
W_Q = ref.q_proj.weight.view(H, d_nope + d_rope, hidden)  # per head: [q_C ; q_R]
W_DKV = ref.kv_a_proj_with_mqa.weight  # (d_c + d_rope, hidden): latent c_KV and the RoPE key
W_UKV = ref.kv_b_proj.weight.view(H, d_nope + d_v, d_c)
W_UK, W_UV = W_UKV[:, :d_nope], W_UKV[:, d_nope:]  # (H, d_nope, d_c), (H, d_v, d_c)
W_O = ref.o_proj.weight  # (hidden, H * d_v)
norm_w, eps = ref.kv_a_layernorm.weight, config.rms_norm_eps


def rope(x, cos, sin):  # rotate-half convention on the last dimension
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


def project(h, cos, sin):
    """What a decoding step computes and caches: q per head, and per token only c_KV + k_R."""
    q = torch.einsum("hdk,btk->bhtd", W_Q, h)
    q_c, q_r = q[..., :d_nope], rope(q[..., d_nope:], cos, sin)
    kv = h @ W_DKV.T
    c = kv[..., :d_c]
    c = c * torch.rsqrt(c.pow(2).mean(-1, keepdim=True) + eps) * norm_w  # RMSNorm on the latent
    k_r = rope(kv[..., d_c:], cos, sin)  # ONE RoPE key per token, shared by all heads
    return q_c, q_r, c, k_r  # cache = (c, k_r): d_c + d_rope values per token


def mla_expanded(h, cos, sin):
    q_c, q_r, c, k_r = project(h, cos, sin)
    k_c = torch.einsum("hdc,btc->bhtd", W_UK, c)  # per-head keys rebuilt from the latent
    v = torch.einsum("hdc,btc->bhtd", W_UV, c)
    scores = (q_c @ k_c.transpose(-2, -1) + q_r @ k_r.unsqueeze(1).transpose(-2, -1)) / math.sqrt(
        d_nope + d_rope
    )
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    out = scores.softmax(-1) @ v  # (B, H, T, d_v)
    return out.transpose(1, 2).reshape(h.shape[0], T, H * d_v) @ W_O.T


def mla_absorbed(h, cos, sin):
    q_c, q_r, c, k_r = project(h, cos, sin)
    q_lat = torch.einsum("bhtd,hdc->bhtc", q_c, W_UK)  # absorb W_UK into the query
    scores = q_lat @ c.unsqueeze(1).transpose(-2, -1) + q_r @ k_r.unsqueeze(1).transpose(-2, -1)
    scores = scores / math.sqrt(d_nope + d_rope)
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    o_lat = scores.softmax(-1) @ c.unsqueeze(1)  # attend over the latents themselves
    out = torch.einsum("bhtc,hdc->bhtd", o_lat, W_UV)  # absorb W_UV on the way out
    return out.transpose(1, 2).reshape(h.shape[0], T, H * d_v) @ W_O.T


h = torch.randn(2, T, hidden, dtype=torch.float64)
inv_freq = 1.0 / 10000 ** (torch.arange(0, d_rope, 2, dtype=torch.float64) / d_rope)
freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
cos, sin = torch.cat((freqs, freqs), -1).cos(), torch.cat((freqs, freqs), -1).sin()

with torch.no_grad():
    expected, _ = ref(h, position_embeddings=(cos[None], sin[None]), attention_mask=None)
    expanded, absorbed = mla_expanded(h, cos, sin), mla_absorbed(h, cos, sin)
err_exp = (expanded - expected).abs().max().item()
err_abs = (absorbed - expanded).abs().max().item()
# transformers runs RMSNorm in float32 even on float64 inputs: agreement is at float32 level.
assert err_exp < 1e-5, err_exp
assert err_abs < 1e-12, err_abs
print(f"expanded MLA vs transformers DeepseekV3Attention: max |diff| {err_exp:.0e} (< 1e-5)")
print(
    f"absorbed MLA (attends over the latent cache) vs expanded: max |diff| {err_abs:.0e} (< 1e-12)"
)

per_token_mla = d_c + d_rope
per_token_mha = H * (d_nope + d_rope) + H * d_v
print(
    f"cached values per token and layer: MLA {per_token_mla} (d_c {d_c} + d_rope {d_rope}),"
    f" MHA with the same {H} heads {per_token_mha}"
)
