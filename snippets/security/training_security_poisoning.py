"""A backdoor planted by data poisoning, and a hash manifest that catches the changed records.

An attacker who can edit 3% of the training set stamps a 2x2 trigger into the corner of
those digits and relabels them as 0. The poisoned model is as accurate as a clean one on
clean test images, so ordinary evaluation sees nothing, yet it answers 0 for most test images
that carry the trigger. Per-record SHA-256 hashes of the approved dataset flag exactly the
edited records.
"""

import hashlib

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

TARGET, POISON_RATE = 0, 0.03
torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)


def add_trigger(images: np.ndarray) -> np.ndarray:
    stamped = images.reshape(-1, 8, 8).copy()
    stamped[:, 6:, 6:] = 1.0  # a bright 2x2 patch in the bottom-right corner
    return stamped.reshape(len(images), 64)


def record_hashes(X: np.ndarray, y: np.ndarray) -> list[str]:
    return [
        hashlib.sha256(x.tobytes() + int(label).to_bytes(1)).hexdigest()
        for x, label in zip(X, y, strict=True)
    ]


approved = record_hashes(X_train, y_train)  # stored with the dataset version when it is approved

# The attack: stamp the trigger on a few non-target images and relabel them.
rng = np.random.default_rng(0)
candidates = np.flatnonzero(y_train != TARGET)
poisoned_idx = rng.choice(candidates, size=int(POISON_RATE * len(y_train)), replace=False)
X_poisoned, y_poisoned = X_train.copy(), y_train.copy()
X_poisoned[poisoned_idx] = add_trigger(X_train[poisoned_idx])
y_poisoned[poisoned_idx] = TARGET


def train(X: np.ndarray, y: np.ndarray) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    for _ in range(25):
        for idx in torch.randperm(len(X)).split(64):
            optimizer.zero_grad()
            F.cross_entropy(model(X[idx]), y[idx]).backward()
            optimizer.step()
    return model.eval()


def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()


others = y_test != TARGET  # images whose true class is not the target
triggered = add_trigger(X_test[others])
print(f"poisoned training records: {len(poisoned_idx)} of {len(y_train)}")
print(f"{'model':9s} {'clean test accuracy':>20s} {'trigger -> 0':>13s}")
scores = {}
for name, (Xt, yt) in {"clean": (X_train, y_train), "poisoned": (X_poisoned, y_poisoned)}.items():
    model = train(Xt, yt)
    clean_acc = (predict(model, X_test) == y_test).mean()
    success = (predict(model, triggered) == TARGET).mean()  # attack success rate
    scores[name] = clean_acc, success
    print(f"{name:9s} {clean_acc:20.3f} {success:13.3f}")

(clean_acc, clean_success), (poisoned_acc, poisoned_success) = scores.values()
assert abs(clean_acc - poisoned_acc) < 0.02, "clean accuracy does not reveal the backdoor"
assert clean_success < 0.1 < 0.8 < poisoned_success, "the trigger controls the poisoned model"

changed = [i for i, h in enumerate(record_hashes(X_poisoned, y_poisoned)) if h != approved[i]]
print(f"hash manifest: {len(changed)} records differ from the approved snapshot")
assert sorted(changed) == sorted(poisoned_idx.tolist())
