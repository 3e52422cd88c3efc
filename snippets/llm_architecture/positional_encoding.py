"""RoPE written from scratch, checked against the rotary embedding of transformers' Llama.

Shows: (1) the rotate_half layout equals LlamaRotaryEmbedding + apply_rotary_pos_emb, and
the float32 angles of transformers lose accuracy as the position grows (bf16 angles are
useless); (2) the paper's interleaved pairs equal GPT-J's rotate_every_two, and give the
same attention scores as rotate_half once W_q/W_k rows are permuted, as the Llama checkpoint
conversion does, while mixing the two layouts does not; (3) the score q_m·k_n depends only
on m - n; (4) the rotation preserves norms.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing here may download

import torch
from transformers import LlamaConfig
from transformers.models.gptj.modeling_gptj import apply_rotary_pos_emb as gptj_apply_rotary
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding, apply_rotary_pos_emb

torch.manual_seed(0)
HEAD_DIM, N_HEADS, THETA, SEQ = 64, 4, 500000.0, 48  # Llama 3 uses head_dim 128, theta 500000


def inv_freq(head_dim: int, theta: float) -> torch.Tensor:
    """θ_i = theta^(-2i/d), i = 0 .. d/2-1: one rotation frequency per pair of dimensions."""
    return theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)


def rope_interleaved(x: torch.Tensor, pos: torch.Tensor, theta: float = THETA) -> torch.Tensor:
    """RoFormer paper / Meta's original code: rotate the pairs (x0, x1), (x2, x3), ..."""
    angle = pos[:, None].double() * inv_freq(x.shape[-1], theta)  # (seq, d/2)
    cos, sin = angle.cos(), angle.sin()
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def rope_half(x: torch.Tensor, pos: torch.Tensor, theta: float = THETA) -> torch.Tensor:
    """Hugging Face layout: dimension i is paired with i + d/2 (the rotate_half trick)."""
    angle = pos[:, None].double() * inv_freq(x.shape[-1], theta)
    cos, sin = angle.cos(), angle.sin()
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


# 1) rotate_half layout vs transformers (float64 inputs; HF computes the angles in float32)
config = LlamaConfig(
    hidden_size=HEAD_DIM * N_HEADS, num_attention_heads=N_HEADS, num_key_value_heads=N_HEADS,
    intermediate_size=64, num_hidden_layers=1, vocab_size=32, rope_theta=THETA,
)  # fmt: skip
rotary = LlamaRotaryEmbedding(config)
q = torch.randn(2, N_HEADS, SEQ, HEAD_DIM, dtype=torch.float64)  # (batch, heads, seq, head_dim)
k = torch.randn(2, N_HEADS, SEQ, HEAD_DIM, dtype=torch.float64)
positions = torch.arange(SEQ)
cos, sin = rotary(q, positions[None].expand(2, -1))
q_hf, k_hf = apply_rotary_pos_emb(q, k, cos, sin)
diff_hf = max(
    (rope_half(q, positions) - q_hf).abs().max(), (rope_half(k, positions) - k_hf).abs().max()
)
print(f"scratch RoPE vs transformers Llama  max |diff| = {diff_hf:.1e}")
assert diff_hf < 1e-5, "float32 angles in transformers: agreement to ~1e-6 expected"


# 1b) precision of the cos tables: exact (float64) vs transformers' float32 vs bf16 angles
def exact_cos(pos: torch.Tensor) -> torch.Tensor:
    return (pos[:, None].double() * inv_freq(HEAD_DIM, THETA)).cos()  # (seq, d/2)


