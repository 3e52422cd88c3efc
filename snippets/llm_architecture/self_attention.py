"""Causal self-attention written from scratch, checked against F.scaled_dot_product_attention.

One head: Q = X·W_q, K = X·W_k, V = X·W_v; scores = Q·Kᵀ/√d_k; future positions set to -inf
BEFORE the softmax; softmax over each row; output = P·V. Everything is float64, so the only
difference from PyTorch's kernel is rounding. Two common mistakes are run too, to show that the
comparison can fail: forgetting the mask, and zeroing the future AFTER the softmax. Then, a
fully masked row: -inf everywhere gives NaN (0/0), torch.finfo(dtype).min stays finite. Last, a
decode step with a KV cache: is_causal=True with 1 query and T keys is the wrong mask.
"""

import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
B, T, d_model, d_k = 2, 6, 16, 8
X = torch.randn(B, T, d_model, dtype=torch.float64)
W_q, W_k, W_v = (torch.randn(d_model, d_k, dtype=torch.float64) / d_model**0.5 for _ in range(3))


def self_attention(X, W_q, W_k, W_v, causal=True, mask_after_softmax=False):
    Q, K, V = X @ W_q, X @ W_k, X @ W_v  # (B, T, d_k) each
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.size(-1))  # (B, T, T): row i = query i
    T = scores.size(-1)
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # key j > query i
    if causal and not mask_after_softmax:
        scores = scores.masked_fill(future, float("-inf"))  # exp(-inf) = 0 inside the softmax
    P = torch.softmax(scores, dim=-1)  # each row sums to 1
    if causal and mask_after_softmax:
        P = P.masked_fill(future, 0.0)  # wrong: the rows no longer sum to 1
    return P @ V, P  # (B, T, d_k), (B, T, T)


out, P = self_attention(X, W_q, W_k, W_v)
reference = F.scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v, is_causal=True)
diff = (out - reference).abs().max().item()
print(f"scratch vs F.scaled_dot_product_attention (causal, float64): max |diff| = {diff:.1e}")
assert diff < 1e-12, "the from-scratch attention must equal PyTorch's"

row_error = (P.sum(-1) - 1).abs().max().item()
above_diagonal = P.triu(diagonal=1).abs().max().item()
print(
    f"weights: rows sum to 1 (max error {row_error:.1e}), weights on future keys = {above_diagonal}"
)
assert row_error < 1e-12 and above_diagonal == 0.0

for label, kwargs in [
    ("mask forgotten", dict(causal=False)),
    ("future zeroed after softmax", dict(mask_after_softmax=True)),
]:
    wrong, _ = self_attention(X, W_q, W_k, W_v, **kwargs)
    wrong_diff = (wrong - reference).abs().max().item()
    print(f"{label:28s}: max |diff| = {wrong_diff:.2f}  (fails the check)")
    assert wrong_diff > 1e-3

# A query whose keys are ALL masked (e.g. a padding query): with -inf everywhere every term is
# exp(-inf) = 0 and the softmax computes 0/0 = NaN; the dtype's smallest finite value stays finite.
row_scores = torch.randn(1, T, dtype=torch.float64)
all_masked = torch.ones(1, T, dtype=torch.bool)
with_inf = torch.softmax(row_scores.masked_fill(all_masked, float("-inf")), dim=-1)
with_min = torch.softmax(row_scores.masked_fill(all_masked, torch.finfo(torch.float64).min), dim=-1)
print(
    f"fully masked row: -inf gives NaN: {with_inf.isnan().all().item()};"
    f" finfo.min gives finite weights, {with_min[0, 0].item():.4f} each (uniform 1/T)"
)
assert with_inf.isnan().all() and torch.allclose(with_min, torch.full_like(row_scores, 1 / T))

# Decoding with a KV cache: 1 new query against all T keys. With L != S, is_causal=True aligns the
# mask top-left (ones(L, S).tril()), so that query sees key 0 only; the last query may see every
# key, so a decode step needs no causal mask (padding and sliding windows aside).
q_new, K_all, V_all = X[:, -1:] @ W_q, X @ W_k, X @ W_v  # (B, 1, d_k), (B, T, d_k), (B, T, d_k)
top_left = F.scaled_dot_product_attention(q_new, K_all, V_all, is_causal=True)
no_mask = F.scaled_dot_product_attention(q_new, K_all, V_all)
bad, good = ((o - out[:, -1:]).abs().max().item() for o in (top_left, no_mask))
print(
    f"decode step (1 query, {T} keys) vs the last row above: is_causal=True off by {bad:.2f}"
    f" (it sees key 0 only), no mask {good:.1e}"
)
assert torch.equal(top_left, V_all[:, :1]) and bad > 1e-3 and good < 1e-12
