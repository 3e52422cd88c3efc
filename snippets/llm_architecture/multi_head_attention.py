"""Multi-head attention from scratch, with the weights of nn.MultiheadAttention copied in.

d_model = 32 split into h = 4 heads of d_head = 8: project, reshape (B, T, d) → (B, h, T, d_head),
attend per head, concatenate back to (B, T, d), apply the output projection W_O. The result and
the attention weights (averaged over heads, and per head) must equal PyTorch's within 1e-12
(float64). A second version loops over the heads, each with its own slices of W_Q, W_K, W_V and
its own d_head columns of W_O, and sums head_i·W_O,iᵀ: it must give the same output. The common
reshape bug, view(B, h, T, d_head) without the transpose, must fail the check. Then the
parameter count 4d² (+4d biases), and real Llama / Qwen2.5 attention layers built on the meta
device from their published sizes (parameter counts, which projections have a bias).
"""

import math
import os

import torch
from torch import nn

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers import LlamaConfig, Qwen2Config  # noqa: E402
from transformers.models.llama.modeling_llama import LlamaAttention  # noqa: E402
from transformers.models.qwen2.modeling_qwen2 import Qwen2Attention  # noqa: E402

torch.manual_seed(0)
B, T, d_model, h = 2, 5, 32, 4


def multi_head_attention(X, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, h, blocked, wrong=False):
    B, T, d = X.shape
    d_head = d // h

    def split_heads(t):  # (B, T, d) → (B, h, T, d_head)
        if wrong:  # the bug: right shape, but each "head" gets pieces of several positions
            return t.view(B, h, T, d_head)
        return t.view(B, T, h, d_head).transpose(1, 2)

    Q = split_heads(X @ W_q.T + b_q)
    K = split_heads(X @ W_k.T + b_k)
    V = split_heads(X @ W_v.T + b_v)
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d_head)  # (B, h, T, T): one map per head
    scores = scores.masked_fill(blocked, float("-inf"))
    P = torch.softmax(scores, dim=-1)
    heads = P @ V  # (B, h, T, d_head)
    concat = heads.transpose(1, 2).reshape(B, T, d)  # (B, T, h·d_head) = (B, T, d)
    return concat @ W_o.T + b_o, P, heads


mha = nn.MultiheadAttention(d_model, h, batch_first=True, dtype=torch.float64).eval()
X = torch.randn(B, T, d_model, dtype=torch.float64)
blocked = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # True = may NOT attend
with torch.no_grad():
    ref_out, ref_avg = mha(X, X, X, attn_mask=blocked)  # weights averaged over heads by default
    _, ref_per_head = mha(X, X, X, attn_mask=blocked, average_attn_weights=False)

    W_q, W_k, W_v = mha.in_proj_weight.chunk(3)  # PyTorch stores them stacked: (3d, d)
    b_q, b_k, b_v = mha.in_proj_bias.chunk(3)
    W_o, b_o = mha.out_proj.weight, mha.out_proj.bias
    out, P, heads = multi_head_attention(X, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, h, blocked)

print(f"shapes: heads {tuple(heads.shape)} = (B, h, T, d_head), scores {tuple(P.shape)}")
print(f"        concat + W_O -> out {tuple(out.shape)} = (B, T, d_model)")
checks = {
    "output": (out - ref_out).abs().max().item(),
    "weights averaged over heads": (P.mean(dim=1) - ref_avg).abs().max().item(),
    "weights per head": (P - ref_per_head).abs().max().item(),
}
for name, diff in checks.items():
    print(f"scratch vs nn.MultiheadAttention, {name:27s}: max |diff| = {diff:.1e}")
    assert diff < 1e-12, name

# Head by head: head i uses rows i·d_head:(i+1)·d_head of W_Q, W_K, W_V and the same columns of
# W_O, and the layer output is Σ_i head_i·W_O,iᵀ + b_O (the concatenation is only bookkeeping).
d_head = d_model // h
with torch.no_grad():
    per_head_sum = b_o.clone()
    for i in range(h):
        rows = slice(i * d_head, (i + 1) * d_head)
        q_i, k_i, v_i = (X @ W[rows].T + b[rows] for W, b in ((W_q, b_q), (W_k, b_k), (W_v, b_v)))
        s_i = (q_i @ k_i.transpose(-2, -1) / math.sqrt(d_head)).masked_fill(blocked, float("-inf"))
        per_head_sum = per_head_sum + torch.softmax(s_i, dim=-1) @ v_i @ W_o[:, rows].T
    wrong_out, _, _ = multi_head_attention(
        X, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, h, blocked, wrong=True
    )
diff = (per_head_sum - ref_out).abs().max().item()
print(f"head-by-head loop, sum of head_i·W_O,iᵀ vs nn.MultiheadAttention: max |diff| = {diff:.1e}")
assert diff < 1e-12
wrong_diff = (wrong_out - ref_out).abs().max().item()
print(
    f"view(B, h, T, d_head) without transpose: max |diff| = {wrong_diff:.2f} (right shape, wrong)"
)
assert wrong_out.shape == ref_out.shape and wrong_diff > 1e-3
spread = (P[:, 0] - P[:, 1]).abs().max().item()
print(f"heads 0 and 1 attend differently: max |weight difference| = {spread:.2f}")
assert spread > 0.1

n_params = sum(p.numel() for p in mha.parameters())
print(f"parameters: {n_params} = 4d² + 4d = {4 * d_model**2} + {4 * d_model}")
assert n_params == 4 * d_model**2 + 4 * d_model

# Real sizes (config.json of Llama-2-7b and Meta-Llama-3-8B); meta device = no memory used.
for name, kv_heads in (("Llama 2 7B (MHA)", 32), ("Llama 3 8B (GQA, 8 KV heads)", 8)):
    config = LlamaConfig(hidden_size=4096, num_attention_heads=32, num_key_value_heads=kv_heads)
    with torch.device("meta"):
        attention = LlamaAttention(config, layer_idx=0)
    count = sum(p.numel() for p in attention.parameters())
    print(f"{name:28s}: {count:,} attention parameters per layer")
    d, d_kv = 4096, kv_heads * 128
    assert count == 2 * d * d + 2 * d * d_kv  # W_q, W_o: d×d; W_k, W_v: d×d_kv; no biases
    if kv_heads == 32:
        assert count == 4 * d**2  # full multi-head attention: exactly 4d²

# Qwen2.5-7B (config.json: hidden 3584, 28 heads, 4 KV heads of 128): biases on Q, K, V only.
config = Qwen2Config(hidden_size=3584, num_attention_heads=28, num_key_value_heads=4)
with torch.device("meta"):
    attention = Qwen2Attention(config, layer_idx=0)
projections = ("q_proj", "k_proj", "v_proj", "o_proj")
bias = {name: getattr(attention, name).bias for name in projections}
biases = {name: None if b is None else b.numel() for name, b in bias.items()}
print(f"Qwen2.5-7B attention biases: {biases}")
assert biases == {"q_proj": 3584, "k_proj": 512, "v_proj": 512, "o_proj": None}
