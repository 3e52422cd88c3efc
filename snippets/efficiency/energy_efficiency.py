# verify: cuda
"""Count the FLOPs of a training step, check the 6 x parameters x tokens rule, estimate energy.

A tiny GPT-style model is run under torch.utils.flop_counter.FlopCounterMode: the
measured FLOPs of forward + backward equal 6 x (weights) x (tokens) plus an attention
term, and mixed precision does not change them. The rule then turns a hypothetical
training run into GPU-hours, kWh and CO2 under assumptions stated in the code.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

device = "cuda" if torch.cuda.is_available() else "cpu"
amp_dtype = torch.float16 if device == "cuda" else torch.bfloat16
D, LAYERS, HEADS, VOCAB, BATCH, SEQ = 64, 2, 4, 256, 4, 32


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.up, self.down = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.ln1(x)).view(BATCH, SEQ, 3, HEADS, -1).transpose(1, 3).unbind(2)
        scores = (q @ k.transpose(-2, -1)) / (D // HEADS) ** 0.5  # written out, so it is counted
        causal = torch.ones(SEQ, SEQ, dtype=torch.bool, device=x.device).triu(1)
        attn = scores.masked_fill(causal, float("-inf")).softmax(-1) @ v
        x = x + self.proj(attn.transpose(1, 2).reshape(BATCH, SEQ, D))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


torch.manual_seed(0)
model = nn.Sequential(
    nn.Embedding(VOCAB, D), *[Block() for _ in range(LAYERS)], nn.Linear(D, VOCAB)
).to(device)
tokens = torch.randint(0, VOCAB, (BATCH, SEQ + 1), device=device)


def training_step_flops(use_amp: bool) -> int:
    with FlopCounterMode(display=False) as counter:
        with torch.autocast(device, dtype=amp_dtype, enabled=use_amp):
            logits = model(tokens[:, :-1])
            loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        loss.backward()
    return counter.get_total_flops()


# N = the weight matrices that multiply every token (the embedding is a lookup, no FLOPs)
n_weights = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Linear))
n_tokens = BATCH * SEQ
measured = training_step_flops(use_amp=False)
rule = 6 * n_weights * n_tokens  # forward 2 N per token, backward 4 N per token
attention = 12 * LAYERS * BATCH * SEQ * SEQ * D  # QK^T and AV, forward + backward
print(f"{n_weights:,} weights x {n_tokens} tokens; FLOPs of one training step:")
print(f"  measured {measured:,} = 6ND {rule:,} + attention {attention:,}")
with_amp = training_step_flops(use_amp=True)
print(f"  under autocast: {with_amp:,} (mixed precision: the same FLOPs, each one cheaper)")
assert measured == rule + attention
assert with_amp == measured

# --- An energy estimate for a hypothetical run. Every number here is an assumption. ---
PARAMS, TOKENS = 1e9, 20e9  # a 1B model on 20B tokens (about 20 tokens per parameter)
PUE = 1.2  # data-center overhead: cooling, power conversion
GRID = 0.4  # kg CO2e per kWh; low-carbon grids are nearer 0.05
GPUS = {  # dense 16-bit peak FLOP/s and board power in W, from the datasheets
    "H100 SXM": (989e12, 700),
    "V100 SXM2": (125e12, 300),
}


def estimate(gpu="H100 SXM", mfu=0.4, peak_factor=1.0, params=PARAMS, tokens=TOKENS, grid=GRID):
    """GPU-hours, kWh and kg CO2e; assumes the GPUs draw their rated power throughout."""
    peak, watts = GPUS[gpu]
    flops = 6 * params * tokens
    gpu_hours = flops / (peak * peak_factor * mfu) / 3600
    kwh = gpu_hours * watts / 1000 * PUE
    return gpu_hours, kwh, kwh * grid


scenarios = {
    "baseline: H100, BF16, MFU 40%": estimate(),
    "TF32 instead of BF16 (half the peak)": estimate(peak_factor=0.5),
    "poor utilization, MFU 20%": estimate(mfu=0.2),
    "early stop at 60% of the tokens": estimate(tokens=0.6 * TOKENS),
    "a 0.5B model on the same tokens": estimate(params=0.5e9),
    "V100 (300 W instead of 700 W)": estimate(gpu="V100 SXM2"),
    "baseline on a 0.05 kg/kWh grid": estimate(grid=0.05),
}
print(f"\ntraining 1B parameters on 20B tokens = {6 * PARAMS * TOKENS:.1e} FLOPs")
print(f"{'':36s} {'GPU-h':>6s} {'kWh':>6s} {'kg CO2e':>8s}")
for name, (hours, kwh, co2) in scenarios.items():
    print(f"{name:36s} {hours:6.0f} {kwh:6.0f} {co2:8.1f}")

base = scenarios["baseline: H100, BF16, MFU 40%"]
assert scenarios["V100 (300 W instead of 700 W)"][1] > 3 * base[1]  # low power, more energy
assert scenarios["baseline on a 0.05 kg/kWh grid"][1] == base[1]  # same kWh, less CO2
