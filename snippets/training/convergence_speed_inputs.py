"""Input scaling decides how fast SGD can go: raw features, a BatchNorm input layer, standardized.

The same regression problem as convergence_speed.py, but the 8 features arrive in units
that differ by a factor of 1000 (scales 0.1 ... 100, non-zero means), as raw tabular data
often does. SGD with momentum 0.9, constant learning rate, 300 steps; training loss, to 2 decimals
(the BatchNorm run differs in the 4th decimal with the number of CPU threads).
"""

import math

import torch
from torch import nn

torch.manual_seed(0)
W_TRUE = torch.randn(8, 16)
X = torch.randn(2048, 8)
y = torch.tanh(X @ W_TRUE / math.sqrt(8)).sum(1, keepdim=True) / 2 + 0.3 * torch.randn(2048, 1)
scales = torch.logspace(-1, 2, 8)  # 0.1 ... 100
X_raw = X * scales + 5 * scales
X_std = (X_raw - X_raw.mean(0)) / X_raw.std(0)  # in practice: statistics of the training split
STEPS, BATCH = 300, 32
LRS = [1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1]


def final_loss(X_in: torch.Tensor, lr: float, batchnorm: bool = False) -> float:
    torch.manual_seed(1)
    first = [nn.BatchNorm1d(8)] if batchnorm else []  # normalizes each feature per batch
    model = nn.Sequential(
        *first, nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    batches = torch.Generator().manual_seed(2)
    for _ in range(STEPS):
        idx = torch.randint(len(X_in), (BATCH,), generator=batches)
        loss = nn.functional.mse_loss(model(X_in[idx]), y[idx])
        if not torch.isfinite(loss):
            return math.inf  # diverged
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()  # BatchNorm uses its running statistics from here on
    with torch.no_grad():
        return nn.functional.mse_loss(model(X_in), y).item()


print(f"variance of y: {y.var().item():.2f} (the loss of always predicting the mean)")
print(f"{'lr':24s}" + "".join(f"{lr:>9g}" for lr in LRS))
best = {}
for name, X_in, batchnorm in [
    ("raw features", X_raw, False),
    ("raw + BatchNorm1d first", X_raw, True),
    ("standardized features", X_std, False),
]:
    losses = [final_loss(X_in, lr, batchnorm) for lr in LRS]
    best[name] = min(losses)
    cells = [f"{loss:9.2f}" if loss < math.inf else f"{'diverged':>9s}" for loss in losses]
    print(f"{name:24s}" + "".join(cells))

assert best["raw features"] > 0.5, "raw inputs: every lr is either unstable or far too slow"
assert best["standardized features"] < 0.15 and best["raw + BatchNorm1d first"] < 0.17
