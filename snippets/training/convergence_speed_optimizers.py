"""SGD, SGD with momentum and AdamW on the same problem, each over a grid of learning rates.

Same data, model, initial weights and mini-batches as in convergence_speed.py; a constant
learning rate and 300 steps. The table holds the training loss after 300 steps.
"""

import math

import torch
from torch import nn

torch.manual_seed(0)
W_TRUE = torch.randn(8, 16)
X = torch.randn(2048, 8)
y = torch.tanh(X @ W_TRUE / math.sqrt(8)).sum(1, keepdim=True) / 2 + 0.3 * torch.randn(2048, 1)
STEPS, BATCH = 300, 32
LRS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
OPTIMIZERS = {
    "SGD": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "SGD + momentum 0.9": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "AdamW": lambda params, lr: torch.optim.AdamW(params, lr=lr),  # betas (0.9, 0.999)
}


def final_loss(make_optimizer, lr: float) -> float:
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )
    optimizer = make_optimizer(model.parameters(), lr)
    batches = torch.Generator().manual_seed(2)
    for _ in range(STEPS):
        idx = torch.randint(len(X), (BATCH,), generator=batches)
        loss = nn.functional.mse_loss(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return nn.functional.mse_loss(model(X), y).item()


print(f"{'lr':19s}" + "".join(f"{lr:>8g}" for lr in LRS) + "   best lr")
table = {}
for name, make_optimizer in OPTIMIZERS.items():
    table[name] = [final_loss(make_optimizer, lr) for lr in LRS]
    best = LRS[min(range(len(LRS)), key=table[name].__getitem__)]
    print(f"{name:19s}" + "".join(f"{loss:8.3f}" for loss in table[name]) + f"   {best:g}")

sgd, momentum, adamw = table.values()
assert momentum[0] < sgd[0] - 0.2, "at the same small lr, momentum converges much faster"
assert min(momentum) < 0.15 and min(adamw) < 0.15 and min(sgd) < 0.15, "all work when tuned"
assert momentum.index(min(momentum)) < sgd.index(min(sgd)), "momentum wants a smaller lr"
# Each best lr lies inside the grid (a larger lr is worse), so the ratios are not edge effects.
assert all(0 < t.index(min(t)) < len(LRS) - 1 for t in table.values()), "widen the grid"
assert sgd[-1] > 10 * min(sgd), "plain SGD diverges one step above its best lr"
assert adamw.index(min(adamw)) in (1, 2), "AdamW's best lr is around 3e-3 to 1e-2 here"
