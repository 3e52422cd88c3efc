"""The memory formulas, measured on a small Llama that really runs.

1. KV cache: run a bf16 LlamaForCausalLM with use_cache=True and add up the bytes of the
   keys and values it keeps; compare with 2 * layers * kv_heads * head_dim * bytes * tokens.
   The same model with as many KV heads as query heads (MHA) needs 4x more.
2. Training state: a bf16 model with an fp32 master copy that AdamW updates, the
   mixed-precision recipe of the ZeRO paper. After one step, AdamW's own state is checked
   (exp_avg and exp_avg_sq: fp32, one per master weight, same shape), then the bytes of
   each part are added up in a ledger.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
LAYERS, HEADS, KV_HEADS, HIDDEN = 4, 8, 2, 256
batch, tokens = 3, 50


def make_model(kv_heads: int) -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=1000, hidden_size=HIDDEN, intermediate_size=688, num_hidden_layers=LAYERS,
        num_attention_heads=HEADS, num_key_value_heads=kv_heads, tie_word_embeddings=False,
    )  # fmt: skip
    return LlamaForCausalLM(config).to(torch.bfloat16)


def kv_cache_bytes(kv_heads: int, n_tokens: int, bytes_per_value: int = 2) -> int:
    head_dim = HIDDEN // HEADS
    return 2 * LAYERS * kv_heads * head_dim * bytes_per_value * n_tokens  # K and V


ids = torch.randint(0, 1000, (batch, tokens))
measured = {}
for kv_heads in (KV_HEADS, HEADS):  # GQA, then MHA
    model = make_model(kv_heads).eval()
    with torch.inference_mode():
        cache = model(ids, use_cache=True).past_key_values
    measured[kv_heads] = sum(
        t.numel() * t.element_size() for layer in cache.layers for t in (layer.keys, layer.values)
    )
    predicted = kv_cache_bytes(kv_heads, batch * tokens)
    name = "GQA" if kv_heads < HEADS else "MHA"
    print(f"KV cache {name} ({kv_heads} KV heads): measured {measured[kv_heads]:,} B,"
          f" formula {predicted:,} B, difference {measured[kv_heads] - predicted}")  # fmt: skip
    assert measured[kv_heads] == predicted
assert measured[HEADS] == measured[KV_HEADS] * HEADS // KV_HEADS
print(f"MHA / GQA = {measured[HEADS] / measured[KV_HEADS]:.0f}x")

# Mixed-precision training state: bf16 weights and grads, fp32 master weights + Adam m, v.
model = make_model(KV_HEADS).train()
params = list(model.parameters())
N = sum(p.numel() for p in params)
master = [p.detach().float().requires_grad_() for p in params]  # fp32 copy the optimizer owns
optimizer = torch.optim.AdamW(master, lr=1e-4)
loss = model(ids, labels=ids).loss  # forward and backward in bf16
loss.backward()
for p, m in zip(params, master, strict=True):
    m.grad = p.grad.float()  # real recipes upcast and unscale in chunks; transient
optimizer.step()
with torch.no_grad():
    for p, m in zip(params, master, strict=True):
        p.copy_(m)  # bf16 weights for the next forward
        m.grad = None  # the fp32 gradient copy is freed once the step is done


def nbytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


# What AdamW really allocated: two fp32 tensors per master weight, shaped like it.
assert len(optimizer.state) == len(master)
for m in master:
    state = optimizer.state[m]
    assert {"exp_avg", "exp_avg_sq"} <= state.keys()
    for k in ("exp_avg", "exp_avg_sq"):
        assert state[k].dtype == torch.float32 and state[k].shape == m.shape
assert all(p.dtype == torch.bfloat16 and p.grad.dtype == torch.bfloat16 for p in params)
adam_bytes = nbytes(t for st in optimizer.state.values() for t in st.values() if t.ndim > 0)
assert adam_bytes == 8 * N  # nothing else of parameter size in the optimizer state

ledger = {
    "bf16 weights": nbytes(params),
    "bf16 grads": nbytes(p.grad for p in params),
    "fp32 master": nbytes(master),
    "Adam m+v": adam_bytes,
}
print(f"training-state ledger for {N:,} parameters, bytes per parameter:")
print("  " + ", ".join(f"{k} {v / N:.0f}" for k, v in ledger.items()))
print(f"  total {sum(ledger.values()) / N:.2f} B/param (activations not counted)")
assert sum(ledger.values()) == 16 * N
