"""A deep MLP diverges (loss -> inf) at a learning rate that is too high; three fixes.

Every run starts from the same weights and uses plain SGD with cosine decay over 200
full-batch steps. At lr=0.3 with no safeguard the loss overflows to inf; lowering the learning
rate, clipping the gradient norm, or a linear warm-up each keep training finite.
"""

import math

import torch
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

torch.manual_seed(0)
X = torch.randn(256, 10)
y = 2 * torch.sin(X @ torch.randn(10, 1) / math.sqrt(10)) + 0.1 * torch.randn(256, 1)
STEPS = 200


def make_model() -> nn.Module:
    """8 tanh layers, no normalization: deep enough for the step size to matter."""
    torch.manual_seed(1)  # every variant starts from the same weights
    layers, width = [], 10
    for _ in range(8):
        layers += [nn.Linear(width, 64), nn.Tanh()]
        width = 64
    return nn.Sequential(*layers, nn.Linear(64, 1))


def train(lr: float, clip: float | None = None, warmup: int = 0) -> dict:
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    if warmup:  # lr rises linearly from 1% to 100% of its peak, then cosine decay
        scheduler = SequentialLR(
            optimizer,
            [
                LinearLR(optimizer, start_factor=0.01, total_iters=warmup),
                CosineAnnealingLR(optimizer, T_max=STEPS - warmup),
            ],
            milestones=[warmup],
        )
    else:
        scheduler = CosineAnnealingLR(optimizer, T_max=STEPS)
    result = {"diverged_at": None, "max_norm": 0.0, "clipped": 0, "norm_over_100_at": None}
    for step in range(STEPS):
        loss = nn.functional.mse_loss(model(X), y)
        if not torch.isfinite(loss):  # inf or NaN: report and stop
            result["diverged_at"], result["bad_loss"] = step, loss.item()
            return result
        optimizer.zero_grad()
        loss.backward()
        # clip_grad_norm_ returns the norm BEFORE clipping: log it. max_norm=inf only measures.
        norm = nn.utils.clip_grad_norm_(model.parameters(), clip or math.inf).item()
        result["max_norm"] = max(result["max_norm"], norm)
        result["clipped"] += clip is not None and norm > clip
        if norm > 100 and result["norm_over_100_at"] is None:
            result["norm_over_100_at"] = step
        optimizer.step()
        scheduler.step()  # after optimizer.step()
    with torch.no_grad():
        result["loss"] = nn.functional.mse_loss(model(X), y).item()
    return result


variants = {
    "lr 0.3, no safeguard": dict(lr=0.3),
    "lr 0.1": dict(lr=0.1),
    "lr 0.3 + clip norm 1.0": dict(lr=0.3, clip=1.0),
    "lr 0.3 + 50-step warm-up": dict(lr=0.3, warmup=50),
}
print(f"{'':26s} {'result':>22s} {'final loss':>11s} {'max grad norm':>14s}")
results = {}
for name, kwargs in variants.items():
    r = results[name] = train(**kwargs)
    if r["diverged_at"] is not None:
        print(f"{name:26s} {'diverged at step ' + str(r['diverged_at']):>22s} {r['bad_loss']:>11}")
    else:
        clipped = f"  (clipped {r['clipped']}/{STEPS} steps)" if r["clipped"] else ""
        print(f"{name:26s} {'finite':>22s} {r['loss']:11.2f} {r['max_norm']:14.1f}{clipped}")

bad = results["lr 0.3, no safeguard"]
print(
    f"warning sign: the gradient norm passed 100 at step {bad['norm_over_100_at']}, "
    f"{bad['diverged_at'] - bad['norm_over_100_at']} steps before the loss became {bad['bad_loss']}"
)
assert bad["diverged_at"] is not None and bad["norm_over_100_at"] < bad["diverged_at"]
for name, r in results.items():
    if name != "lr 0.3, no safeguard":
        assert r["diverged_at"] is None and r["loss"] < 0.05, f"{name} should train normally"
