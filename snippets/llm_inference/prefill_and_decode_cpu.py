"""Prefill vs decode on a tiny random Llama: what each step reads and computes, counted.

Timings on a shared CPU vary too much to prove anything, so this counts instead of timing:
forward hooks on every nn.Linear add up the weight bytes that the matmuls read (each call reads
its whole weight once, whatever the number of tokens), torch's FlopCounterMode counts the
FLOPs, and the KV cache's tensors give the cache bytes that attention reads in the step.
FLOP/byte below is FLOPs / (weight bytes + KV bytes), the arithmetic intensity.
1. The same 64 tokens as one prefill pass or as 64 one-token cached passes: about the same
   FLOPs, but the weights are read once instead of 64 times.
2. A decode step for 32 sequences reads the weights once, like a step for 1 sequence, and does
   32 times the FLOPs; only the KV cache bytes grow with the batch.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from transformers import DynamicCache, LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=1000, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, intermediate_size=384, attn_implementation="eager",
)  # fmt: skip
model = LlamaForCausalLM(config).eval()  # float32: 4 bytes per weight
N = 64

counts = {"passes": 0, "weight_bytes": 0}
model.register_forward_pre_hook(lambda *_: counts.update(passes=counts["passes"] + 1))
for module in model.modules():
    if isinstance(module, nn.Linear):  # q, k, v, o, gate, up, down, LM head
        module.register_forward_hook(
            lambda mod, *_: counts.update(
                weight_bytes=counts["weight_bytes"] + mod.weight.numel() * mod.weight.element_size()
            )
        )
W = sum(m.weight.numel() * 4 for m in model.modules() if isinstance(m, nn.Linear))


def kv_bytes(cache):
    return sum((layer.keys.numel() + layer.values.numel()) * 4 for layer in cache.layers)


@torch.inference_mode()
def run(chunks, cache):
    """Feed the chunks one forward pass each; return passes, weight bytes, FLOPs, KV bytes."""
    counts.update(passes=0, weight_bytes=0)
    flops = kv_read = 0
    for chunk in chunks:
        with FlopCounterMode(display=False) as counter:
            model(chunk, past_key_values=cache, use_cache=True, logits_to_keep=1)
        flops += counter.get_total_flops()
        kv_read += kv_bytes(cache)  # attention reads the whole cache, new tokens included
    return counts["passes"], counts["weight_bytes"], flops, kv_read


def show(name, passes, weights, flops, kv):
    print(f"{name:31s} {passes:6d} {weights / W:8.0f} {kv:10,d} {flops:12,d}"
          f" {flops / (weights + kv):10.2f}")  # fmt: skip


prompt = torch.randint(config.vocab_size, (1, N))
print(f"tiny random Llama, float32: {W:,} bytes of matmul weights (W); counts, not timings")
print(" " * 32 + "passes  reads/W   KV bytes        FLOPs  FLOP/byte")
prefill = run([prompt], DynamicCache(config=config))
one_by_one = run([prompt[:, i : i + 1] for i in range(N)], DynamicCache(config=config))
show(f"prefill, {N} tokens in one pass", *prefill)
show(f"{N} one-token cached passes", *one_by_one)
assert prefill[:2] == (1, W) and one_by_one[:2] == (N, N * W)  # weights read once vs N times
# Same matmul work either way; the one-token passes add the LM head per token and skip the
# upper triangle of the attention square, so the totals differ by a little only:
assert 0.8 < one_by_one[2] / prefill[2] < 1.5, (one_by_one[2], prefill[2])
intensity = [flops / (weights + kv) for _, weights, flops, kv in (prefill, one_by_one)]
assert intensity[0] > 32 * intensity[1], intensity  # FLOPs per byte read: weights + KV cache

one, many = torch.randint(1000, (1, 32)), torch.randint(1000, (32, 32))
steps = []
for ids in (one, many):
    cache = DynamicCache(config=config)
    run([ids], cache)  # prefill 32 tokens per sequence (not counted)
    steps.append(run([ids[:, -1:]], cache))  # one decode step with 32 tokens already cached
show("decode step, batch 1", *steps[0])
show("decode step, batch 32", *steps[1])
assert steps[0][1] == steps[1][1] == W  # the batch shares one read of the weights
assert steps[1][2] == 32 * steps[0][2] and steps[1][3] == 32 * steps[0][3]  # FLOPs, KV bytes
print("the batch of 32 reads the weights once and does 32x the FLOPs; its KV bytes are 32x")
