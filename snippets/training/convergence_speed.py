"""The same model, the same 400 SGD steps, five learning-rate schedules.

A small MLP fits a noisy regression target with mini-batch SGD (momentum 0.9). We report
the training loss reached after 400 steps and the first step (checked every 20) at which
the loss fell below 0.15. The noise in the targets puts the floor at about 0.09.
Saves convergence_speed.png: the schedules and the loss curves.
"""

import math

import matplotlib

matplotlib.use("Agg")  # draw to a file, no window
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    SequentialLR,
)

torch.manual_seed(0)
W_TRUE = torch.randn(8, 16)
X = torch.randn(2048, 8)
y = torch.tanh(X @ W_TRUE / math.sqrt(8)).sum(1, keepdim=True) / 2 + 0.3 * torch.randn(2048, 1)
STEPS, BATCH, TARGET, EVERY = 400, 32, 0.15, 20


def make_model() -> nn.Module:
    torch.manual_seed(1)  # every run starts from the same weights
    return nn.Sequential(
        nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


def warmup_cosine(opt, warmup: int = 40):
    return SequentialLR(
        opt,
        [
            LinearLR(opt, start_factor=0.01, total_iters=warmup),  # 1% -> 100% of the peak
            CosineAnnealingLR(opt, T_max=STEPS - warmup),  # then down to 0 along a cosine
        ],
        milestones=[warmup],
    )


def train(lr: float, schedule=None) -> tuple[list[float], list[float]]:
    """Returns the learning rate used at every step and the full-data loss every EVERY steps."""
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = schedule(optimizer) if schedule else None
    batches = torch.Generator().manual_seed(2)  # the same mini-batches for every run
    lrs, losses = [], []
    for step in range(1, STEPS + 1):
        lrs.append(optimizer.param_groups[0]["lr"])
        idx = torch.randint(len(X), (BATCH,), generator=batches)
        loss = nn.functional.mse_loss(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler:
            scheduler.step()  # per iteration, always after optimizer.step()
        if step % EVERY == 0:
            with torch.no_grad():
                losses.append(nn.functional.mse_loss(model(X), y).item())
    return lrs, losses


runs = {
    "constant 0.003 (too small)": (0.003, None),
    "constant 0.1": (0.1, None),
    "step decay 0.1 (x0.1 at 200, 300)": (
        0.1,
        lambda opt: MultiStepLR(opt, milestones=[200, 300], gamma=0.1),
    ),
    "warm-up 40 + cosine, 0.1": (0.1, warmup_cosine),
    # cycle_momentum=False: OneCycleLR would otherwise also cycle momentum (0.95 -> 0.85),
    # and the comparison with the fixed-momentum runs would change two things at once.
    "OneCycleLR, max 0.1": (
        0.1,
        lambda opt: OneCycleLR(opt, max_lr=0.1, total_steps=STEPS, cycle_momentum=False),
    ),
}
print(f"{'schedule (peak lr)':34s} {'final loss':>10s}  steps to loss < {TARGET}")
curves, final = {}, {}
for name, (lr, schedule) in runs.items():
    curves[name] = train(lr, schedule)
    losses = curves[name][1]
    final[name] = losses[-1]
    reached = next((EVERY * (i + 1) for i, loss in enumerate(losses) if loss < TARGET), None)
    print(f"{name:34s} {final[name]:10.3f}  {reached if reached else f'not in {STEPS}'}")

fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(9, 3.5))
for name, (lrs, losses) in curves.items():
    ax_lr.plot(range(1, STEPS + 1), lrs, label=name)
    ax_loss.plot(range(EVERY, STEPS + 1, EVERY), losses, marker=".", label=name)
ax_lr.set(xlabel="step", ylabel="learning rate", title="schedules")
ax_loss.set(xlabel="step", ylabel="training loss (MSE)", title="loss", ylim=(0.08, 0.4))
ax_loss.axhline(TARGET, color="gray", linestyle=":", linewidth=1)
ax_loss.legend(fontsize=7)
fig.tight_layout()
fig.savefig("convergence_speed.png", dpi=100)
plt.close(fig)

too_small, constant = final["constant 0.003 (too small)"], final["constant 0.1"]
for name in list(runs)[2:]:  # the three schedules that decay the lr
    assert final[name] < constant - 0.01, f"{name}: decaying the lr should beat a constant peak"
    assert final[name] < too_small - 0.03, f"{name}: should beat a too-small constant lr"
