"""Attention sinks (StreamingLLM): keep the first k tokens plus a recent window, evict the rest.

1. The policy as a mask: key j is visible to query i if j <= i and (j < k or j > i - W).
   Checked against transformers' mask functions (causal AND (sliding window OR sink)).
2. Decoding token by token with a cache that really evicts (it never holds more than k + W
   entries) gives the same outputs as attention over the full cache with that mask, when RoPE
   uses the original text positions. StreamingLLM instead caches keys before RoPE and rotates
   them by their position within the cache (0..k+W-1) at every step: distances stay small,
   and the outputs differ from text-position RoPE once tokens have been evicted.
3. gpt-oss's learned sink: one logit per head added to the softmax denominator, checked
   against transformers' gpt-oss eager_attention_forward; it equals attending to one extra key
   whose value is zero.
Random tensors, float64; no trained model is involved.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from transformers import LlamaConfig
from transformers.masking_utils import (
    and_masks,
    causal_mask_function,
    or_masks,
    sdpa_mask,
    sliding_window_overlay,
)
from transformers.models.gpt_oss.modeling_gpt_oss import (
    eager_attention_forward as gpt_oss_attention,
)
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding, apply_rotary_pos_emb

torch.manual_seed(0)
T, d, k_sink, W = 40, 16, 4, 8


def sink_mask(T, k_sink, W):
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return (j <= i) & ((j < k_sink) | (j > i - W))  # True = may attend


ours = sink_mask(T, k_sink, W)
ref = sdpa_mask(
    batch_size=1,
    q_length=T,
    kv_length=T,
    mask_function=and_masks(
        causal_mask_function,
        or_masks(sliding_window_overlay(W), lambda b, h, q, kv: kv < k_sink),
    ),
    allow_is_causal_skip=False,
)[0, 0]
assert torch.equal(ours, ref)
print(f"sink mask (k={k_sink}, window={W}, T={T}) == transformers' mask functions: True")

# 2. Streaming decode with an evicting cache vs masked attention over everything, with RoPE.
rotary = LlamaRotaryEmbedding(LlamaConfig(hidden_size=d, num_attention_heads=1, head_dim=d))


def rope(x, positions):
    """transformers' Llama RoPE (rotate_half layout) for x of shape (n, d) at these positions."""
    cos, sin = rotary(x[None], positions[None])
    return apply_rotary_pos_emb(x[None, None], x[None, None], cos, sin)[0][0, 0]


q, k, v = (torch.randn(T, d, dtype=torch.float64) for _ in range(3))
pos = torch.arange(T)
full = F.scaled_dot_product_attention(rope(q, pos), rope(k, pos), v, attn_mask=ours)
cache_k, cache_v, kept, worst, max_len = [], [], [], 0.0, 0  # cache_k holds keys BEFORE RoPE
stream, max_dist = torch.empty(T, d, dtype=torch.float64), 0
for t in range(T):
    cache_k.append(k[t])
    cache_v.append(v[t])
    kept.append(t)
    if len(kept) > k_sink + W:  # evict the oldest token that is not a sink
        del cache_k[k_sink], cache_v[k_sink], kept[k_sink]
    max_len = max(max_len, len(kept))
    assert kept == ours[t].nonzero().squeeze(1).tolist()
    K_raw, V_c = torch.stack(cache_k), torch.stack(cache_v)
    # (a) original text positions: the same as masked attention over everything.
    out = F.scaled_dot_product_attention(
        rope(q[t : t + 1], pos[t : t + 1]), rope(K_raw, pos[kept]), V_c
    )
    worst = max(worst, (out[0] - full[t]).abs().max().item())
    # (b) StreamingLLM: positions within the cache, 0..n-1, keys re-rotated at every step.
    n = len(kept)
    cache_pos = torch.arange(n)
    stream[t] = F.scaled_dot_product_attention(
        rope(q[t : t + 1], cache_pos[-1:]), rope(K_raw, cache_pos), V_c
    )[0]
    max_dist = max(max_dist, n - 1)
assert worst < 1e-12 and max_len == k_sink + W
print(f"evicting cache (at most {max_len} entries), RoPE at text positions vs masked: < 1e-12")
moved = (stream - full).abs().max(dim=1).values > 1e-3
assert moved[k_sink + W :].all() and not moved[: k_sink + W].any()
assert max_dist == k_sink + W - 1
print(
    f"RoPE at cache positions (StreamingLLM): distance <= {max_dist}, not {T - 1};"
    f" outputs change at all {int(moved.sum())} steps after eviction starts"
)
window_only = F.scaled_dot_product_attention(q, k, v, attn_mask=sink_mask(T, 0, W + k_sink))
plain = F.scaled_dot_product_attention(q, k, v, attn_mask=ours)
changed = (window_only - plain).abs().max(dim=1).values > 1e-3
assert changed[k_sink + W :].all() and not changed[: k_sink + W].any()
print(
    f"same budget as a plain window of {k_sink + W} (no RoPE): outputs differ at all "
    f"{int(changed.sum())} positions past {k_sink + W - 1}"
)

# 3. A learned sink logit per head (gpt-oss): softmax over [scores, sink], sink column dropped.
sink_logit = torch.tensor(1.5, dtype=torch.float64)
scores = (q @ k.T / d**0.5).masked_fill(~ours, float("-inf"))
probs = torch.cat([scores, sink_logit.expand(T, 1)], dim=1).softmax(dim=1)[:, :-1]
with_sink = probs @ v
module = SimpleNamespace(num_key_value_groups=1, sinks=sink_logit.reshape(1), training=False)
additive = torch.zeros(T, T, dtype=torch.float64).masked_fill(~ours, float("-inf"))
ref_out, ref_w = gpt_oss_attention(
    module, q[None, None], k[None, None], v[None, None], additive[None, None], scaling=d**-0.5
)
diff = max(
    (with_sink - ref_out[0, :, 0]).abs().max().item(), (probs - ref_w[0, 0]).abs().max().item()
)
assert diff < 1e-12, diff
k_extra = torch.cat([k, torch.zeros(1, d, dtype=torch.float64)])
v_extra = torch.cat([v, torch.zeros(1, d, dtype=torch.float64)])  # the extra key's value is 0
bias = torch.cat([scores - q @ k.T / d**0.5, sink_logit.expand(T, 1)], dim=1)  # 0 / -inf / sink
via_sdpa = F.scaled_dot_product_attention(q, k_extra, v_extra, attn_mask=bias)
diff_sdpa = (with_sink - via_sdpa).abs().max().item()
assert diff_sdpa < 1e-12, diff_sdpa
print(
    f"learned sink logit {sink_logit.item()}, by hand vs gpt-oss eager_attention_forward:"
    f" max diff {diff:.0e}"
)
print(
    f"  rows of attention weights sum to {probs.sum(1).min():.3f}..{probs.sum(1).max():.3f} (< 1);"
    " same as SDPA with one extra zero-value key"
)
