"""Adversarial training (Madry et al.): train on PGD examples instead of clean ones.

Two identical MLPs on scikit-learn's digits, one trained normally, one on PGD examples with
eps = 0.2. Both are then attacked with a stronger PGD (50 steps, 3 random restarts): the
adversarially trained model keeps far more of its accuracy, at a cost on clean images.
"""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

EPS = 0.2  # L-infinity budget on pixels scaled to [0, 1]
torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
X_train, X_test = (torch.tensor(a, dtype=torch.float32) for a in (X_train, X_test))
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)


def pgd_ascent(model, x, y, eps: float, steps: int) -> torch.Tensor:
    """L-infinity PGD from a random start: climbs the loss, returns the last iterate."""
    alpha = 2.5 * eps / steps
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0.0, 1.0)
    return x_adv.detach()


def pgd(model, x, y, eps: float, steps: int, restarts: int = 1) -> torch.Tensor:
    """The evaluation attack: per example, keeps a restart that fools the model."""
    best = x.clone()
    for _ in range(restarts):
        x_adv = pgd_ascent(model, x, y, eps, steps)
        with torch.no_grad():
            fooled = model(x_adv).argmax(1) != y
        best[fooled] = x_adv[fooled]
    return best


def train(adversarial: bool) -> nn.Module:
    torch.manual_seed(0)  # both models start from the same weights and see the same batches
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(20):
        for idx in torch.randperm(len(X_train)).split(64):
            x, y = X_train[idx], y_train[idx]
            if adversarial:
                model.eval()  # craft the examples with the model in inference mode
                # the inner maximization: train on the PGD point for every example,
                # whether or not it already fools the model
                x = pgd_ascent(model, x, y, EPS, steps=5)
            model.train()
            optimizer.zero_grad()
            F.cross_entropy(model(x), y).backward()  # the outer minimization
            optimizer.step()
    return model.eval()


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


print(f"attack: PGD, L-inf eps={EPS}, 50 steps, 3 restarts (on the test set)")
print(f"{'training':12s} {'clean':>6s} {'robust':>7s}")
scores, models = {}, {}
for name, adversarial in (("standard", False), ("adversarial", True)):
    model = models[name] = train(adversarial)
    torch.manual_seed(1)  # the same attack randomness for both models
    x_adv = pgd(model, X_test, y_test, EPS, steps=50, restarts=3)
    scores[name] = accuracy(model, X_test, y_test), accuracy(model, x_adv, y_test)
    print(f"{name:12s} {scores[name][0]:6.3f} {scores[name][1]:7.3f}")

(clean_std, robust_std), (clean_adv, robust_adv) = scores["standard"], scores["adversarial"]
print(f"robust accuracy gained: {robust_adv - robust_std:+.3f}")
print(f"clean accuracy lost:    {clean_std - clean_adv:+.3f}")
# Sanity checks against gradient masking (necessary, not sufficient): a much larger budget
# must win, more steps must not help the model, and a black-box transfer attack (PGD on
# the standard model) must be weaker than the white-box attack.
adv_model, robust_50 = models["adversarial"], robust_adv
torch.manual_seed(1)
big = accuracy(adv_model, pgd(adv_model, X_test, y_test, 0.5, steps=50), y_test)
torch.manual_seed(1)
x_200 = pgd(adv_model, X_test, y_test, EPS, steps=200, restarts=3)
robust_200 = accuracy(adv_model, x_200, y_test)
torch.manual_seed(1)
x_transfer = pgd(models["standard"], X_test, y_test, EPS, steps=50, restarts=3)
transfer = accuracy(adv_model, x_transfer, y_test)
print(f"adversarial model, PGD eps=0.5:           {big:.3f}")
print(f"adversarial model, PGD eps={EPS}, 200 steps: {robust_200:.3f} (50 steps: {robust_50:.3f})")
print(f"adversarial model, transfer from standard: {transfer:.3f}")
assert big < 0.05, "if a huge perturbation cannot fool the model, the attack is broken"
assert robust_200 <= robust_50 + 0.01, "more attack steps must not raise robust accuracy"
assert transfer > robust_50, "white-box must beat black-box transfer"
assert robust_adv > robust_std + 0.3, "adversarial training buys real robustness"
assert 0.02 < clean_std - clean_adv < 0.08, "at a price in clean accuracy"