far = torch.arange(100_000, 100_000 + SEQ)
cos_far = rotary(q, far[None])[0][0, :, : HEAD_DIM // 2]  # float32 table, positions 1e5..
err_near = (cos[0, :, : HEAD_DIM // 2].double() - exact_cos(positions)).abs().max().item()
err_far = (cos_far.double() - exact_cos(far)).abs().max().item()
angle_bf16 = far[:, None].bfloat16() * inv_freq(HEAD_DIM, THETA).bfloat16()
err_bf16 = (angle_bf16.double().cos() - exact_cos(far)).abs().max().item()
err_cast = (cos_far.bfloat16().double() - exact_cos(far)).abs().max().item()
print(f"cos table, float32 angles: max |error| {err_near:.0e} at positions 0-{SEQ - 1}, "
      f"{err_far:.0e} at 100000-{100_000 + SEQ - 1}")  # fmt: skip
print(
    f"  at 1e5: angles computed in bf16 {err_bf16:.2f}; float32 table cast to bf16 {err_cast:.0e}"
)
assert err_far > 100 * err_near, "float32 angle error grows with the position"
assert err_bf16 > 0.5 and err_cast < 1e-2, "bf16 angles are useless; casting afterwards is fine"

# 2) interleaved pairs (the paper) vs rotate_half (HF): same model after permuting W_q, W_k rows
x = torch.randn(SEQ, HEAD_DIM * 2, dtype=torch.float64)  # token states of one sequence
w_q = torch.randn(HEAD_DIM, HEAD_DIM * 2, dtype=torch.float64) / 8  # one head, paper layout
w_k = torch.randn(HEAD_DIM, HEAD_DIM * 2, dtype=torch.float64) / 8


def permute(w: torch.Tensor, n_heads: int = 1) -> torch.Tensor:
    """The row permutation the Llama -> HF conversion applies to W_q and W_k (per head)."""
    d1, d2 = w.shape
    return w.view(n_heads, d1 // n_heads // 2, 2, d2).transpose(1, 2).reshape(d1, d2)


def scores(q_rot: torch.Tensor, k_rot: torch.Tensor) -> torch.Tensor:
    return q_rot @ k_rot.T / HEAD_DIM**0.5


s_paper = scores(rope_interleaved(x @ w_q.T, positions), rope_interleaved(x @ w_k.T, positions))
s_hf = scores(rope_half(x @ permute(w_q).T, positions), rope_half(x @ permute(w_k).T, positions))
s_mixed = scores(rope_half(x @ w_q.T, positions), rope_half(x @ w_k.T, positions))  # the bug

# the paper layout is GPT-J's rotate_every_two; it takes (batch, seq, heads, d) and (sin, cos)
angle = positions[:, None].double() * inv_freq(HEAD_DIM, THETA)
q_gptj = gptj_apply_rotary(q.transpose(1, 2), angle.sin()[None], angle.cos()[None])
diff_gptj = (rope_interleaved(q, positions) - q_gptj.transpose(1, 2)).abs().max().item()
print(f"scratch interleaved RoPE vs transformers GPT-J: max |diff| < 1e-12: {diff_gptj < 1e-12}")
assert diff_gptj < 1e-12
diff_layout = (s_paper - s_hf).abs().max().item()
diff_mixed = (s_paper - s_mixed).abs().max().item()
print(
    f"interleaved vs rotate_half, permuted W_q/W_k: max |score diff| < 1e-12: {diff_layout < 1e-12}"
)
print(f"interleaved vs rotate_half, unpermuted weights: max |score diff| = {diff_mixed:.2f}")
assert diff_layout < 1e-12 and diff_mixed > 0.1

# 3) relative position: rotate q to position m and k to n; the score depends on m - n only
q1, k1 = torch.randn(HEAD_DIM, dtype=torch.float64), torch.randn(HEAD_DIM, dtype=torch.float64)


def score_at(m: int, n: int) -> float:
    q_m = rope_half(q1[None], torch.tensor([m]))[0]
    k_n = rope_half(k1[None], torch.tensor([n]))[0]
    return (q_m @ k_n).item()


same_offset = [score_at(m, m - 3) for m in (3, 100, 5000, 100000)]
print("q_m·k_n for m - n = 3 at m = 3, 100, 5000, 100000:", [f"{s:.6f}" for s in same_offset])
print(f"q_m·k_n for m - n = 4 at m = 100: {score_at(100, 96):.6f}")
assert max(same_offset) - min(same_offset) < 1e-9, "same offset, same score"
assert abs(score_at(100, 96) - same_offset[1]) > 1e-3, "different offset, different score"

# 4) a rotation preserves the norm of every query/key vector
rotated = rope_half(q[0, 0], positions)
norm_diff = (rotated.norm(dim=-1) - q[0, 0].norm(dim=-1)).abs().max().item()
print(f"norms preserved at all {SEQ} positions (max change < 1e-12): {norm_diff < 1e-12}")
assert norm_diff < 1e-12
