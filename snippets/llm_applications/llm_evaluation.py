"""Perplexity = exp(mean cross-entropy of next-token prediction), by hand and three ways.

A tiny Llama is built from a config with random weights (nothing downloaded; an untrained
model, so only the identities matter, not the values). Perplexity is computed from
log-softmax by hand with the labels shifted by one, with F.cross_entropy, and with the
model's own `loss` from `model(input_ids, labels=input_ids)`, which shifts the labels itself:
passing labels that are already shifted shifts them twice. As an illustration of the
reference point, a model that puts the same probability on every token has perplexity V.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import math

import torch
import torch.nn.functional as F
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
V = 96
config = LlamaConfig(
    vocab_size=V, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
)  # fmt: skip
model = LlamaForCausalLM(config).double().eval()
ids = torch.randint(0, V, (3, 20))
labels = ids.clone()
labels[2, 12:] = -100  # padding at the end of the third sequence: ignored by the loss

with torch.no_grad():
    out = model(ids, labels=labels)
logits = out.logits  # (batch, T, V): position t predicts token t+1

# By hand: log-softmax, pick the log-probability of the NEXT token, average over real tokens.
logp = logits - logits.logsumexp(dim=-1, keepdim=True)
target = labels[:, 1:]
mask = target != -100
token_logp = logp[:, :-1].gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
nll_hand = -(token_logp * mask).sum() / mask.sum()
nll_f = F.cross_entropy(logits[:, :-1].reshape(-1, V), target.reshape(-1), ignore_index=-100)
nll_unshifted = F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=-100)

print(f"tokens scored: {int(mask.sum())} of {ids.numel()} (shifted by one, padding ignored)")
print(f"perplexity by hand       {math.exp(nll_hand):.4f}  (untrained, V = {V}: near uniform)")
print(f"F.cross_entropy          diff {abs(nll_f - nll_hand).item():.1e}")
assert abs(nll_f - nll_hand) < 1e-12  # both float64
# ForCausalLMLoss casts the logits to float32 (logits.float()): for this float64 model that is
# a downcast, so its loss matches only to float32 precision.
diff_model = abs(out.loss.double() - nll_hand).item()
assert diff_model < 1e-5
print(f"model(..., labels).loss  diff {diff_model:.0e} (logits cast to float32 in the loss)")
assert abs(nll_unshifted - nll_hand) > 0.05  # forgetting the shift gives a different number
print(f"without the shift        {math.exp(nll_unshifted):.4f}  (wrong: scores token t at t)")

# Passing labels that are already shifted: transformers shifts them again, so position t is
# scored on token t+2. Its loss equals a by-hand shift by TWO, and not the correct value.
pre_shifted = torch.cat([labels[:, 1:], torch.full((3, 1), -100)], dim=1)
with torch.no_grad():
    nll_twice = model(ids, labels=pre_shifted).loss.double()
target2 = labels[:, 2:]
nll_shift2 = F.cross_entropy(logits[:, :-2].reshape(-1, V), target2.reshape(-1), ignore_index=-100)
assert abs(nll_twice - nll_shift2) < 1e-5  # it is the shift-by-two loss (float32 precision)
assert abs(nll_twice - nll_hand) > 1e-3  # ...which is not the correct one
print(f"labels shifted twice     {math.exp(nll_twice):.4f}  (wrong: scores token t+2 at t)")

# Illustration of the reference point (true by construction, not a check): all logits equal,
# p = 1/V for every token, so cross-entropy is ln V and perplexity is exactly V.
uniform = F.cross_entropy(torch.zeros(60, V, dtype=torch.float64), torch.randint(0, V, (60,)))
assert abs(math.exp(uniform) - V) < 1e-9
print(f"uniform model (illustration): perplexity {math.exp(uniform):.6f} = V = {V}")
