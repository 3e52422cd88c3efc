"""Monitoring a training run: a tiny metric logger with per-layer gradient norms and the share
of dead ReLU units, and a NaN gradient found with isfinite checks and detect_anomaly.

In a real project the logger is TensorBoard's SummaryWriter.add_scalar or wandb.log.
"""

import warnings
from collections import defaultdict

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class MetricLogger:
    """Same call shape as SummaryWriter.add_scalar(tag, value, step), kept in memory."""

    def __init__(self):
        self.history = defaultdict(list)

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        self.history[tag].append((step, value))

    def last(self, tag: str) -> float:
        return self.history[tag][-1][1]


X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)  # statistics from the training set only
X_train, X_val = (torch.tensor(scaler.transform(a), dtype=torch.float32) for a in (X_train, X_val))
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)


def train(lr: float, epochs: int = 5) -> MetricLogger:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    log, dead = MetricLogger(), {}

    def record_dead(name):  # forward hook: share of units that output 0 for the whole batch
        def hook(module, inputs, output):
            dead[name] = (output <= 0).all(dim=0).float().mean().item()

        return hook

    for name, module in model.named_children():
        if isinstance(module, nn.ReLU):
            module.register_forward_hook(record_dead(f"relu{name}"))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn, step = nn.CrossEntropyLoss(), 0
    g = torch.Generator().manual_seed(0)
    for epoch in range(epochs):
        model.train()
        for idx in torch.randperm(len(X_train), generator=g).split(64):
            optimizer.zero_grad()
            loss = loss_fn(model(X_train[idx]), y_train[idx])
            if not torch.isfinite(loss):  # stop at the first NaN/Inf, not hours later
                raise FloatingPointError(f"loss is {loss.item()} at step {step}")
            loss.backward()
            if step % 10 == 0:  # log every 10 steps: cheap enough for every run
                log.add_scalar("train/loss", loss.item(), step)
                log.add_scalar("lr", optimizer.param_groups[0]["lr"], step)
                for pname, p in model.named_parameters():
                    if pname.endswith("weight"):
                        log.add_scalar(f"grad_norm/{pname}", p.grad.norm().item(), step)
            optimizer.step()
            step += 1
        model.eval()
        with torch.no_grad():
            acc = (model(X_val).argmax(1) == y_val).float().mean().item()  # hooks see X_val
        log.add_scalar("val/acc", acc, epoch)
        for name, share in dead.items():
            log.add_scalar(f"dead/{name}", share, epoch)
    return log


runs = {"lr 1e-3": train(1e-3), "lr 5e-2": train(5e-2)}
print(f"{'':8s} {'val acc':>7s} {'dead relu1':>10s} {'dead relu3':>10s}  |grad| of layers 0, 2, 4")
for name, log in runs.items():
    norms = " ".join(f"{log.last(t):.3f}" for t in log.history if t.startswith("grad_norm/"))
    print(
        f"{name:8s} {log.last('val/acc'):7.3f} {log.last('dead/relu1'):10.3f}"
        f" {log.last('dead/relu3'):10.3f}  {norms}"
    )
good, bad = runs.values()
assert bad.last("dead/relu3") > 0.5 > 10 * good.last("dead/relu3")  # a too-high lr kills units
assert bad.last("val/acc") < good.last("val/acc")


# A loss that is finite while its gradient is NaN: the Euclidean distance of padded rows.
def distance_loss(pred, target, mask, fixed: bool):
    diff = (pred - target) * mask  # padding rows become exactly 0
    dist = torch.linalg.vector_norm(diff, dim=1) if fixed else (diff**2).sum(1).sqrt()
    return dist.sum() / mask.sum()


torch.manual_seed(0)
regressor = nn.Linear(4, 2)
inputs, target = torch.randn(8, 4), torch.randn(8, 2)
mask = torch.ones(8, 1)
mask[6:] = 0  # the last two rows are padding
loss = distance_loss(regressor(inputs), target, mask, fixed=False)
loss.backward()
grads_finite = all(torch.isfinite(p.grad).all() for p in regressor.parameters())
print(f"sqrt distance: loss finite {torch.isfinite(loss).item()}, gradients finite {grads_finite}")

with warnings.catch_warnings():  # anomaly mode announces itself with warnings; expected here
    warnings.filterwarnings("ignore", message="Anomaly Detection has been enabled")
    warnings.filterwarnings("ignore", message="Error detected in")
    try:
        with torch.autograd.detect_anomaly():  # slow: for debugging runs only
            distance_loss(regressor(inputs), target, mask, fixed=False).backward()
        culprit = None
    except RuntimeError as error:
        culprit = str(error).split("'")[1]
# sqrt's gradient at 0 is inf; the backward of diff**2 multiplies it by 2 * diff = 0: NaN
print(f"detect_anomaly: first backward op returning NaN is {culprit}")

regressor.zero_grad()
distance_loss(regressor(inputs), target, mask, fixed=True).backward()
fixed_finite = all(torch.isfinite(p.grad).all() for p in regressor.parameters())
print(f"torch.linalg.vector_norm instead: gradients finite {fixed_finite}")
assert torch.isfinite(loss) and not grads_finite and culprit == "PowBackward0" and fixed_finite
