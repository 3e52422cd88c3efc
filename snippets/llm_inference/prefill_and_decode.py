"""Prefill vs decode: FLOPs, bytes moved and arithmetic intensity, from a model's configuration.

The FLOP formula for one forward pass (B sequences, n new tokens each, S tokens already in the
KV cache) is first checked against torch's FlopCounterMode on a tiny transformers Llama built
from a config (prefill and a cached decode step). The same formula, with bytes read from HBM,
then gives the arithmetic intensity of each phase for Llama 3 8B in bf16 on an H100 SXM
(989 TFLOPS dense bf16, 3.35 TB/s), and a lower bound on the time per step: a roofline
estimate, not a measurement.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import DynamicCache, LlamaConfig, LlamaForCausalLM


def matmul_params(c):
    """Weights that take part in a matmul for every token: q, k, v, o, gate, up, down, LM head.
    (The embedding is a lookup; the norms are negligible.)"""
    d, hd = c["hidden_size"], c["head_dim"]
    h, kv = c["num_attention_heads"], c["num_key_value_heads"]
    per_layer = d * (h + 2 * kv) * hd + h * hd * d + 3 * d * c["intermediate_size"]
    return c["num_hidden_layers"] * per_layer, c["vocab_size"] * d


def flops(c, B, n, S):
    """One forward pass; logits only for the last position (what generation needs).
    Attention: QKᵀ and PV, 2·n·(S+n)·head_dim each per head, counted over the full square
    as a plain matmul does (a causal kernel can skip about half of it in prefill)."""
    layers, head = matmul_params(c)
    attn = 4 * c["num_hidden_layers"] * c["num_attention_heads"] * c["head_dim"] * n * (S + n)
    return B * (2 * n * layers + 2 * head + attn)


def hbm_bytes(c, B, n, S, dtype_bytes=2):
    """Weights read once per step (shared by the whole batch) + KV cache read and written."""
    layers, head = matmul_params(c)
    kv_token = 2 * c["num_hidden_layers"] * c["num_key_value_heads"] * c["head_dim"] * dtype_bytes
    return dtype_bytes * (layers + head) + B * (S + n) * kv_token


# --- 1. check the FLOP formula against torch's counter on a tiny Llama ---------------------
tiny = dict(vocab_size=97, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=16, intermediate_size=128)  # fmt: skip
torch.manual_seed(0)
model = LlamaForCausalLM(LlamaConfig(**tiny, attn_implementation="eager")).eval()
B, P = 3, 20
ids = torch.randint(97, (B, P + 1))
cache = DynamicCache(config=model.config)
counted = []
for chunk in (ids[:, :P], ids[:, P:]):  # prefill P tokens, then one cached decode step
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        model(chunk, past_key_values=cache, use_cache=True, logits_to_keep=1)
    counted.append(counter.get_total_flops())
formula = [flops(tiny, B, P, 0), flops(tiny, B, 1, P)]
assert counted == formula, (counted, formula)
print(f"tiny Llama, FlopCounterMode vs formula: prefill {counted[0]:,} = {formula[0]:,},"
      f" decode step {counted[1]:,} = {formula[1]:,}")  # fmt: skip

# --- 2. Llama 3 8B (config.json) on an H100 SXM: roofline per step -----------------------
llama3_8b = dict(vocab_size=128256, hidden_size=4096, num_hidden_layers=32,
                 num_attention_heads=32, num_key_value_heads=8, head_dim=128,
                 intermediate_size=14336)  # fmt: skip
PEAK, BW = 989e12, 3.35e12  # dense bf16 FLOP/s, HBM bytes/s
RIDGE = PEAK / BW
print(f"Llama 3 8B, bf16, H100 SXM: ridge point {RIDGE:.0f} FLOP/byte (roofline bounds)")
print(f"{'phase':8s} {'batch':>5s} {'tokens':>6s} {'context':>7s} {'FLOP/byte':>9s}"
      f" {'bound':>7s} {'ms/step':>8s} {'tokens/s':>9s}")  # fmt: skip
cases = [("prefill", 1, n, 0) for n in (128, 512, 2048, 8192)]
cases += [("decode", b, 1, s) for s in (128, 4096) for b in (1, 16, 64, 256)]
intensity = {}
for phase, b, n, s in cases:
    f, m = flops(llama3_8b, b, n, s), hbm_bytes(llama3_8b, b, n, s)
    intensity[phase, b, n, s] = f / m
    seconds = max(f / PEAK, m / BW)  # the slower of compute and memory traffic
    bound = "compute" if f / m > RIDGE else "memory"
    print(f"{phase:8s} {b:5d} {n:6d} {s:7d} {f / m:9.1f} {bound:>7s} {seconds * 1e3:8.2f}"
          f" {b * n / seconds:9,.0f}")  # fmt: skip

assert 0.9 < intensity["decode", 1, 1, 128] < 1.1  # ~1 FLOP per byte at batch 1
assert intensity["prefill", 1, 2048, 0] > RIDGE > intensity["decode", 256, 1, 4096]
# As batch -> infinity, decode intensity tends to FLOPs / KV bytes of one sequence; it stays
# below the ridge once the context exceeds this many tokens, whatever the batch size:
layers, head = matmul_params(llama3_8b)
kv_token = 2 * 32 * 8 * 128 * 2
crossover = 2 * (layers + head) / (RIDGE * kv_token - 4 * 32 * 32 * 128)
print(f"decode stays memory-bound at any batch size beyond ~{crossover:.0f} tokens of context")
assert 128 < crossover < 4096
