"""Overfitting, measured: an over-parameterized MLP memorizes noisy labels; three remedies.

The training and validation labels have 15% of their values flipped (as real labels
are noisy); the test labels are the true ones, so test accuracy measures how well a
model learned the real decision boundary rather than the noise.
"""

import copy

import torch
from sklearn.datasets import make_moons
from torch import nn

torch.manual_seed(0)
X, y = make_moons(n_samples=1300, noise=0.2, random_state=0)
noise_features = torch.randn(len(X), 5)  # irrelevant inputs that make memorizing easy
X = torch.cat([torch.tensor(X, dtype=torch.float32), noise_features], dim=1)
y = torch.tensor(y, dtype=torch.float32)
flipped = torch.rand(len(y)) < 0.15
y_noisy = torch.where(flipped, 1 - y, y)

X_train, y_train, flipped_train = X[:100], y_noisy[:100], flipped[:100]  # only 100 samples
X_val, y_val = X[100:300], y_noisy[100:300]  # watched during training (early stopping)
X_test, y_test = X[300:], y[300:]  # used once, for the final numbers


def make_model(dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(1)  # every variant starts from the same weights
    return nn.Sequential(
        nn.Linear(7, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 1),
    )  # fmt: skip


def predict(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    model.eval()  # turns dropout off
    with torch.inference_mode():
        return (model(X).squeeze(1) > 0).float()


def train(model: nn.Module, weight_decay: float = 0.0, patience: int | None = None, epochs=300):
    """Full-batch AdamW. With `patience`: stop once validation loss has not improved for
    `patience` epochs, and restore the weights of the best epoch."""
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=weight_decay)
    best_loss, best_state, best_epoch = float("inf"), None, None
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss_fn(model(X_train).squeeze(1), y_train).backward()
        optimizer.step()
        if patience is None:
            continue
        model.eval()
        with torch.inference_mode():
            val_loss = loss_fn(model(X_val).squeeze(1), y_val).item()
        if val_loss < best_loss:
            best_loss, best_state, best_epoch = val_loss, copy.deepcopy(model.state_dict()), epoch
        elif epoch - best_epoch >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)  # the best checkpoint, not the last weights
    return model, best_epoch


variants = {
    "no regularization": dict(model=make_model()),
    "weight decay 5.0": dict(model=make_model(), weight_decay=5.0),
    "dropout 0.8": dict(model=make_model(dropout=0.8)),
    "early stopping": dict(model=make_model(), patience=30),
}
print(f"{'':18s} {'train':>6s} {'test':>6s} {'gap':>6s}  flipped labels fitted")
scores = {}
for name, kwargs in variants.items():
    model, best_epoch = train(**kwargs)
    train_pred = predict(model, X_train)
    train_acc = (train_pred == y_train).float().mean().item()
    test_acc = (predict(model, X_test) == y_test).float().mean().item()
    memorized = int((train_pred[flipped_train] == y_train[flipped_train]).sum())
    scores[name] = (train_acc, test_acc, memorized)
    note = f"  (restored epoch {best_epoch})" if best_epoch is not None else ""
    print(
        f"{name:18s} {train_acc:6.3f} {test_acc:6.3f} {train_acc - test_acc:6.3f}"
        f"  {memorized}/{int(flipped_train.sum())}{note}"
    )

base_train, base_test, base_memorized = scores["no regularization"]
assert base_train == 1.0 and base_memorized == int(flipped_train.sum()), "it memorizes the noise"
for name, (train_acc, test_acc, _) in scores.items():
    if name != "no regularization":
        assert test_acc > base_test + 0.03, f"{name} should generalize better than the baseline"
        assert train_acc - test_acc < base_train - base_test, f"{name} should shrink the gap"
