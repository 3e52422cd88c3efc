"""Negative transfer: features pre-trained on digits 0-4 do not help to learn digits 5-9.

A network trained on only five classes keeps little more than what separates those five;
on 8x8 digits the raw pixels already separate the new classes well, so with 5 labels per
class a model trained from scratch beats both feature extraction and fine-tuning.
"""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
X_src, y_src = X[y < 5], y[y < 5]  # source task: digits 0-4, all labeled
X_tgt, y_tgt = X[y >= 5], y[y >= 5] - 5  # target task: digits 5-9, relabelled 0-4


def make_backbone() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 128), nn.ReLU(),
    )  # fmt: skip


def train(model, param_groups, X, y, steps, batch_size=None, frozen=None):
    optimizer = torch.optim.AdamW(param_groups, weight_decay=1e-4)
    for _ in range(steps):
        model.train()
        if frozen is not None:
            frozen.eval()  # keep the pre-trained BatchNorm statistics
        idx = torch.randint(len(y), (batch_size,)) if batch_size else slice(None)
        optimizer.zero_grad()
        F.cross_entropy(model(X[idx]), y[idx]).backward()
        optimizer.step()


torch.manual_seed(1)
backbone = make_backbone()
source_model = nn.Sequential(backbone, nn.Linear(128, 5))
train(source_model, [{"params": source_model.parameters(), "lr": 3e-3}], X_src, y_src, 300, 64)
pretrained = backbone.state_dict()

scores = {"from scratch": [], "feature extraction": [], "fine-tuning": []}
for draw in range(4):  # 4 random choices of 5 labeled images per new digit
    g = torch.Generator().manual_seed(100 + draw)
    per_class = [torch.nonzero(y_tgt == c).squeeze(1) for c in range(5)]
    chosen = torch.cat([i[torch.randperm(len(i), generator=g)[:5]] for i in per_class])
    test = torch.ones(len(y_tgt), dtype=torch.bool)
    test[chosen] = False
    for method in scores:
        torch.manual_seed(2)
        head, body = nn.Linear(128, 5), make_backbone()
        if method != "from scratch":
            body.load_state_dict(pretrained)
        groups = {
            "from scratch": [{"params": [*body.parameters(), *head.parameters()], "lr": 3e-3}],
            "feature extraction": [{"params": head.parameters(), "lr": 3e-3}],
            "fine-tuning": [
                {"params": body.parameters(), "lr": 3e-4},
                {"params": head.parameters(), "lr": 3e-3},
            ],
        }[method]
        body.requires_grad_(method != "feature extraction")
        model = nn.Sequential(body, head)
        frozen = body if method == "feature extraction" else None
        train(model, groups, X_tgt[chosen], y_tgt[chosen], 100, frozen=frozen)
        model.eval()
        with torch.inference_mode():
            correct = model(X_tgt[test]).argmax(1) == y_tgt[test]
        scores[method].append(correct.float().mean().item())

mean = {m: sum(s) / len(s) for m, s in scores.items()}
print("digits 0-4 -> 5-9, 5 labels per class, target test accuracy (mean of 4 draws)")
for method, value in mean.items():
    print(f"{method:18s} {value:.3f}")
assert mean["feature extraction"] < mean["from scratch"] - 0.05, "frozen 0-4 features hurt"
assert mean["fine-tuning"] < mean["from scratch"], "fine-tuning does not recover the gap"
