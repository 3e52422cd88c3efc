"""LoRA written by hand, checked against peft; then peft's LoRA on a tiny Llama built from a config.

1. A LoRA linear layer from scratch: y = W·x + (alpha/r)·B·A·x with W frozen, A (r × d_in)
   initialized like nn.Linear (kaiming_uniform, a=√5) and B (d_out × r) set to zero. It is checked
   against peft's lora.Linear in float64 with the same A, B and scaling (B made non-zero first, so
   that the comparison is not 0 = 0), for the default scaling alpha/r and for rsLoRA's alpha/√r;
   merging W + (alpha/r)·B·A is checked against peft's get_delta_weight.
2. peft (get_peft_model, LoraConfig) on a tiny LlamaForCausalLM with random weights (toy model):
   the output is unchanged at initialization, the trainable-parameter count equals
   Σ r·(d_in + d_out) over the adapted layers, the loss falls on a toy task while the base weights
   stay frozen, and merge_and_unload gives a plain model with the adapter model's outputs.
"""

import math

import torch
from peft import LoraConfig, get_peft_model
from torch import nn
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
dt = torch.float64


class LoRALinear(nn.Module):
    """y = base(x) + scaling · B(A(x)); base is frozen, only A and B train."""

    def __init__(self, base: nn.Linear, r: int, alpha: float, rslora: bool = False):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.A = nn.Parameter(torch.empty(r, base.in_features, dtype=base.weight.dtype))
        self.B = nn.Parameter(torch.zeros(base.out_features, r, dtype=base.weight.dtype))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))  # as nn.Linear; bound = 1/√d_in
        self.scaling = alpha / math.sqrt(r) if rslora else alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.A.T @ self.B.T) * self.scaling

    def merged_weight(self):
        return self.base.weight + self.scaling * self.B @ self.A  # same shape as W: no extra cost


# --- 1. scratch vs peft's lora.Linear, same A, B, scaling ------------------------------------
class Toy(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(64, 48, dtype=dt)

    def forward(self, x):
        return self.proj(x)


x = torch.randn(5, 64, dtype=dt)
for rslora in (False, True):
    base = Toy()
    W0 = base.proj.weight.detach().clone()
    ref = get_peft_model(
        base, LoraConfig(r=8, lora_alpha=16, target_modules=["proj"], use_rslora=rslora)
    )
    layer = ref.base_model.model.proj  # peft's lora.Linear
    A_peft, B_peft = layer.lora_A["default"].weight, layer.lora_B["default"].weight
    assert B_peft.abs().max() == 0  # peft also starts with B = 0
    assert A_peft.abs().max() <= 1 / math.sqrt(64)  # kaiming_uniform(a=√5): U(±1/√d_in)
    with torch.no_grad():
        B_peft.normal_()  # as if trained: a zero B would make every comparison trivial
    mine = LoRALinear(nn.Linear(64, 48, dtype=dt), r=8, alpha=16, rslora=rslora)
    with torch.no_grad():
        mine.base.weight.copy_(W0)
        mine.base.bias.copy_(layer.base_layer.bias)
        mine.A.copy_(A_peft)
        mine.B.copy_(B_peft)
    assert mine.scaling == layer.scaling["default"]
    out_diff = (mine(x) - ref(x)).abs().max().item()
    merge_diff = (mine.merged_weight() - (W0 + layer.get_delta_weight("default"))).abs().max()
    name = "rsLoRA alpha/sqrt(r)" if rslora else "LoRA alpha/r"
    print(
        f"{name:21s} scaling {mine.scaling:.3f}: scratch vs peft lora.Linear, max |diff| "
        f"{out_diff:.1e} (output), {merge_diff.item():.1e} (merged weight)"
    )
    assert out_diff < 1e-12 and merge_diff < 1e-12

# --- 2. peft on a tiny Llama (random weights, toy task) --------------------------------------
config = LlamaConfig(
    vocab_size=32, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
)  # fmt: skip
model = LlamaForCausalLM(config).to(dt)
model.eval()  # no dropout anywhere: outputs are deterministic
V, T = config.vocab_size, 16
start = torch.randint(0, V, (16, 1))
ids = (start + 3 * torch.arange(T)) % V  # toy task: every next token is the previous one + 3
with torch.no_grad():
    logits_before = model(ids).logits
base_state = {k: v.clone() for k, v in model.state_dict().items()}

r, alpha = 8, 16
targets = ["q_proj", "k_proj", "v_proj", "o_proj"]
lora_model = get_peft_model(
    model, LoraConfig(r=r, lora_alpha=alpha, target_modules=targets, task_type="CAUSAL_LM")
)
with torch.no_grad():
    init_diff = (lora_model(ids).logits - logits_before).abs().max().item()
print(f"toy Llama, LoRA r={r} on q,k,v,o: output change at initialization = {init_diff}")
assert init_diff == 0.0  # B = 0: the adapter adds exactly zero

d = config.hidden_size
kv = config.num_key_value_heads * (d // config.num_attention_heads)  # GQA: k, v are narrower
shapes = {"q_proj": (d, d), "k_proj": (d, kv), "v_proj": (d, kv), "o_proj": (d, d)}  # (in, out)
expected = config.num_hidden_layers * sum(r * (i + o) for i, o in shapes.values())
trainable, total = lora_model.get_nb_trainable_parameters()
print(
    f"trainable {trainable:,} of {total:,} ({100 * trainable / total:.2f}%); "
    f"formula L·Σ r·(d_in+d_out) = {expected:,}"
)
assert trainable == expected

opt = torch.optim.AdamW([p for p in lora_model.parameters() if p.requires_grad], lr=1e-2)
losses = []
for _ in range(20):
    loss = lora_model(input_ids=ids, labels=ids).loss
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(f"toy task loss, only LoRA trained: {losses[0]:.3f} -> {losses[-1]:.3f} after 20 steps")
assert losses[-1] < 0.9 * losses[0]
changed = [
    k for k, v in lora_model.base_model.model.state_dict().items()
    if "lora_" not in k and not torch.equal(v, base_state[k.replace(".base_layer", "")])
]  # fmt: skip
assert not changed, changed  # the frozen base did not move

with torch.no_grad():
    logits_adapter = lora_model(ids).logits
    merged = lora_model.merge_and_unload()  # W <- W + (alpha/r)·B·A, LoRA modules removed
    logits_merged = merged(ids).logits
merge_out_diff = (logits_merged - logits_adapter).abs().max().item()
n_merged = sum(p.numel() for p in merged.parameters())
n_base = sum(v.numel() for v in base_state.values())
assert merge_out_diff < 1e-6 and n_merged == n_base  # RMSNorm runs in float32 inside the model
print(
    f"merge_and_unload: {type(merged).__name__} with {n_merged:,} parameters (base: {n_base:,}); "
    "max |logit diff| vs adapter model < 1e-6"
)
assert not any("lora" in name for name, _ in merged.named_modules())
assert (logits_merged - logits_before).abs().max() > 1e-2  # the merged model did learn something
