"""Total versus active parameters of real MoE models, counted from their published configs.

The models are built on the meta device (shapes only, no memory), the parameters are counted,
and the active count removes the routed experts a token does not use: (N - k) / N of them.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from transformers import (
    DeepseekV3Config,
    DeepseekV3ForCausalLM,
    MixtralConfig,
    MixtralForCausalLM,
    Qwen3MoeConfig,
    Qwen3MoeForCausalLM,
)

MODELS = {  # values from each model's config.json
    "Mixtral-8x7B": (MixtralForCausalLM, MixtralConfig(
        vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, num_local_experts=8,
        num_experts_per_tok=2, tie_word_embeddings=False,
    )),
    "Qwen3-235B-A22B": (Qwen3MoeForCausalLM, Qwen3MoeConfig(
        vocab_size=151936, hidden_size=4096, moe_intermediate_size=1536, num_hidden_layers=94,
        num_attention_heads=64, num_key_value_heads=4, head_dim=128, num_experts=128,
        num_experts_per_tok=8, tie_word_embeddings=False,
    )),
    "DeepSeek-V3": (DeepseekV3ForCausalLM, DeepseekV3Config(
        vocab_size=129280, hidden_size=7168, intermediate_size=18432, moe_intermediate_size=2048,
        num_hidden_layers=61, first_k_dense_replace=3, num_attention_heads=128,
        n_routed_experts=256, n_shared_experts=1, num_experts_per_tok=8,
        q_lora_rank=1536, kv_lora_rank=512, qk_nope_head_dim=128, qk_rope_head_dim=64,
        v_head_dim=128, tie_word_embeddings=False,
    )),
}  # fmt: skip

print(f"{'':16s}{'total':>9s}{'active':>9s}{'active w/o':>12s}{'routed':>8s}  k/N")
print(f"{'':16s}{'':>9s}{'':>9s}{'embedding':>12s}{'share':>8s}")
results = {}
for name, (model_cls, config) in MODELS.items():
    with torch.device("meta"):
        model = model_cls(config)
    total = routed = 0
    for pname, p in model.named_parameters():
        total += p.numel()
        if ".mlp.experts." in pname:  # routed experts only (shared experts are always active)
            routed += p.numel()
    n = getattr(config, "num_local_experts", None) or getattr(config, "num_experts", None)
    n = n or config.n_routed_experts
    k = config.num_experts_per_tok
    active = total - routed * (n - k) / n
    embedding = model.get_input_embeddings().weight.numel()  # a lookup, no matmul
    results[name] = (total, active)
    print(
        f"{name:16s}{total / 1e9:8.1f}B{active / 1e9:8.1f}B{(active - embedding) / 1e9:11.1f}B"
        f"{routed / total:8.0%}  {k}/{n}"
    )

assert abs(results["Mixtral-8x7B"][0] / 1e9 - 46.7) < 0.05  # Mistral: 46.7B total
assert abs(results["Mixtral-8x7B"][1] / 1e9 - 12.9) < 0.05  # and 12.9B used per token
assert abs(results["DeepSeek-V3"][0] / 1e9 - 671) < 0.5  # paper: 671B total, 37B activated
assert abs(results["DeepSeek-V3"][1] / 1e9 - 37) < 1.0
assert abs(results["Qwen3-235B-A22B"][0] / 1e9 - 235) < 1.0  # the name: 235B total, 22B active
assert abs(results["Qwen3-235B-A22B"][1] / 1e9 - 22) < 0.5
