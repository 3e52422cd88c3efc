"""SwiGLU FFN from scratch, checked against transformers' LlamaMLP; why d_ff is about 8d/3.

Shows: (1) the scratch SwiGLU equals a config-built LlamaMLP with copied weights;
(2) a 3-matrix SwiGLU with d_ff = 8d/3 has the parameters (and FLOPs) of a 2-matrix
GELU MLP with d_ff = 4d; (3) Llama's rounding rule reproduces the published sizes;
(4) d_ff / d and the FFN's share of each block's weights in real configs.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing here may download

import torch
import torch.nn.functional as F
from torch import nn
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaMLP

torch.manual_seed(0)


class SwiGLU(nn.Module):
    """FFN(x) = W_down( SiLU(x W_gate) ⊙ (x W_up) ), no biases (Shazeer 2020, Llama)."""

    def __init__(self, d: int, d_ff: int):
        super().__init__()
        self.w_gate = nn.Linear(d, d_ff, bias=False)
        self.w_up = nn.Linear(d, d_ff, bias=False)
        self.w_down = nn.Linear(d_ff, d, bias=False)

    def forward(self, x):
        return self.w_down(F.silu(self.w_gate(x)) * self.w_up(x))


class GeluMLP(nn.Module):
    """The GPT-2 / BERT FFN: W_2( GELU(x W_1) ), here without biases."""

    def __init__(self, d: int, d_ff: int):
        super().__init__()
        self.w1, self.w2 = nn.Linear(d, d_ff, bias=False), nn.Linear(d_ff, d, bias=False)

    def forward(self, x):
        return self.w2(F.gelu(self.w1(x)))


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# 1) scratch SwiGLU vs transformers' LlamaMLP (hidden_act="silu"), float64, same weights
d, d_ff = 96, 256
config = LlamaConfig(hidden_size=d, intermediate_size=d_ff, hidden_act="silu", mlp_bias=False)
ref = LlamaMLP(config).double()
mine = SwiGLU(d, d_ff).double()
with torch.no_grad():
    mine.w_gate.weight.copy_(ref.gate_proj.weight)
    mine.w_up.weight.copy_(ref.up_proj.weight)
    mine.w_down.weight.copy_(ref.down_proj.weight)
x = torch.randn(4, 10, d, dtype=torch.float64)
diff = (mine(x) - ref(x)).abs().max().item()
print(f"scratch SwiGLU vs LlamaMLP: max |diff| < 1e-12: {diff < 1e-12}")
assert diff < 1e-12
swapped = SwiGLU(d, d_ff).double()  # gate and up swapped: a common whiteboard bug
with torch.no_grad():
    swapped.w_gate.weight.copy_(ref.up_proj.weight)
    swapped.w_up.weight.copy_(ref.gate_proj.weight)
    swapped.w_down.weight.copy_(ref.down_proj.weight)
assert (swapped(x) - ref(x)).abs().max() > 1e-3, "SiLU goes on gate_proj, not on up_proj"

# 2) parameter parity: 3·d·h = 2·d·4d  =>  h = 8d/3
d = 4096  # Llama 3 8B hidden size, built on the meta device: no memory is allocated
h_83 = int(8 * d / 3)  # 10922: Meta's code truncates
with torch.device("meta"):
    gelu_4d = GeluMLP(d, 4 * d)
    swiglu_83 = SwiGLU(d, h_83)
    swiglu_4d = SwiGLU(d, 4 * d)
print(f"d = {d}: GELU MLP (d_ff = 4d = {4 * d}): {n_params(gelu_4d) / 1e6:.1f}M parameters")
print(f"        SwiGLU (d_ff = int(8d/3) = {h_83}): {n_params(swiglu_83) / 1e6:.1f}M")
print(f"        SwiGLU (d_ff = 4d, no reduction): {n_params(swiglu_4d) / 1e6:.1f}M (1.5x)")
assert abs(n_params(swiglu_83) / n_params(gelu_4d) - 1) < 1e-3
assert n_params(swiglu_4d) == 3 * n_params(gelu_4d) // 2


# 3) Meta's sizing rule (llama/model.py FeedForward): 2/3 of 4d, optional multiplier, round up
def llama_ffn_dim(dim: int, multiple_of: int, ffn_dim_multiplier: float | None = None) -> int:
    hidden = int(2 * (4 * dim) / 3)
    if ffn_dim_multiplier is not None:
        hidden = int(ffn_dim_multiplier * hidden)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


assert llama_ffn_dim(4096, 256) == 11008  # Llama 2 7B intermediate_size
assert llama_ffn_dim(4096, 1024, 1.3) == 14336  # Llama 3 8B intermediate_size
assert llama_ffn_dim(8192, 4096, 1.3) == 28672  # Llama 3 70B intermediate_size
print("Llama rule: Llama 2 7B -> 11008, Llama 3 8B (x1.3, multiple of 1024) -> 14336,")
print("            Llama 3 70B (x1.3, multiple of 4096) -> 28672")

# 4) published configs: (d, d_ff, heads, kv heads, head_dim, matrices in the FFN)
configs = {
    "Llama 2 7B": (4096, 11008, 32, 32, 128, 3),
    "Llama 3 8B": (4096, 14336, 32, 8, 128, 3),
    "Qwen2.5-7B": (3584, 18944, 28, 4, 128, 3),
    "Qwen3-8B": (4096, 12288, 32, 8, 128, 3),
    "Gemma 7B (GeGLU)": (3072, 24576, 16, 16, 256, 3),
}
print(f"{'model':17s} {'d':>5s} {'d_ff':>6s} {'d_ff/d':>6s}  FFN share of block weights")
shares = {}
for name, (d, d_ff, h, kv, hd, mats) in configs.items():
    ffn = mats * d * d_ff
    attention = d * h * hd * 2 + d * kv * hd * 2  # W_q, W_o + W_k, W_v (GQA shrinks K, V)
    shares[name] = round(100 * ffn / (ffn + attention))
    print(f"{name:17s} {d:5d} {d_ff:6d} {d_ff / d:6.2f}  {shares[name]}%")
assert shares["Llama 2 7B"] == 67 and shares["Llama 3 8B"] == 81 and shares["Qwen2.5-7B"] == 87
assert min(shares.values()) == 67 and max(shares.values()) == 87, shares

# DeepSeek-V3 (config.json): d = 7168; the first 3 layers are dense with d_ff = 18432, the
# others MoE with 256 routed experts + 1 shared, d_ff = 2048 each, 8 routed chosen per token
d, dense_ff, expert_ff, top_k, shared = 7168, 18432, 2048, 8, 1
active_ff = (top_k + shared) * expert_ff
print(f"DeepSeek-V3: dense d_ff/d = {dense_ff / d:.2f}; MoE width active per token = "
      f"({top_k} + {shared}) x {expert_ff} = {active_ff}")  # fmt: skip
assert active_ff == dense_ff, "per token, the MoE layer is as wide as the dense FFN"
