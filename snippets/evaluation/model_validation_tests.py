"""Testing a model as software: five quick checks, run on a correct and on a broken model.

In a project these would be pytest functions under tests/; here each returns an error
message or "" so that one file can show which check catches which bug.
"""

import torch
from torch import nn

N_IN, N_CLASSES = 20, 3


class Net(nn.Module):
    def __init__(self, broken: bool = False):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(N_IN, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.1)
        )
        self.head = nn.Linear(64, N_CLASSES)
        self.aux = nn.Linear(64, N_CLASSES)  # meant to be added to the logits
        self.broken = broken

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        if self.broken:  # BUG: the auxiliary head is never used
            return self.head(h)
        return self.head(h) + self.aux(h)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.eval()  # BatchNorm uses its running statistics, dropout is off
    with torch.inference_mode():
        return model(x).softmax(dim=1)


def predict_broken(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():  # BUG: no model.eval()
        return model(x).softmax(dim=1)


def make(broken: bool) -> nn.Module:
    torch.manual_seed(0)
    return Net(broken)


def train_steps(model: nn.Module, x, y, steps: int) -> list[float]:
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(0)
x = torch.randn(32, N_IN)
y = torch.randint(0, N_CLASSES, (32,))  # random labels: only memorizing can fit them


def check_shape(broken, predict_fn):
    probs = predict_fn(make(broken), x)
    ok = probs.shape == (32, N_CLASSES) and torch.allclose(probs.sum(1), torch.ones(32))
    return "" if ok else f"shape {tuple(probs.shape)}"


def check_overfits_one_batch(broken, predict_fn):
    losses = train_steps(make(broken), x, y, steps=150)
    return "" if losses[-1] < 0.1 * losses[0] else f"loss {losses[0]:.2f} -> {losses[-1]:.2f}"


def check_gradients(broken, predict_fn):
    model = make(broken)
    nn.functional.cross_entropy(model(x), y).backward()
    for name, p in model.named_parameters():
        if p.grad is None or not torch.isfinite(p.grad).all() or p.grad.abs().sum() == 0:
            return f"no gradient for {name}"
    return ""


def check_deterministic(broken, predict_fn):
    runs = []
    for _ in range(2):
        model = make(broken)
        torch.manual_seed(1)  # dropout masks
        train_steps(model, x, y, steps=5)
        runs.append(predict_fn(model, x))
    return "" if torch.equal(runs[0], runs[1]) else "two seeded runs differ"


def check_batch_independent(broken, predict_fn):
    model = make(broken)
    train_steps(model, x, y, steps=5)  # so that BatchNorm has running statistics
    alone = predict_fn(model, x[:4])
    in_batch = predict_fn(model, x)[:4]
    return "" if torch.allclose(alone, in_batch, atol=1e-6) else "depends on the rest of the batch"


checks = [
    check_shape,
    check_overfits_one_batch,
    check_gradients,
    check_deterministic,
    check_batch_independent,
]
print(f"{'check':26s} {'correct':8s} broken")
failures = {}
for check in checks:
    good = check(False, predict)
    bad = check(True, predict_broken)
    failures[check.__name__] = bad
    print(f"{check.__name__:26s} {good or 'pass':8s} {bad or 'pass'}")
    assert good == "", f"the correct model must pass {check.__name__}: {good}"

assert failures["check_gradients"] == "no gradient for aux.weight"
assert failures["check_batch_independent"] != ""
