"""Bigger batches mean fewer optimizer steps; the linear scaling rule keeps the result.

Same data, same initial weights, same number of epochs. Going from batch 32 to batch 256
takes 8x fewer steps per epoch (each step is more work, which a GPU runs in parallel).
With the learning rate unchanged the model is undertrained; scaling it by 8 as well
(the linear scaling rule) recovers the small-batch result, up to a point: with the whole
training set in one batch, 10 steps are too few whatever the learning rate (a sweep of
learning rates, with and without warm-up, shows it); only more epochs close the gap.
The larger batch is also faster per epoch, on this CPU too: that is asserted, not printed,
since timings depend on the machine.
"""

import time

import torch
from sklearn.datasets import make_classification
from torch import nn

X, y = make_classification(
    n_samples=2560, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
X_train, y_train, X_test, y_test = X[:2048], y[:2048], X[2048:], y[2048:]
EPOCHS = 10


def run(
    batch_size: int, lr: float, warmup: int = 0, epochs: int = EPOCHS
) -> tuple[int, float, float]:
    torch.manual_seed(0)  # same initial weights and same shuffles for every run
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    steps = 0
    for _ in range(epochs):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), batch_size):
            idx = order[start : start + batch_size]
            if warmup:  # linear warm-up over the first `warmup` steps
                optimizer.param_groups[0]["lr"] = lr * min(1.0, (steps + 1) / warmup)
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X_train[idx]), y_train[idx]).backward()
            optimizer.step()
            steps += 1
    with torch.no_grad():
        train_loss = nn.functional.cross_entropy(model(X_train), y_train).item()
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    return steps, train_loss, test_acc


def seconds(batch_size: int, lr: float) -> float:
    start = time.perf_counter()
    run(batch_size, lr, epochs=2)
    return time.perf_counter() - start


runs = {
    "batch   32, lr 0.01": run(32, 0.01),
    "batch  256, lr 0.01": run(256, 0.01),  # same lr: 8x fewer updates of the same size
    "batch  256, lr 0.08": run(256, 0.08),  # linear scaling: lr x 8 for batch x 8
    "batch 2048, lr 0.64": run(2048, 0.64),  # full batch: 10 steps are too few even so
}
print(f"{EPOCHS} epochs each      steps  train loss  test acc")
for name, (steps, loss, acc) in runs.items():
    print(f"{name:20s} {steps:5d}  {loss:10.3f}  {acc:8.3f}")

# Is it the batch size, or just a badly chosen learning rate / no warm-up? Sweep both.
sweep = {(lr, w): run(2048, lr, warmup=w) for lr in (0.16, 0.32, 0.64, 1.28) for w in (0, 3)}
(best_lr, best_w), best = min(sweep.items(), key=lambda item: item[1][1])
print(f"batch 2048, best of {len(sweep)} (lr, warm-up) settings: lr {best_lr}, ", end="")
print(f"warm-up {best_w} steps, train loss {best[1]:.3f}")
longer = run(2048, 0.64, epochs=2 * EPOCHS)
print(f"batch 2048, lr 0.64, {2 * EPOCHS} epochs: train loss {longer[1]:.3f}")

small, big, scaled, full = runs.values()
(s_small, l_small, a_small), (s_big, l_big, _), (_, l_scaled, a_scaled) = small, big, scaled
assert s_small == 8 * s_big  # 64 steps per epoch against 8
assert l_big > l_small + 0.1, "same lr with bigger batches: undertrained after 10 epochs"
assert abs(l_scaled - l_small) < 0.05 and abs(a_scaled - a_small) < 0.03, "scaling recovers it"
assert best[1] > l_small + 0.1, "past some batch size, no lr or warm-up compensates"
assert sweep[(1.28, 0)][1] > 1.0, "a larger lr diverges instead"
assert longer[1] < l_small + 0.05, "...but more epochs do"
# Fewer, larger steps are faster: the batch-256 run takes under half the batch-32 time.
assert min(seconds(256, 0.08) for _ in range(2)) < 0.5 * seconds(32, 0.01)
