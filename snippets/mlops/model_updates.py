"""Catastrophic forgetting when a network is fine-tuned only on new data, and rehearsal
(mixing in a small buffer of old samples) as the fix.

Old data: digits 0-4. New data: digits 5-9 arrive later. Old-task and new-task accuracy
are measured on held-out test digits after each way of updating the model.
"""

import copy

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.3, random_state=0, stratify=y
)
X_train, X_test = (
    torch.tensor(X_train, dtype=torch.float32),
    torch.tensor(X_test, dtype=torch.float32),
)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
old, new = y_train < 5, y_train >= 5  # the old task, and the data that arrives later


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))  # 10 outputs from day 1


def fit(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = 10) -> nn.Module:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for idx in torch.randperm(len(X), generator=g).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            optimizer.step()
    return model


def accuracy(model: nn.Module) -> tuple[float, float]:
    with torch.no_grad():
        correct = model(X_test).argmax(1) == y_test
    return correct[y_test < 5].float().mean().item(), correct[y_test >= 5].float().mean().item()


deployed = fit(make_model(), X_train[old], y_train[old])  # the model in production

# A small rehearsal (replay) buffer kept from the old data: 100 of its 630 samples
old_idx = torch.nonzero(old).squeeze(1)
buffer = old_idx[torch.randperm(len(old_idx), generator=torch.Generator().manual_seed(0))[:100]]
new_idx = torch.nonzero(new).squeeze(1)
balanced = buffer.repeat(len(new_idx) // len(buffer))  # replay as many old samples as new ones

updates = {
    "deployed (old data only)": deployed,
    "fine-tune on new only": fit(copy.deepcopy(deployed), X_train[new], y_train[new]),
    "+ 100 old, unbalanced": fit(
        copy.deepcopy(deployed),
        X_train[torch.cat([new_idx, buffer])],
        y_train[torch.cat([new_idx, buffer])],
    ),
    "+ 100 old, replayed 1:1": fit(
        copy.deepcopy(deployed),
        X_train[torch.cat([new_idx, balanced])],
        y_train[torch.cat([new_idx, balanced])],
    ),
    "retrain from scratch, all": fit(make_model(), X_train, y_train),
}
print(f"old data {int(old.sum())} samples (digits 0-4), new data {int(new.sum())} (digits 5-9)")
print(f"{'update':27s} {'old task':>8s} {'new task':>8s}")
scores = {}
for name, model in updates.items():
    scores[name] = accuracy(model)
    print(f"{name:27s} {scores[name][0]:8.3f} {scores[name][1]:8.3f}")

deployed_old, _ = scores["deployed (old data only)"]
forgot_old, forgot_new = scores["fine-tune on new only"]
replay_old, replay_new = scores["+ 100 old, replayed 1:1"]
scratch_old, scratch_new = scores["retrain from scratch, all"]
assert deployed_old > 0.95 and forgot_old < 0.05 and forgot_new > 0.9  # forgotten completely
assert scores["+ 100 old, unbalanced"][0] < replay_old  # how much is replayed matters
assert replay_old > 0.9 and replay_new > 0.9  # rehearsal keeps both tasks
assert scratch_old - replay_old < 0.05  # close to a full retrain, with 16% of the old data
