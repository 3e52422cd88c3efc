"""Bigger batches mean fewer optimizer steps; the linear scaling rule keeps the result.

Same data, same initial weights, same number of epochs. Going from batch 32 to batch 256
takes 8x fewer steps per epoch (each step is more work, which a GPU runs in parallel).
With the learning rate unchanged the model is undertrained; scaling it by 8 as well
(the linear scaling rule) recovers the small-batch result, up to a point: with the whole
training set in one batch, 10 steps are too few whatever the learning rate.
"""

import torch
from sklearn.datasets import make_classification
from torch import nn

X, y = make_classification(
    n_samples=2560, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
X_train, y_train, X_test, y_test = X[:2048], y[:2048], X[2048:], y[2048:]
EPOCHS = 10


def run(batch_size: int, lr: float) -> tuple[int, float, float]:
    torch.manual_seed(0)  # same initial weights and same shuffles for every run
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    steps = 0
    for _ in range(EPOCHS):
        order = torch.randperm(len(X_train))
        for start in range(0, len(X_train), batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X_train[idx]), y_train[idx]).backward()
            optimizer.step()
            steps += 1
    with torch.no_grad():
        train_loss = nn.functional.cross_entropy(model(X_train), y_train).item()
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    return steps, train_loss, test_acc


runs = {
    "batch   32, lr 0.01": run(32, 0.01),
    "batch  256, lr 0.01": run(256, 0.01),  # same lr: 8x fewer updates of the same size
    "batch  256, lr 0.08": run(256, 0.08),  # linear scaling: lr x 8 for batch x 8
    "batch 2048, lr 0.64": run(2048, 0.64),  # full batch: 10 steps are too few even so
}
print(f"{EPOCHS} epochs each      steps  train loss  test acc")
for name, (steps, loss, acc) in runs.items():
    print(f"{name:20s} {steps:5d}  {loss:10.3f}  {acc:8.3f}")

small, big, scaled, full = runs.values()
(s_small, l_small, a_small), (s_big, l_big, _), (_, l_scaled, a_scaled) = small, big, scaled
assert s_small == 8 * s_big  # 64 steps per epoch against 8
assert l_big > l_small + 0.1, "same lr with bigger batches: undertrained after 10 epochs"
assert abs(l_scaled - l_small) < 0.05 and abs(a_scaled - a_small) < 0.03, "scaling recovers it"
assert full[1] > l_small + 0.1, "past some batch size, scaling the lr no longer compensates"
