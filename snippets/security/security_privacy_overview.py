"""A loss-threshold membership-inference attack: was this record in the training set?

An overfitted model has a much lower loss on its training records than on unseen ones, so an
attacker who only sees the model's loss on a record can guess membership better than a coin
flip. The same network stopped early (restoring its best validation checkpoint) generalizes
better and leaks much less.
"""

import copy

import matplotlib
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from torch import nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)

torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead
X, y = make_classification(
    n_samples=2000, n_features=20, n_informative=8, flip_y=0.1, random_state=0
)  # 10% of the labels are noise: the records a model can only memorize
X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
members, non_members, val, test = perm[:500], perm[500:1000], perm[1000:1250], perm[1250:]


def train(patience: int | None, steps: int = 200) -> nn.Module:
    """Full-batch AdamW on the members only; with `patience`, early stopping on `val`."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(20, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2)
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    best_loss, best_state, best_step = float("inf"), None, 0
    for step in range(steps if patience is None else 2000):
        model.train()
        optimizer.zero_grad()
        F.cross_entropy(model(X[members]), y[members]).backward()
        optimizer.step()
        if patience is None:
            continue
        model.eval()
        with torch.no_grad():
            val_loss = F.cross_entropy(model(X[val]), y[val]).item()
        if val_loss < best_loss:
            best_loss, best_state, best_step = val_loss, copy.deepcopy(model.state_dict()), step
        elif step - best_step >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return model.eval()


def per_record_loss(model: nn.Module, idx: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return F.cross_entropy(model(X[idx]), y[idx], reduction="none").numpy()


def accuracy(model: nn.Module, idx: torch.Tensor) -> float:
    with torch.no_grad():
        return (model(X[idx]).argmax(1) == y[idx]).float().mean().item()


def membership_attack(model: nn.Module) -> tuple[float, float]:
    """Guess "member" when the loss is below a threshold. The threshold is tuned on half of the
    members and non-members (the attacker's own labeled examples), the accuracy is measured on
    the other half; 0.5 means the attack learns nothing."""
    loss_in, loss_out = per_record_loss(model, members), per_record_loss(model, non_members)
    half = len(loss_in) // 2

    def balanced_accuracy(t: float, sl: slice) -> float:
        return ((loss_in[sl] < t).mean() + (loss_out[sl] >= t).mean()) / 2

    candidates = np.quantile(np.r_[loss_in[:half], loss_out[:half]], np.linspace(0, 1, 201))
    threshold = max(candidates, key=lambda t: balanced_accuracy(t, slice(None, half)))
    attack_acc = balanced_accuracy(threshold, slice(half, None))
    is_member = np.r_[np.ones(len(loss_in)), np.zeros(len(loss_out))]
    auc = roc_auc_score(is_member, -np.r_[loss_in, loss_out])  # lower loss = more likely member
    return float(attack_acc), float(auc)


print("500 members (training set), 500 non-members from the same distribution")
print(f"{'model':15s} {'train acc':>9s} {'test acc':>9s} {'attack acc':>11s} {'attack AUC':>11s}")
results = {}
fig, axes = plt.subplots(1, 2, figsize=(7, 2.8), sharey=True)
for ax, (name, patience) in zip(axes, (("overfitted", None), ("early stopping", 20)), strict=True):
    model = train(patience)
    bins = np.linspace(-6, 1.5, 31)  # log10 of the per-record loss
    for idx, label in ((members, "members"), (non_members, "non-members")):
        log_loss = np.log10(np.maximum(per_record_loss(model, idx), 1e-6))
        ax.hist(log_loss, bins=bins, alpha=0.6, label=label)
    ax.set_title(name, fontsize=10)
    ax.set_xlabel("log10(loss) per record")
    results[name] = accuracy(model, members), accuracy(model, test), *membership_attack(model)
    train_acc, test_acc, attack_acc, auc = results[name]
    print(f"{name:15s} {train_acc:9.3f} {test_acc:9.3f} {attack_acc:11.3f} {auc:11.3f}")

axes[0].set_ylabel("records")
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig("security_privacy_overview.png", dpi=100)
plt.close(fig)

_, test_over, attack_over, auc_over = results["overfitted"]
_, test_reg, attack_reg, auc_reg = results["early stopping"]
assert attack_over > 0.6, "the overfitted model leaks membership"
assert attack_reg < 0.55 and auc_reg < auc_over, "regularization leaks much less"
assert test_reg >= test_over, "and generalizes at least as well"
