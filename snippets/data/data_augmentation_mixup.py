# verify: timeout=120
"""Mixup mixes the labels with the same weight as the images, and the loss follows.

x = lam * x_i + (1 - lam) * x_j with lam ~ Beta(alpha, alpha); the loss is
lam * CE(out, y_i) + (1 - lam) * CE(out, y_j), which equals cross-entropy against the mixed
one-hot target. Measured on a small CNN trained on 100 of scikit-learn's 8x8 digits, over
5 seeds: one training run is one draw, and the gaps here are a few points at most.
"""

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.set_num_threads(1)  # tiny model: one thread is fastest, and results do not vary with it
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
y = torch.tensor(y)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)


def mixup(x: torch.Tensor, y: torch.Tensor, alpha: float = 0.4):
    """Mix each sample with a random partner from the same batch (torchvision: v2.MixUp)."""
    lam = torch.distributions.Beta(alpha, alpha).sample().item()  # one lambda per batch
    partner = torch.randperm(x.shape[0])
    return lam * x + (1 - lam) * x[partner], y, y[partner], lam


def mixup_loss(logits, y_a, y_b, lam):
    return lam * F.cross_entropy(logits, y_a) + (1 - lam) * F.cross_entropy(logits, y_b)


def random_shift(x: torch.Tensor, pad: int = 1) -> torch.Tensor:
    """Pad, then crop a random 8x8 window (v2.RandomCrop(8, padding=1))."""
    n, _, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n, 1, 1))
    dx = torch.randint(0, 2 * pad + 1, (n, 1, 1))
    rows = (dy + torch.arange(h).view(1, h, 1)).expand(n, h, w)
    cols = (dx + torch.arange(w).view(1, 1, w)).expand(n, h, w)
    return padded[torch.arange(n).view(n, 1, 1), :, rows, cols].permute(0, 3, 1, 2)


# The mixed loss is cross-entropy against the mixed label distribution.
torch.manual_seed(0)
logits = torch.randn(100, 10)
x_mixed, y_a, y_b, lam = mixup(X_train, y_train)
soft_target = lam * F.one_hot(y_a, 10).float() + (1 - lam) * F.one_hot(y_b, 10).float()
assert torch.allclose(mixup_loss(logits, y_a, y_b, lam), F.cross_entropy(logits, soft_target))


def train_and_test(use_mixup: bool, shift: bool, seed: int, steps: int = 100) -> float:
    torch.manual_seed(seed)  # per seed: the same initial weights for every variant
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 10),
    )  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):
        x = random_shift(X_train) if shift else X_train
        if use_mixup:
            x, y_a, y_b, lam = mixup(x, y_train)
            loss = mixup_loss(model(x), y_a, y_b, lam)
        else:
            loss = F.cross_entropy(model(x), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()  # test images are never mixed
    with torch.inference_mode():
        return (model(X_test).argmax(1) == y_test).float().mean().item()


SEEDS = range(5)
variants = {  # name: (use_mixup, shift)
    "no augmentation": (False, False),
    "mixup (alpha 0.4)": (True, False),
    "random shift": (False, True),
    "shift + mixup": (True, True),
}
acc = {
    name: np.array([train_and_test(m, s, seed) for seed in SEEDS])
    for name, (m, s) in variants.items()
}
print(f"train on {len(y_train)} digits, test accuracy on {len(y_test)}, {len(SEEDS)} seeds:")
print(f"  {'':18s} {'mean ± sd':>13s}   per seed")
for name, values in acc.items():
    per_seed = " ".join(f"{v:.3f}" for v in values)
    print(f"  {name:18s} {values.mean():.3f} ± {values.std(ddof=1):.3f}   {per_seed}")

# Paired by seed: same initial weights, so the difference is the augmentation's effect.
gains = {
    "mixup - none": acc["mixup (alpha 0.4)"] - acc["no augmentation"],
    "shift + mixup - shift": acc["shift + mixup"] - acc["random shift"],
}
for name, gain in gains.items():
    per_seed = " ".join(f"{g:+.3f}" for g in gain)
    print(f"  {name:22s} mean {gain.mean():+.3f}   per seed {per_seed}")

mixup_gain, stack_gain = gains.values()
assert (mixup_gain > 0).all() and mixup_gain.mean() > 0.02, "mixup helps on every seed"
assert stack_gain.mean() > 0, "on average, mixup still adds a little on top of shifts"
assert stack_gain.mean() < mixup_gain.mean() / 2, "...but much less than on its own"
