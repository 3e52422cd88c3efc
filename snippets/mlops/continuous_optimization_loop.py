"""A post-deployment loop: weekly drift and performance monitoring with labels that arrive
one week late, a retraining trigger, and a champion/challenger gate before promotion.

Weeks 4-5: the inputs shift (data drift) but the rule linking inputs to labels does not.
Week 6: the rule changes (concept drift) while the inputs look as before. Only performance
monitoring catches it, one week late, and a retrained challenger replaces the champion.
Training is a PyTorch loop with a cosine learning-rate schedule.
"""

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
N_FEATURES, WEEKS, PER_WEEK = 4, 10, 1000
W_OLD = np.array([1.0, -1.0, 0.5, 0.0])
W_NEW = np.array([-0.5, -1.0, 0.5, 1.0])  # the concept after week 6


def week_data(week: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.normal(size=(PER_WEEK, N_FEATURES))
    if week in (4, 5):
        X[:, 0] += 1.0  # data drift: a two-week campaign brings in a new user segment
    w = W_NEW if week >= 6 else W_OLD
    y = (X @ w + 0.3 * rng.normal(size=PER_WEEK) > 0.5).astype(np.int64)
    return X, y


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1]
    r = np.bincount(np.searchsorted(edges, reference), minlength=bins) / len(reference)
    c = np.bincount(np.searchsorted(edges, current), minlength=bins) / len(current)
    r, c = np.clip(r, 1e-4, None), np.clip(c, 1e-4, None)
    return float(np.sum((c - r) * np.log(c / r)))


def train(X: np.ndarray, y: np.ndarray, epochs: int = 10) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(N_FEATURES, 16), nn.ReLU(), nn.Linear(16, 2))
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=1e-4)
    batches_per_epoch = -(-len(X) // 64)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=epochs * batches_per_epoch
    )  # the learning rate decays from 0.05 towards 0 over the run
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for idx in torch.randperm(len(X_t), generator=g).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X_t[idx]), y_t[idx]).backward()
            optimizer.step()
            scheduler.step()
    return model.eval()


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    with torch.no_grad():
        pred = model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return float((pred == y).mean())


data = {week: week_data(week) for week in range(WEEKS)}
champion = train(*data[0])  # deployed at the end of week 0
reference = data[0][0]  # the champion's training inputs: the drift reference
print("week  PSI max  acc last week  acc this week*  action")
log = {}
for week in range(1, WEEKS):
    X_now, y_now = data[week]  # the labels y_now are NOT known yet this week
    drift = max(psi(reference[:, j], X_now[:, j]) for j in range(N_FEATURES))
    X_prev, y_prev = data[week - 1]  # last week's labels have just arrived
    acc_prev = accuracy(champion, X_prev, y_prev)
    action = ""
    if drift > 0.25:
        action = "data drift alert"
    if acc_prev < 0.85:  # the retraining trigger: measured performance, not drift alone
        n_fit = int(0.7 * PER_WEEK)  # retrain on the newest labels, keep 30% for the gate
        challenger = train(X_prev[:n_fit], y_prev[:n_fit])
        acc_c = accuracy(challenger, X_prev[n_fit:], y_prev[n_fit:])
        acc_ch = accuracy(champion, X_prev[n_fit:], y_prev[n_fit:])
        if acc_c > acc_ch + 0.02:  # the gate: clearly better on data neither was trained on
            champion, reference = challenger, X_prev[:n_fit]
            action = f"retrain: challenger {acc_c:.3f} vs champion {acc_ch:.3f}, promoted"
        else:
            action = f"retrain: challenger {acc_c:.3f} not better, kept champion"
    acc_now = accuracy(champion, X_now, y_now)  # * known only a week later
    log[week] = (drift, acc_prev, acc_now, action)
    print(f"{week:4d}  {drift:7.3f}  {acc_prev:13.3f}  {acc_now:14.3f}  {action}".rstrip())

assert all(log[w][0] < 0.1 for w in (1, 2, 3)) and log[4][0] > 0.25  # data drift seen at once
assert log[4][2] > 0.85 and log[5][2] > 0.85  # ...but the model still works
assert log[6][0] < 0.1 and log[6][2] < 0.75  # concept drift: inputs as before, accuracy drops
assert log[6][1] > 0.85 and "promoted" in log[7][3]  # noticed in week 7, when labels arrive
assert log[8][0] < 0.1 and min(log[w][2] for w in (8, 9)) > 0.9  # new reference, recovered
