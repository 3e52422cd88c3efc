"""Hard and soft voting for PyTorch models, without labels at prediction time.

Three small MLPs (same architecture, different random seeds) are trained on digits;
their outputs are stacked into one tensor of shape [models, batch, classes] and
combined three ways.
"""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.4, stratify=y, random_state=0
)
X_train, X_test = (torch.tensor(a, dtype=torch.float32) for a in (X_train, X_test))
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)


def train_member(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(8):  # 8 short epochs
        for idx in torch.randperm(len(y_train)).split(64):
            optimizer.zero_grad()
            F.cross_entropy(model(X_train[idx]), y_train[idx]).backward()
            optimizer.step()
    return model.eval()


@torch.inference_mode()
def ensemble_logits(models: list[nn.Module], X: torch.Tensor) -> torch.Tensor:
    """[models, batch, classes]; the shape comes from the outputs, not from the labels."""
    return torch.stack([m(X) for m in models])


def hard_vote(logits: torch.Tensor) -> torch.Tensor:
    """The class most models pick. torch.mode would settle a tie (three models, three
    different classes) by silently returning the smallest class index; here a tie goes to
    the tied class with the highest mean probability (the mean is below 1, so it never
    overrides a real majority)."""
    votes = F.one_hot(logits.argmax(dim=2), logits.shape[2]).sum(dim=0)  # [batch, classes]
    return (votes + logits.softmax(dim=2).mean(dim=0)).argmax(dim=1)


def soft_vote(logits: torch.Tensor) -> torch.Tensor:
    return logits.softmax(dim=2).mean(dim=0).argmax(dim=1)  # average the probabilities


models = [train_member(seed) for seed in range(3)]  # diversity from the seeds alone
logits = ensemble_logits(models, X_test)
print("logits:", tuple(logits.shape), "= (models, batch, classes)")
accuracy = {
    f"member {i + 1}": (lg.argmax(1) == y_test).float().mean().item() for i, lg in enumerate(logits)
}
picks = logits.argmax(dim=2)
ties = (picks[0] != picks[1]) & (picks[1] != picks[2]) & (picks[0] != picks[2])
print(f"three-way disagreements (ties) in the test set: {int(ties.sum())}")
accuracy["hard voting"] = (hard_vote(logits) == y_test).float().mean().item()
accuracy["soft voting"] = (soft_vote(logits) == y_test).float().mean().item()
accuracy["mean of logits"] = (logits.mean(0).argmax(1) == y_test).float().mean().item()
for name, acc in accuracy.items():
    print(f"{name:15s} {acc:.3f}")

best_member = max(acc for name, acc in accuracy.items() if name.startswith("member"))
assert accuracy["soft voting"] > best_member, "the ensemble beats its best member"
assert accuracy["hard voting"] >= best_member
