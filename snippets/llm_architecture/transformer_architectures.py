"""Causal, bidirectional and prefix-LM masks on one small Transformer stack.

A decoder-only LM block is a self-attention block with a causal mask (no cross-attention), so
a 2-layer nn.TransformerEncoder is used with three masks written from scratch:
  causal        token i sees tokens 0..i                      (GPT, Llama, Qwen, DeepSeek)
  bidirectional every token sees every token                   (BERT-style encoder)
  prefix LM     the first P tokens see each other both ways,
                the rest is causal                             (T5's prefix LM, UniLM)
The hand-written prefix-LM mask is checked against the one transformers builds for PaliGemma-style
models (causal OR a bidirectional block over the prefix). We change some tokens and measure how
much each output position moves. Float64. The model has random, untrained weights and no
positional encoding, so the sizes of the changes mean nothing: only zero vs non-zero does.
Masks below hold True where attention is ALLOWED; nn.Transformer* modules want True where it
is BLOCKED, hence the `~` (F.scaled_dot_product_attention uses the opposite, True = allowed).
"""

import os

import torch
from torch import nn

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from transformers.masking_utils import (  # noqa: E402
    blockwise_overlay,
    causal_mask_function,
    or_masks,
    sdpa_mask,
)

torch.manual_seed(0)
vocab, d_model, n_heads, T, P = 50, 32, 4, 8, 4
embed = nn.Embedding(vocab, d_model, dtype=torch.float64)
layer = nn.TransformerEncoderLayer(
    d_model, n_heads, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=True,
    dtype=torch.float64,
)  # fmt: skip
model = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False).eval()


def causal_mask(T: int) -> torch.Tensor:
    return torch.tril(torch.ones(T, T, dtype=torch.bool))  # allowed: key j <= query i


def prefix_lm_mask(T: int, prefix_len: int) -> torch.Tensor:
    allowed = causal_mask(T)
    allowed[:prefix_len, :prefix_len] = True  # the prefix (prompt) is fully visible to itself
    return allowed


def run(tokens: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(embed(tokens), mask=~allowed)[0]  # (T, d_model)


def moved(a: torch.Tensor, b: torch.Tensor) -> list[float]:
    return (a - b).abs().amax(dim=-1).tolist()  # per position


tokens = torch.randint(vocab, (1, T))
reference = nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64)  # 0 / -inf
assert torch.equal(~causal_mask(T), reference == float("-inf")), "same positions blocked"
with torch.no_grad():
    diff = (run(tokens, causal_mask(T)) - model(embed(tokens), mask=reference)[0]).abs().max()
print(f"causal_mask vs nn.Transformer.generate_square_subsequent_mask: max |diff| = {diff.item()}")
assert diff == 0.0
# transformers: causal OR "same block" where block ids are 0 on the prefix and -1 (no block) after
block_ids = torch.tensor([[0] * P + [-1] * (T - P)])
hf_prefix = sdpa_mask(
    batch_size=1,
    q_length=T,
    kv_length=T,
    mask_function=or_masks(causal_mask_function, blockwise_overlay(block_ids)),
    allow_is_causal_skip=False,
)[0, 0]  # (T, T), True = allowed
same = torch.equal(prefix_lm_mask(T, P), hf_prefix)
print(f"prefix_lm_mask(T={T}, P={P}) == transformers sdpa_mask(causal | prefix block): {same}")
assert same
print("(random untrained model, no positional encoding: only 0 vs non-0 below is meaningful)")

t = 5  # change every token from position t on
changed = tokens.clone()
changed[0, t:] = (tokens[0, t:] + 1) % vocab
m = moved(run(tokens, causal_mask(T)), run(changed, causal_mask(T)))
print(f"causal, tokens {t}..{T - 1} changed: max change at positions 0..{t - 1} = {max(m[:t])}")
print(f"                             max change at positions {t}..{T - 1} >= {min(m[t:]):.2f}")
assert max(m[:t]) == 0.0 and min(m[t:]) > 1e-3  # exactly zero: the future never leaks

last = tokens.clone()
last[0, T - 1] = (tokens[0, T - 1] + 1) % vocab
everything = torch.ones(T, T, dtype=torch.bool)
m = moved(run(tokens, everything), run(last, everything))
print(f"bidirectional, last token changed: position 0 moves by {m[0]:.2f}")
assert m[0] > 1e-3

mask = prefix_lm_mask(T, P)
in_prefix = tokens.clone()
in_prefix[0, P - 1] = (tokens[0, P - 1] + 1) % vocab  # last token of the prefix
m = moved(run(tokens, mask), run(in_prefix, mask))
print(f"prefix LM (P={P}), prefix token {P - 1} changed: position 0 moves by {m[0]:.2f}")
assert m[0] > 1e-3, "inside the prefix, attention is bidirectional"
in_target = tokens.clone()
in_target[0, P + 2] = (tokens[0, P + 2] + 1) % vocab  # a generated token
m = moved(run(tokens, mask), run(in_target, mask))
print(f"prefix LM, generated token {P + 2} changed: max change at 0..{P + 1} = {max(m[: P + 2])}")
assert max(m[: P + 2]) == 0.0, "after the prefix, generation stays causal"

# KV cache: with a causal mask, appending a token leaves every earlier hidden state (and so the
# keys/values computed from it) as it was; with a prefix LM, growing the prompt changes them.
longer = torch.cat([tokens, torch.randint(vocab, (1, 1))], dim=1)
m = moved(run(tokens, causal_mask(T)), run(longer, causal_mask(T + 1))[:T])
print("causal, one token appended: earlier positions unchanged (< 1e-12), cache reusable")
assert max(m) < 1e-12
m = moved(run(tokens, prefix_lm_mask(T, P)), run(longer, prefix_lm_mask(T + 1, P + 1))[:T])
print(
    f"prefix LM, boundary {P} -> {P + 1} (token {P} joins the prompt):"
    f" position 0 moves by {m[0]:.2f}, cache stale"
)
assert m[0] > 1e-3
