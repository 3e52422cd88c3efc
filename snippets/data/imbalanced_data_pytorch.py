"""Class imbalance in PyTorch: a weighted loss (CrossEntropyLoss(weight=...)) versus
re-balanced batches (WeightedRandomSampler), against a plain loss, on 5% positives.
"""

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score, balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

X, y = make_classification(
    n_samples=6000, n_features=20, n_informative=5, weights=[0.95, 0.05], random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)  # fitted on the training split only
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train)
train_set = TensorDataset(X_train, y_train)

counts = torch.bincount(y_train)  # samples per class
class_weights = len(y_train) / (len(counts) * counts.float())  # = sklearn's "balanced"
print(
    f"class counts {counts.tolist()}, loss weights {[round(w, 3) for w in class_weights.tolist()]}"
)


def train(loss_fn: nn.Module, loader: DataLoader, epochs: int = 8) -> nn.Module:
    torch.manual_seed(0)  # the same initial weights for every variant
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    return model.eval()


def shuffled_loader() -> DataLoader:
    return DataLoader(
        train_set, batch_size=512, shuffle=True, generator=torch.Generator().manual_seed(0)
    )


# WeightedRandomSampler: each sample is drawn with probability proportional to its weight;
# 1 / (its class count) makes both classes equally likely. replacement=True means the
# minority rows are drawn again and again (about 9 times per epoch here).
sample_weights = (1.0 / counts.float())[y_train]
sampler = WeightedRandomSampler(
    sample_weights,
    num_samples=len(train_set),
    replacement=True,
    generator=torch.Generator().manual_seed(0),
)
balanced_loader = DataLoader(train_set, batch_size=512, sampler=sampler)
drawn_idx = torch.tensor(list(sampler))  # one epoch of the sampler's indices
share = y_train[drawn_idx].float().mean()
repeats = (y_train[drawn_idx] == 1).sum() / counts[1]
negatives_seen = len(set(drawn_idx[y_train[drawn_idx] == 0].tolist())) / counts[0]
print(f"share of positives in an epoch: shuffled {y_train.float().mean():.3f}, sampler {share:.3f}")
print(
    f"sampler epoch: each positive drawn {repeats:.1f} times on average, "
    f"{1 - negatives_seen:.0%} of the negatives not drawn at all"
)

variants = {
    "plain CrossEntropyLoss": train(nn.CrossEntropyLoss(), shuffled_loader()),
    "CrossEntropyLoss(weight=w)": train(
        nn.CrossEntropyLoss(weight=class_weights), shuffled_loader()
    ),
    "WeightedRandomSampler": train(nn.CrossEntropyLoss(), balanced_loader),
}
print(f"{'test split':28s} {'recall':>6s} {'bal.acc':>7s} {'PR-AUC':>6s}")
results = {}
for name, model in variants.items():
    with torch.inference_mode():
        proba = model(X_test).softmax(dim=1)[:, 1].numpy()
    y_pred = (proba >= 0.5).astype(int)  # argmax for two classes
    results[name] = (
        recall_score(y_test, y_pred),
        balanced_accuracy_score(y_test, y_pred),
        average_precision_score(y_test, proba),
    )
    print(f"{name:28s} {results[name][0]:6.3f} {results[name][1]:7.3f} {results[name][2]:6.3f}")

plain = results["plain CrossEntropyLoss"]
assert 0.4 < share < 0.6  # the sampler balances the batches
for name in ("CrossEntropyLoss(weight=w)", "WeightedRandomSampler"):
    recall, bal_acc, _ = results[name]
    assert recall > plain[0] + 0.2 and bal_acc > plain[1] + 0.05, name
# the weights are scikit-learn's "balanced" ones, n / (k * n_c)
assert np.allclose(
    class_weights, compute_class_weight("balanced", classes=np.arange(2), y=y_train.numpy())
)
# neither fix improves the ranking: PR-AUC does not rise above the plain model's
assert max(results[name][2] for name in results) <= plain[2]
