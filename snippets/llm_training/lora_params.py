"""LoRA's trainable parameters for Llama 3 8B, by formula and by peft on a meta-device model.

The model is built from Llama 3 8B's published configuration on torch.device("meta"): shapes
only, no memory, no weights. peft wraps it with r=16 on all linear layers ("all-linear", which
leaves lm_head out); the number of LoRA parameters it creates is compared with
r·(d_in + d_out) per adapted matrix, for the attention projections alone and for all linear
layers. Then the memory of full fine-tuning and of LoRA training is estimated from those counts.
"""

import torch
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM

# Llama 3 8B (config.json of meta-llama/Meta-Llama-3-8B), typed in
config = LlamaConfig(
    vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
    num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=8192,
    rope_theta=500000.0, tie_word_embeddings=False,
)  # fmt: skip
with torch.device("meta"):
    model = LlamaForCausalLM(config)
n_base = sum(p.numel() for p in model.parameters())

d, ff, L = config.hidden_size, config.intermediate_size, config.num_hidden_layers
kv = config.num_key_value_heads * (d // config.num_attention_heads)  # 8 KV heads x 128 = 1024
shapes = {  # (d_in, d_out) of each linear layer in one decoder block
    "q_proj": (d, d), "k_proj": (d, kv), "v_proj": (d, kv), "o_proj": (d, d),
    "gate_proj": (d, ff), "up_proj": (d, ff), "down_proj": (ff, d),
}  # fmt: skip
r = 16
lora_model = get_peft_model(model, LoraConfig(r=r, lora_alpha=32, target_modules="all-linear"))
adapted = sorted(lora_model.peft_config["default"].target_modules)
assert adapted == sorted(shapes), adapted  # "all-linear" = the 7 projections, not lm_head


def peft_count(names):
    return sum(
        p.numel()
        for n, p in lora_model.named_parameters()
        if "lora_" in n and any(f".{m}." in n for m in names)
    )


print(f"Llama 3 8B: {n_base:,} parameters (meta device, nothing allocated)")
attn = ["q_proj", "k_proj", "v_proj", "o_proj"]
for label, names in (("q,k,v,o", attn), ("all-linear", list(shapes))):
    formula = L * sum(r * sum(shapes[m]) for m in names)
    counted = peft_count(names)
    assert counted == formula, (counted, formula)
    print(
        f"  r={r} on {label:10s}: {formula:>11,} trainable = {100 * formula / n_base:.2f}% "
        f"(peft counts {counted:,}); adapter file in bf16 {2 * formula / 1e6:.0f} MB"
    )
trainable, _ = lora_model.get_nb_trainable_parameters()
assert trainable == peft_count(list(shapes))

# Memory of the training state, mixed precision with AdamW (activations not included):
# full fine-tuning: bf16 weights 2 + bf16 grads 2 + fp32 master 4 + Adam m, v 8 = 16 bytes/param;
# LoRA: frozen bf16 weights 2 bytes/param, and the 16 bytes only for the adapter parameters.
full = 16 * n_base / 1e9
lora = (2 * n_base + 16 * trainable) / 1e9
print(f"  training state: full fine-tuning {full:.1f} GB, LoRA all-linear r={r} {lora:.1f} GB")
assert full > 120 and lora < 17.5  # one 24 GB GPU holds the LoRA state, not the full one
