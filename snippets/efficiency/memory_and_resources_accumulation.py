# verify: cuda
"""Gradient accumulation: four micro-batches of 16 give the gradient of one batch of 64.

Only one micro-batch's activations are in memory at a time, so the effective batch size
grows without more memory (and without any speed-up: the compute is the same). The
gradient matches the big batch only if each micro-batch loss is weighted correctly.
"""

import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3)).to(device)
X = torch.randn(64, 20, device=device)
y = torch.randint(0, 3, (64,), device=device)
loss_fn = nn.CrossEntropyLoss()  # reduction="mean": the average over the batch


def gradient(micro_batches: list[torch.Tensor], weigh) -> torch.Tensor:
    """Accumulate .grad over the micro-batches (index tensors); return it flattened."""
    model.zero_grad(set_to_none=True)
    for idx in micro_batches:
        loss = loss_fn(model(X[idx]), y[idx])
        (loss * weigh(idx)).backward()  # backward() adds to .grad
    return torch.cat([p.grad.flatten() for p in model.parameters()])


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, rtol=1e-4, atol=1e-6)


full = gradient([torch.arange(64)], lambda idx: 1.0)  # the big batch, in one go
four = list(torch.arange(64).split(16))  # 4 micro-batches of 16
uneven = list(torch.arange(64).split([40, 24]))  # e.g. the last, partial batch

results = {
    "4 x 16, loss / 4": close(gradient(four, lambda idx: 1 / 4), full),
    "4 x 16, loss not divided": close(gradient(four, lambda idx: 1.0), full),
    "40 + 24, loss / 2": close(gradient(uneven, lambda idx: 1 / 2), full),
    "40 + 24, loss x n_i / 64": close(gradient(uneven, lambda idx: len(idx) / 64), full),
}
for name, ok in results.items():
    print(f"{name:26s} equals the batch-64 gradient: {ok}")
ratio = (gradient(four, lambda idx: 1.0).norm() / full.norm()).item()
print(f"without dividing, the gradient is {ratio:.3f}x too large")

# One optimizer step after accumulating = one step on the big batch.
state = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
gradient([torch.arange(64)], lambda idx: 1.0)
optimizer.step()
after_big = torch.cat([p.detach().flatten() for p in model.parameters()])
model.load_state_dict(state)
gradient(four, lambda idx: 1 / 4)
optimizer.step()
after_accumulated = torch.cat([p.detach().flatten() for p in model.parameters()])
print(f"same weights after one optimizer step: {close(after_accumulated, after_big)}")

assert results == {
    "4 x 16, loss / 4": True,
    "4 x 16, loss not divided": False,
    "40 + 24, loss / 2": False,
    "40 + 24, loss x n_i / 64": True,
}
assert abs(ratio - 4) < 1e-3 and close(after_accumulated, after_big)
