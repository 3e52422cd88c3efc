"""Loss curves with and without regularization: the picture of overfitting.

Same data as overfitting.py (100 noisy training samples). Without regularization the
training loss keeps falling while the validation loss turns upward after a few epochs;
with dropout both curves stay close. The figure is saved as overfitting_curves.png.
"""

import matplotlib

matplotlib.use("Agg")  # draw to a file, no window
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import make_moons
from torch import nn

torch.manual_seed(0)
X, y = make_moons(n_samples=1300, noise=0.2, random_state=0)
X = torch.cat([torch.tensor(X, dtype=torch.float32), torch.randn(len(X), 5)], dim=1)
y = torch.tensor(y, dtype=torch.float32)
y = torch.where(torch.rand(len(y)) < 0.15, 1 - y, y)  # 15% of the labels flipped
X_train, y_train, X_val, y_val = X[:100], y[:100], X[100:300], y[100:300]


def curves(dropout: float, epochs: int = 300) -> tuple[list[float], list[float]]:
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Linear(7, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 1),
    )  # fmt: skip
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    train_losses, val_losses = [], []
    for _ in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(X_train).squeeze(1), y_train)
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.inference_mode():
            train_losses.append(loss_fn(model(X_train).squeeze(1), y_train).item())
            val_losses.append(loss_fn(model(X_val).squeeze(1), y_val).item())
    return train_losses, val_losses


runs = {"no regularization": curves(0.0), "dropout 0.8": curves(0.8)}

fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
for ax, (name, (train_losses, val_losses)) in zip(axes, runs.items(), strict=True):
    ax.plot(train_losses, label="training loss")
    ax.plot(val_losses, label="validation loss")
    ax.set_title(name)
    ax.set_xlabel("epoch")
    ax.set_ylim(0, 2.0)
axes[0].set_ylabel("binary cross-entropy")
axes[0].legend()
fig.tight_layout()
fig.savefig("overfitting_curves.png", dpi=100)
plt.close(fig)

for name, (train_losses, val_losses) in runs.items():
    best = min(range(len(val_losses)), key=val_losses.__getitem__)
    print(
        f"{name:18s} best validation epoch {best:3d}; final training loss "
        f"{train_losses[-1]:.3f}, final validation loss {val_losses[-1]:.3f}"
    )

plain_train, plain_val = runs["no regularization"]
assert plain_train[-1] < 0.05, "without regularization it fits the noisy labels"
assert plain_val[-1] > 2 * min(plain_val), "and its validation loss turns upward"
drop_train, drop_val = runs["dropout 0.8"]
assert drop_val[-1] - drop_train[-1] < plain_val[-1] - plain_train[-1], "dropout narrows the gap"
