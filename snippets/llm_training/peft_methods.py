"""Prompt tuning by hand and with peft; trainable parameters of prompt tuning, prefix tuning, LoRA
and (IA)³ on the same tiny Llama, each checked against a formula; then the formulas on Llama 3 8B.

1. A soft prompt written by hand: n trainable vectors are put in front of the token embeddings of
   a frozen model. Checked against peft's PromptTuningConfig with the same prompt vectors.
2. Counts on a tiny LlamaForCausalLM built from a config (random weights, toy model), with GQA:
   prompt tuning n·d, prefix tuning n·L·2·d_kv (a key and a value per layer; with GQA peft sizes
   the prefix by the KV heads), LoRA r·(d_in + d_out) per adapted matrix, (IA)³ one vector per
   scaled activation (keys, values, FFN). Every count is asserted against peft's. BitFit (biases
   only) has nothing to train: Llama's linear layers and RMSNorm have no biases.
3. A few steps of prompt tuning on a toy task: the loss falls and the base weights do not change;
   LoRA on the same task, not as a controlled comparison (more parameters, another learning rate).
"""

import torch
from peft import (
    IA3Config,
    LoraConfig,
    PrefixTuningConfig,
    PromptTuningConfig,
    get_peft_model,
)
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
dt = torch.float64
config = LlamaConfig(
    vocab_size=32, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
)  # fmt: skip
d, ff, L = config.hidden_size, config.intermediate_size, config.num_hidden_layers
d_kv = config.num_key_value_heads * (d // config.num_attention_heads)  # 2 KV heads x 16 = 32
n_virtual = 8


def fresh_model():
    torch.manual_seed(0)  # the same random weights every time
    return LlamaForCausalLM(config).to(dt).eval()


V, T = config.vocab_size, 12
ids = (torch.randint(0, V, (16, 1)) + 3 * torch.arange(T)) % V  # toy task: next token = token + 3

# --- 1. prompt tuning by hand vs peft --------------------------------------------------------
pt_model = get_peft_model(
    fresh_model(), PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual)
)
prompt = pt_model.prompt_encoder["default"].embedding.weight  # (n_virtual, d), trainable
base = fresh_model()


def soft_prompt_forward(model, prompt, ids):
    """Prepend the prompt vectors to the token embeddings; the model itself is unchanged."""
    tok = model.get_input_embeddings()(ids)  # (B, T, d)
    P = prompt.unsqueeze(0).expand(ids.shape[0], -1, -1)  # (B, n_virtual, d)
    return model(inputs_embeds=torch.cat([P, tok], dim=1)).logits  # (B, n_virtual + T, V)


with torch.no_grad():
    diff = (soft_prompt_forward(base, prompt, ids) - pt_model(ids).logits).abs().max().item()
assert diff < 1e-6, diff  # RMSNorm runs in float32 inside the model
print(f"soft prompt by hand vs peft PromptTuningConfig: max |logit diff| < 1e-6 (toy Llama, d={d})")

# --- 2. trainable parameters: peft vs formulas -----------------------------------------------
r = 8
configs = {
    "prompt tuning": (
        PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual),
        n_virtual * d,
        f"n·d = {n_virtual}·{d}",
    ),
    "prefix tuning": (
        PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n_virtual),
        n_virtual * L * 2 * d_kv,
        f"n·L·2·d_kv = {n_virtual}·{L}·2·{d_kv}",
    ),
    "LoRA r=8 on q,v": (
        LoraConfig(task_type="CAUSAL_LM", r=r, target_modules=["q_proj", "v_proj"]),
        L * r * ((d + d) + (d + d_kv)),
        f"L·r·((d+d)+(d+d_kv)) = {L}·{r}·({d + d}+{d + d_kv})",
    ),
    "(IA)³ on k, v, down": (
        IA3Config(task_type="CAUSAL_LM"),  # peft's defaults for Llama: k_proj, v_proj, down_proj
        L * (d_kv + d_kv + ff),
        f"L·(d_kv+d_kv+d_ff) = {L}·({d_kv}+{d_kv}+{ff})",
    ),
}
n_base = sum(p.numel() for p in base.parameters())
print(f"toy Llama: {n_base:,} parameters, L={L}, d={d}, d_kv={d_kv}, d_ff={ff}, n={n_virtual}")
for name, (cfg, formula, how) in configs.items():
    trainable, _ = get_peft_model(fresh_model(), cfg).get_nb_trainable_parameters()
    print(f"  {name:20s} {trainable:6,} trainable  ({how})")
    assert trainable == formula, (name, trainable, formula)
n_bias = sum(p.numel() for n_, p in base.named_parameters() if n_.endswith("bias"))
print(f"  {'BitFit (biases only)':20s} {n_bias:6,} trainable  (Llama has no bias terms)")
assert n_bias == 0  # LlamaConfig: attention_bias=False, mlp_bias=False, as in Llama 3's config

# The same formulas on Llama 3 8B (config.json: d=4096, L=32, 8 KV heads x 128, d_ff=14336);
# Houlsby adapters: two per layer, each d->m->d with biases, bottleneck m=64.
d8, L8, kv8, ff8, n8, m = 4096, 32, 1024, 14336, 20, 64
llama3_8b = {
    "prompt tuning, 20 tokens": n8 * d8,
    "prefix tuning, 20 tokens": n8 * L8 * 2 * kv8,
    "(IA)³ k, v, down": L8 * (2 * kv8 + ff8),
    "LoRA r=8 on q,v": L8 * 8 * ((d8 + d8) + (d8 + kv8)),
    "Houlsby adapters, m=64": L8 * 2 * (2 * d8 * m + d8 + m),
}
print("same formulas, Llama 3 8B (8.03B parameters):")
for name, count in llama3_8b.items():
    print(f"  {name:26s} {count:>10,}  ({100 * count / 8_030_261_248:.4f}%)")

# --- 3. prompt tuning trains only the prompt; LoRA on the same toy task for comparison ------
toy = torch.randint(0, 4, (16, T))  # toy task: sequences drawn from tokens 0-3 only


def train(model, lr, steps=20):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr)
    losses = []
    for _ in range(steps):
        loss = model(input_ids=toy, labels=toy).loss  # peft masks the virtual positions
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


frozen = {k: v.clone() for k, v in pt_model.base_model.state_dict().items()}
pt_losses = train(pt_model, lr=0.3)
unchanged = all(torch.equal(v, frozen[k]) for k, v in pt_model.base_model.state_dict().items())
lora_losses = train(get_peft_model(fresh_model(), configs["LoRA r=8 on q,v"][0]), lr=1e-2)
print(
    f"toy task, 20 steps: prompt tuning ({prompt.numel()} values) loss {pt_losses[0]:.3f} -> "
    f"{pt_losses[-1]:.3f}, base weights unchanged: {unchanged}"
)
print(f"{'':20s}LoRA r=8 on q,v (3,584 values) loss {lora_losses[0]:.3f} -> {lora_losses[-1]:.3f}")
assert pt_losses[-1] < pt_losses[0] - 0.2 and unchanged
# not a controlled comparison (7x the trainable values, another learning rate, another start):
# it only shows that both train with the base frozen. That prompt tuning needs scale is
# Lester et al.'s finding, not something this toy can show.
assert lora_losses[-1] < pt_losses[-1]
