"""The KV cache, checked: same tokens with and without it, and a hand-written cached decoder.

1. A tiny random Llama (transformers, built from a LlamaConfig, float64) generates greedily with
   `use_cache=True` and `use_cache=False`: the tokens must be identical, and the cache it keeps
   must have exactly 2 x layers x KV heads x head_dim values per token. A hook counts the token
   positions each run pushes through the model.
2. A Llama decoder written from scratch (RMSNorm, RoPE, GQA, SwiGLU) on the same weights decodes
   one token at a time, appending each new token's K/V to a cache; at every step its logits must
   equal transformers' logits from a full, uncached forward pass over the whole sequence.
3. Two classic bugs are shown to break that equality: forgetting to offset the new token's RoPE
   position by the cache length, and not appending the new K/V.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
from transformers import DynamicCache, LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=97, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, intermediate_size=128, pad_token_id=0, eos_token_id=None,
)  # fmt: skip
model = LlamaForCausalLM(config).to(torch.float64).eval()
prompt = torch.randint(1, config.vocab_size, (1, 8))
N_NEW = 24

# --- 1. transformers: generate with and without the cache -------------------------------
gen = dict(max_new_tokens=N_NEW, do_sample=False, attention_mask=torch.ones_like(prompt))
positions = []  # token positions pushed through the decoder layers, counted by a hook


def count_positions(module, args, kwargs):
    ids = kwargs.get("input_ids", args[0] if args else None)
    positions[-1] += ids.shape[-1]


model.model.register_forward_pre_hook(count_positions, with_kwargs=True)
with torch.inference_mode():
    positions.append(0)
    with_cache = model.generate(prompt, use_cache=True, **gen)
    positions.append(0)
    without_cache = model.generate(prompt, use_cache=False, **gen)
assert torch.equal(with_cache, without_cache)
print(f"generate(): {N_NEW} greedy tokens, use_cache=True == use_cache=False: True")
# Without a cache, step t recomputes all t positions (8 + 9 + ... + 31); with it, the prompt
# is computed once and then one position per step:
assert positions == [8 + N_NEW - 1, sum(range(8, 8 + N_NEW))], positions
print(f"token positions computed (counted): {positions[1]} without cache, {positions[0]} with")

cache = DynamicCache(config=config)
with torch.inference_mode():
    model(with_cache[:, :-1], past_key_values=cache, use_cache=True)
L, H, H_KV = config.num_hidden_layers, config.num_attention_heads, config.num_key_value_heads
D = config.head_dim
T = with_cache.shape[1] - 1
stored = sum(layer.keys.numel() + layer.values.numel() for layer in cache.layers)
assert stored == 2 * L * H_KV * D * T, stored  # the formula, checked against the real cache
print(f"DynamicCache after {T} tokens: {stored} values = 2 x {L} layers x {H_KV} KV heads"
      f" x {D} head_dim x {T} tokens")  # fmt: skip


# --- 2. a Llama decoder written from scratch, with a KV cache -------------------------------
W = {name: p.detach() for name, p in model.named_parameters()}
THETA, EPS, G = config.rope_parameters["rope_theta"], config.rms_norm_eps, H // H_KV


def rms_norm(x, w):
    return w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS)


def rope(x, positions):  # x: (tokens, heads, D); rotate pairs (i, i + D/2)
    inv_freq = 1.0 / THETA ** (torch.arange(0, D, 2, dtype=torch.float64) / D)
    angles = positions[:, None].double() * inv_freq[None]  # (tokens, D/2)
    cos, sin = angles.cos().repeat(1, 2)[:, None], angles.sin().repeat(1, 2)[:, None]
    rotated = torch.cat([-x[..., D // 2 :], x[..., : D // 2]], dim=-1)
    return x * cos + rotated * sin


def forward(tokens, kv, offset_positions=True, append=True):
    """tokens: (n,) new token ids; kv: per-layer [K, V] of the past, each (past, H_KV, D)."""
    past = kv[0][0].shape[0]
    n = len(tokens)
    positions = torch.arange(n) + (past if offset_positions else 0)
    x = W["model.embed_tokens.weight"][tokens]
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"])
        q = rope((h @ W[p + "self_attn.q_proj.weight"].T).view(n, H, D), positions)
        k = rope((h @ W[p + "self_attn.k_proj.weight"].T).view(n, H_KV, D), positions)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).view(n, H_KV, D)
        K, V = torch.cat([kv[i][0], k]), torch.cat([kv[i][1], v])  # past + new
        if append:
            kv[i] = [K, V]
        K, V = K.repeat_interleave(G, dim=1), V.repeat_interleave(G, dim=1)  # GQA groups
        scores = torch.einsum("qhd,khd->hqk", q, K) / D**0.5
        causal = torch.ones(n, K.shape[0], dtype=torch.bool).tril(diagonal=K.shape[0] - n)
        probs = scores.masked_fill(~causal, float("-inf")).softmax(-1)
        attn = torch.einsum("hqk,khd->qhd", probs, V).reshape(n, H * D)
        x = x + attn @ W[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"])
        gate, up = h @ W[p + "mlp.gate_proj.weight"].T, h @ W[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
    return rms_norm(x, W["model.norm.weight"]) @ W["lm_head.weight"].T


def empty_cache():
    return [[torch.zeros(0, H_KV, D, dtype=torch.float64)] * 2 for _ in range(L)]


def max_diff_per_step(**bug):
    """Prefill the prompt, then decode one token at a time. Compare every step's logits with
    the same hand-written model run uncached over the whole sequence, and with transformers'
    full forward pass (no cache)."""
    seq, kv, worst_own, worst_hf = with_cache[0], empty_cache(), 0.0, 0.0
    logits = forward(seq[:8], kv)  # prefill: the whole prompt in one pass
    for t in range(8, len(seq)):
        own = forward(seq[:t], empty_cache())[-1]  # no cache: recompute all t positions
        with torch.inference_mode():
            ref = model(seq[None, :t], use_cache=False).logits[0, -1]
        worst_own = max(worst_own, (logits[-1] - own).abs().max().item())
        worst_hf = max(worst_hf, (logits[-1] - ref).abs().max().item())
        logits = forward(seq[t : t + 1], kv, **bug)  # decode: one new token
    return worst_own, worst_hf


correct, correct_hf = max_diff_per_step()
no_offset, _ = max_diff_per_step(offset_positions=False)
no_append, _ = max_diff_per_step(append=False)
print("hand-written decoder, cached vs uncached, max |logit diff| over 24 steps (float64)")
print(f"  correct: {correct:.0e} (check < 1e-12); vs transformers: {correct_hf:.0e} (< 1e-6)")
print(f"  bug, new token's RoPE position not offset by the cache length: {no_offset:.2f}")
print(f"  bug, new K/V not appended to the cache: {no_append:.2f}")
assert correct < 1e-12 and correct_hf < 1e-6  # transformers: RMSNorm, RoPE cos/sin in float32
assert no_offset > 1e-3 and no_append > 1e-3
