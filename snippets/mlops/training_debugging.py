"""Cheap checks that catch training bugs before a long run: data sanity, the initial loss
against ln(C), a zero_grad test, and overfitting one batch.

Three training steps are checked: a correct one, one that forgets optimizer.zero_grad(),
and one that puts a Softmax in front of CrossEntropyLoss. The checks flag both bugs.
"""

import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

# --- 1. data sanity checks, before any training -------------------------------------------
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
n_classes = len(np.unique(y_train))
counts = np.bincount(y_train)
overlap = len({r.tobytes() for r in X_train} & {r.tobytes() for r in X_val})
print(
    f"data: {len(X_train)} train / {len(X_val)} val, labels 0..{y_train.max()}, "
    f"class counts {counts.min()}-{counts.max()}, train/val duplicates {overlap}"
)
mean, std = X_train.mean(0), X_train.std(0)
with np.errstate(invalid="ignore"):  # what a naive standardization does to constant pixels
    naive = (X_train - mean) / std
print(f"naive standardization: {int(np.isnan(naive).sum())} NaN values "
      f"({int((std == 0).sum())} constant features)")  # fmt: skip
std[std == 0] = 1.0  # the fix: leave constant features at 0
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
assert torch.isfinite(X_train).all() and overlap == 0 and y_train.min() == 0
y_train = torch.tensor(y_train)
X_batch, y_batch = X_train[:32], y_train[:32]  # the one batch we try to overfit


def make_model(softmax_at_end: bool = False) -> nn.Module:
    torch.manual_seed(0)
    layers = [nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)]
    if softmax_at_end:
        layers.append(nn.Softmax(dim=1))  # BUG: CrossEntropyLoss applies log-softmax itself
    return nn.Sequential(*layers)


def step_correct(model, optimizer, loss_fn, X, y):
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_no_zero_grad(model, optimizer, loss_fn, X, y):
    loss = loss_fn(model(X), y)  # BUG: gradients of every step add up in .grad
    loss.backward()
    optimizer.step()
    return loss.item()


def grad_norm(model: nn.Module) -> float:
    return torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item()


def check(train_step, softmax_at_end=False) -> dict:
    loss_fn = nn.CrossEntropyLoss()
    # 2. the initial loss of a C-class classifier should be close to ln(C)
    model = make_model(softmax_at_end)
    with torch.no_grad():
        initial = loss_fn(model(X_train), y_train).item()
    # 3. zero_grad test: two steps with lr=0 on the same batch must give the same gradient
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    train_step(model, optimizer, loss_fn, X_batch, y_batch)
    first = grad_norm(model)
    train_step(model, optimizer, loss_fn, X_batch, y_batch)
    grad_ratio = grad_norm(model) / first
    # 4. overfit one batch: a correct setup drives the loss on 32 samples to ~0
    model = make_model(softmax_at_end)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(200):
        loss = train_step(model, optimizer, loss_fn, X_batch, y_batch)
        assert math.isfinite(loss), "non-finite loss"
    return dict(initial=initial, grad_ratio=grad_ratio, overfit=loss, grad_norm=grad_norm(model))


print(f"ln({n_classes}) = {math.log(n_classes):.3f}; Softmax+CE loss floor ln(1+9/e) = "
      f"{math.log(1 + 9 / math.e):.3f}")  # fmt: skip
print(f"{'training step':22s} {'init loss':>9s} {'grad x2':>7s} {'overfit':>8s} {'|grad|':>8s}")
results = {
    "correct": check(step_correct),
    "no zero_grad": check(step_no_zero_grad),
    "softmax before CE": check(step_correct, softmax_at_end=True),
}
for name, r in results.items():
    print(
        f"{name:22s} {r['initial']:9.3f} {r['grad_ratio']:7.2f} {r['overfit']:8.3f}"
        f" {r['grad_norm']:8.3f}"
    )

ok, no_zero, softmax = results.values()
for r in results.values():  # the initial-loss check passes for all three: it cannot see these
    assert abs(r["initial"] - math.log(n_classes)) < 0.1
assert abs(ok["grad_ratio"] - 1) < 1e-4 and ok["overfit"] < 0.01  # correct: passes both
assert abs(no_zero["grad_ratio"] - 2) < 1e-4  # missing zero_grad: the gradient doubles
assert no_zero["grad_norm"] > 100 * ok["grad_norm"]  # and keeps growing while the loss falls
assert softmax["overfit"] > 1.4  # softmax + CE cannot go below ln(1 + 9/e) = 1.461
