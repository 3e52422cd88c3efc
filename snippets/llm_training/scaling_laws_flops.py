"""Where the 6 in C ≈ 6·N·D comes from, measured on a small Llama built from a config.

torch.utils.flop_counter.FlopCounterMode counts the matrix multiplications of one forward and
one backward pass of a randomly initialized LlamaForCausalLM (eager attention, so the attention
products are visible as matmuls). The hand formula:
  forward  = 2 · N_matmul · tokens + 4 · layers · T² · (heads · head_dim) · batch
  backward = 2 · forward (one product for the input gradient, one for the weight gradient)
where N_matmul counts the weights that multiply activations: every Linear and the LM head, but
not the input embedding (a lookup, 0 FLOPs) or the RMSNorm weights (elementwise, not counted).
Then the same formula is applied to Llama 3 8B's published configuration (built on the meta
device: no memory, no download) to see how far the 6·N rule is from it at 8K context.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=512, hidden_size=128, intermediate_size=344, num_hidden_layers=3,
    num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False,
    attn_implementation="eager",
)  # fmt: skip
model = LlamaForCausalLM(config)
B, T = 2, 64
ids = torch.randint(0, config.vocab_size, (B, T))


def n_matmul_params(cfg: LlamaConfig) -> tuple[int, int]:
    """(all parameters, parameters that take part in a matmul), counted from the config."""
    d, f, L, V = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers, cfg.vocab_size
    hd = d // cfg.num_attention_heads
    attn = d * cfg.num_attention_heads * hd * 2 + d * cfg.num_key_value_heads * hd * 2  # q,o + k,v
    mlp = 3 * d * f  # gate, up, down (SwiGLU)
    norms = 2 * d * L + d
    matmul = L * (attn + mlp) + V * d  # + LM head
    return matmul + V * d + norms, matmul  # + input embedding (untied) + norms


def attention_flops(cfg: LlamaConfig, seq: int, batch: int) -> int:
    """Q·Kᵀ and P·V: 2 products of (T × head_dim)·(head_dim × T), 2 FLOPs per multiply-add."""
    return 4 * cfg.num_hidden_layers * seq * seq * cfg.hidden_size * batch


n_all, n_mm = n_matmul_params(config)
assert n_all == sum(p.numel() for p in model.parameters()), "parameter count from the config"

with FlopCounterMode(display=False) as fwd_counter:
    out = model(ids, labels=ids)
forward = fwd_counter.get_total_flops()
with FlopCounterMode(display=False) as bwd_counter:
    out.loss.backward()
backward = bwd_counter.get_total_flops()

tokens = B * T
predicted_fwd = 2 * n_mm * tokens + attention_flops(config, T, B)
print(f"tiny Llama: {n_all:,} parameters, {n_mm:,} of them in matmuls; {tokens} tokens")
print(f"forward : measured {forward:,}  formula {predicted_fwd:,}")
print(f"backward: measured {backward:,}  2 x forward {2 * forward:,}")
assert forward == predicted_fwd, "forward = 2·N_matmul per token + attention"
assert backward == 2 * forward, "backward = 2 x forward"
per_token = (forward + backward) / tokens
print(
    f"per token: {per_token:,.0f} FLOPs = {per_token / n_mm:.3f} x N_matmul"
    f" = {per_token / n_all:.3f} x N (all parameters)"
)
assert 6 < per_token / n_mm < 7  # 6 from the weights, the rest is attention

# The same formula for Llama 3 8B (published config.json), parameters counted on the meta device.
llama3_8b = LlamaConfig(
    vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
    num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=False,
)  # fmt: skip
with torch.device("meta"):
    big = LlamaForCausalLM(llama3_8b)
n_all_8b, n_mm_8b = n_matmul_params(llama3_8b)
assert n_all_8b == sum(p.numel() for p in big.parameters())
seq = 8192
exact = 3 * (2 * n_mm_8b * seq + attention_flops(llama3_8b, seq, 1)) / seq  # per token
attn_share = 3 * attention_flops(llama3_8b, seq, 1) / seq / exact
print(f"Llama 3 8B: N = {n_all_8b / 1e9:.2f}B, N_matmul = {n_mm_8b / 1e9:.2f}B")
print(
    f"  train FLOPs/token at T = {seq}: {exact / 1e9:.1f} G; 6N = {6 * n_all_8b / 1e9:.1f} G;"
    f" attention is {attn_share:.0%} of the total (full T x T; about half with a causal kernel)"
)
assert 6 * n_all_8b < exact < 1.4 * 6 * n_all_8b
