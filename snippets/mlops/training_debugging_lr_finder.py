"""Learning-rate range test: raise the learning rate exponentially for one short pass, watch
where the loss falls fastest and where it blows up, and pick a rate a bit below the minimum.

The snippet saves the curve as training_debugging_lr_finder.png.
"""

import math

import matplotlib
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  after choosing the backend

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = (torch.tensor(scaler.transform(a), dtype=torch.float32) for a in (X_train, X_val))
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)
    )


def batches(epochs: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        yield from torch.randperm(len(X_train), generator=g).split(32)


def lr_range_test(lr_min=1e-5, lr_max=10.0, steps=100):
    model, loss_fn = make_model(), nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr_min)
    factor = (lr_max / lr_min) ** (1 / (steps - 1))
    lrs, losses, smooth, best = [], [], 0.0, math.inf
    for i, idx in zip(range(steps), batches(epochs=10), strict=False):
        lr = lr_min * factor**i
        optimizer.param_groups[0]["lr"] = lr
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        smooth = 0.9 * smooth + 0.1 * loss.item()  # exponential moving average...
        value = smooth / (1 - 0.9 ** (i + 1))  # ...with bias correction
        lrs.append(lr)
        losses.append(value)
        best = min(best, value)
        if value > 4 * best or not math.isfinite(value):
            break  # the loss has blown up: no need to go further
    return lrs, losses


def train(lr: float, epochs: int = 3) -> float:
    model, loss_fn = make_model(), nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for idx in batches(epochs, seed=1):
        optimizer.zero_grad()
        loss_fn(model(X_train[idx]), y_train[idx]).backward()
        optimizer.step()
    with torch.no_grad():
        return (model(X_val).argmax(1) == y_val).float().mean().item()


lrs, losses = lr_range_test()
i_min = min(range(len(losses)), key=losses.__getitem__)
suggested = lrs[i_min] / 10  # a common rule: one order of magnitude below the minimum
# Where a diverging loss crosses the threshold is chaotic (it can move by a step with the
# thread count), so only its order of magnitude is printed.
print(f"range test: stopped at lr ~{lrs[-1]:.1g}, once the loss passed 4x its minimum")
print(f"lowest smoothed loss {losses[i_min]:.3f} at lr {lrs[i_min]:.2g}")
print(f"suggested lr (one tenth of that): {suggested:.2g}")
factors = {"1/100": 1 / 100, "1/3": 1 / 3, "1": 1, "3": 3, "10": 10, "100": 100}
accs = {f: train(suggested * f) for f in factors.values()}  # 10 = the lowest-loss lr itself
for label, f in factors.items():
    print(f"3 epochs at lr {suggested * f:.2g} ({label:>5s} x suggested): val acc {accs[f]:.3f}")
assert 1e-4 < suggested < 1e-1, "for Adam on this problem the useful range is around 1e-3"
# The rule finds the right order of magnitude: nothing on the grid beats it by more than
# 0.01, it beats the lowest-loss lr itself, and 100 times off in either direction fails.
assert max(accs.values()) - accs[1] < 0.01
assert accs[1] > accs[10] + 0.02
assert max(accs[1 / 100], accs[100]) < accs[1] - 0.3

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(lrs, losses)
ax.axvline(suggested, color="tab:green", linestyle="--", label=f"suggested {suggested:.2g}")
ax.axvline(lrs[i_min], color="tab:red", linestyle=":", label=f"lowest loss {lrs[i_min]:.2g}")
ax.set(xscale="log", xlabel="learning rate", ylabel="smoothed training loss")
ax.set_title("Learning-rate range test")
ax.legend()
fig.tight_layout()
fig.savefig("training_debugging_lr_finder.png", dpi=100)
plt.close(fig)
