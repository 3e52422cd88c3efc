"""Tensor parallelism of an MLP block (Megatron-style), simulated with 4 shards on one CPU.

Column-parallel: each shard holds some output features (rows of W) and computes them;
concatenating the shards' outputs (an all-gather) gives the full layer. Row-parallel: each
shard holds some input features (columns of W) and computes a partial product; summing the
partial products (an all-reduce) gives the full layer. Column -> ReLU -> row needs a single
all-reduce per MLP, because ReLU acts on each feature separately.
"""

import torch
import torch.nn.functional as F
from torch import nn

TP = 4  # tensor-parallel degree: number of shards (GPUs in a real run)
torch.manual_seed(0)
x = torch.randn(8, 64)  # 8 tokens, hidden size 64
fc1, fc2 = nn.Linear(64, 256), nn.Linear(256, 64)  # the MLP: 64 -> 256 -> 64
reference = fc2(torch.relu(fc1(x)))
reference.square().sum().backward()  # a loss, to compare gradients too


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, atol=1e-5)


def shards(t: torch.Tensor, dim: int) -> list[torch.Tensor]:
    """Split a weight into TP trainable pieces, as if each lived on its own GPU."""
    return [p.detach().clone().requires_grad_() for p in t.chunk(TP, dim=dim)]


# 1. Column-parallel fc1: shard r computes output features r*64 ... r*64+63.
W1, b1 = shards(fc1.weight, 0), shards(fc1.bias, 0)
h_parts = [F.linear(x, W1[r], b1[r]) for r in range(TP)]
column_ok = close(torch.cat(h_parts, dim=1), fc1(x))  # all-gather

# 2. Row-parallel fc2: shard r holds input features r*64 ... r*64+63 of fc2.
W2 = shards(fc2.weight, 1)
h = torch.relu(fc1(x)).detach()
partials = [F.linear(h_part, W2[r]) for r, h_part in enumerate(h.chunk(TP, dim=1))]
row_ok = close(sum(partials) + fc2.bias, fc2(h))  # all-reduce, then the bias once

# 3. The MLP: column -> ReLU on each shard -> row -> one all-reduce.
out_parts = [F.linear(torch.relu(h_parts[r]), W2[r]) for r in range(TP)]
y = sum(out_parts) + fc2.bias  # the only communication: an all-reduce of 8 x 64 values
mlp_ok = close(y, reference)

# Backward through the shards: each shard's gradient is a slice of the full gradient.
y.square().sum().backward()
grads_ok = all(
    close(W1[r].grad, fc1.weight.grad.chunk(TP, 0)[r])
    and close(b1[r].grad, fc1.bias.grad.chunk(TP, 0)[r])
    and close(W2[r].grad, fc2.weight.grad.chunk(TP, 1)[r])
    for r in range(TP)
)

# The wrong order: split fc1 by rows (input features) and apply ReLU to partial sums.
x_parts = x.chunk(TP, dim=1)
wrong = sum(torch.relu(F.linear(x_parts[r], fc1.weight.chunk(TP, 1)[r])) for r in range(TP))
wrong_error = (wrong + fc1.bias - torch.relu(fc1(x))).abs().max().item()

full = sum(p.numel() for p in (*fc1.parameters(), *fc2.parameters()))
per_shard = W1[0].numel() + b1[0].numel() + W2[0].numel() + fc2.bias.numel()
print(f"tensor parallelism over {TP} shards, MLP 64 -> 256 -> 64, 8 tokens")
print(f"column-parallel fc1, outputs concatenated:    equals fc1(x): {column_ok}")
print(f"row-parallel fc2, partial outputs summed:     equals fc2(h): {row_ok}")
print(f"column -> ReLU -> row, one all-reduce:        equals the MLP: {mlp_ok}")
print(f"every shard's gradient is a slice of the full gradient: {grads_ok}")
print(f"ReLU on partial sums (row split first): max error {wrong_error:.3f}")
print(f"parameters per shard: {per_shard} of {full} ({per_shard / full:.3f})")

assert column_ok and row_ok and mlp_ok and grads_ok
assert wrong_error > 0.1, "a nonlinearity does not commute with the sum"
assert per_shard < full / TP + fc2.bias.numel() + 1
