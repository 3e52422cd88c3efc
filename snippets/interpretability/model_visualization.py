"""Looking at a PyTorch model's architecture: print(model), then a per-layer summary.

The summary (what torchinfo.summary prints) comes from forward hooks: each layer's output
shape and parameter count, checked against the formulas. Then the same count for one
Transformer layer, 12 d^2 + 13 d parameters, which is where a large model's weights sit.
"""

import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8x8 -> 4x4
    nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 4x4 -> 2x2
    nn.Flatten(), nn.Linear(16 * 2 * 2, 32), nn.ReLU(), nn.Linear(32, 10),
)  # fmt: skip
print(model)

rows = []


def record(module: nn.Module, inputs, output) -> None:
    params = sum(p.numel() for p in module.parameters(recurse=False))
    rows.append((type(module).__name__, tuple(output.shape), params))


hooks = [m.register_forward_hook(record) for m in model]
with torch.no_grad():
    model(torch.zeros(1, 1, 8, 8))  # one dummy batch: a digit image of 8x8 pixels
for h in hooks:
    h.remove()

print(f"{'layer':10s} {'output shape':>16s} {'params':>7s}")
for name, shape, params in rows:
    print(f"{name:10s} {str(shape):>16s} {params:7d}")
total = sum(p.numel() for p in model.parameters())
print(f"total parameters: {total}")

assert total == sum(params for _, _, params in rows)
assert rows[0][2] == 8 * (1 * 3 * 3) + 8  # conv: out * (in * k * k) + out biases
assert rows[7][2] == 64 * 32 + 32  # linear: in * out + out biases

d = 64  # one Transformer encoder layer with the usual 4x wide MLP
layer = nn.TransformerEncoderLayer(d_model=d, nhead=4, dim_feedforward=4 * d, batch_first=True)
count = sum(p.numel() for p in layer.parameters())
attention = sum(p.numel() for p in layer.self_attn.parameters())
print(
    f"Transformer layer, d={d}: {count} parameters = 12d^2 + 13d; attention {attention / count:.3f}"
)
assert count == 12 * d * d + 13 * d and attention == 4 * d * d + 4 * d
