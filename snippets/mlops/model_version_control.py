"""Versioning a model with its data, config and code: a small content-addressed registry.

Each entry records SHA-256 hashes of the saved weights and of the training data, the config,
the metrics and the environment. Retraining with the same seed and config reproduces the
weights' hash exactly (so it is not a new version); changing one hyperparameter or one label
changes the hashes.
"""

import hashlib
import inspect
import json
import platform
import tempfile
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch import nn


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):  # 1 MiB at a time: works for GBs
            digest.update(chunk)
    return digest.hexdigest()


def sha256_arrays(*arrays: np.ndarray) -> str:
    """Hash of the values, with dtype and shape, so that [1, 2] and [[1], [2]] differ."""
    digest = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype}|{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def sha256_weights(state_dict: dict) -> str:
    """Hash of the tensor names and values, independent of the file format."""
    digest = hashlib.sha256()
    for k in sorted(state_dict):
        digest.update(f"{k}|".encode())  # a renamed or swapped tensor must change the hash
        digest.update(sha256_arrays(state_dict[k].numpy()).encode())
    return digest.hexdigest()


def train(config: dict, X: np.ndarray, y: np.ndarray):
    torch.manual_seed(config["seed"])
    X_tr, X_val, y_tr, y_val = train_test_split(
        X, y, test_size=0.2, random_state=config["seed"], stratify=y
    )
    mean, std = X_tr.mean(0), X_tr.std(0)
    X_tr, X_val = (torch.tensor((a - mean) / std, dtype=torch.float32) for a in (X_tr, X_val))
    y_tr, y_val = torch.tensor(y_tr, dtype=torch.float32), torch.tensor(y_val)
    model = nn.Sequential(
        nn.Linear(30, config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 1)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"])
    for _ in range(config["steps"]):
        optimizer.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(model(X_tr).squeeze(1), y_tr).backward()
        optimizer.step()
    with torch.no_grad():
        acc = ((model(X_val).squeeze(1) > 0).long() == y_val).float().mean().item()
    return model.state_dict(), {"val_accuracy": round(acc, 4)}


def register(registry: list, root: Path, name: str, config: dict, X, y) -> dict:
    """Train, save, hash, and append an entry unless the same artifact with the same lineage
    (weights, data, config and code) is already there."""
    state_dict, metrics = train(config, X, y)
    run_dir = root / f"run{len(list(root.glob('run*'))) + 1}"
    run_dir.mkdir()
    torch.save(state_dict, run_dir / "model.pt")  # always the same file name: see below
    entry = {
        "name": name,
        "model_file": "model.pt",
        "model_sha256": sha256_file(run_dir / "model.pt"),
        "weights_sha256": sha256_weights(state_dict),
        "data_sha256": sha256_arrays(X, y),
        "config": config,
        "config_sha256": hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest(),
        "metrics": metrics,
        # the training code; in a repository, the git commit
        "code_sha256": hashlib.sha256(inspect.getsource(train).encode()).hexdigest(),
        "environment": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    (run_dir / "manifest.json").write_text(json.dumps(entry, indent=2, sort_keys=True))
    # Deduplicate on the weights *and* their lineage: identical weights from other data or
    # another config would otherwise be filed under the old version and lose their history.
    key = ("model_sha256", "data_sha256", "config_sha256", "code_sha256")
    same = [e for e in registry if all(e[k] == entry[k] for k in key)]
    if same:
        entry["version"] = same[0]["version"]  # content-addressed: nothing new to register
    else:
        entry["version"] = len({e["version"] for e in registry}) + 1
        registry.append(entry)
    return entry


X, y = load_breast_cancer(return_X_y=True)
base = {"seed": 0, "hidden": 16, "lr": 0.01, "steps": 150}
registry: list = []
with tempfile.TemporaryDirectory() as tmp:
    root = Path(tmp)
    v1 = register(registry, root, "cancer-mlp", base, X, y)
    again = register(registry, root, "cancer-mlp", base, X, y)  # retrain: same seed, config
    lr_changed = register(registry, root, "cancer-mlp", {**base, "lr": 0.03}, X, y)
    y_edited = y.copy()
    y_edited[0] = 1 - y_edited[0]  # one label corrected (or corrupted) in the data
    data_changed = register(registry, root, "cancer-mlp", base, X, y_edited)

    # The bytes of a .pt file depend on its name (torch stores it inside the zip archive):
    state_dict, _ = train(base, X, y)
    torch.save(state_dict, root / "model.pt")
    torch.save(state_dict, root / "best.pt")
    file_hashes_equal = sha256_file(root / "model.pt") == sha256_file(root / "best.pt")
    manifest_fields = sorted(json.loads((root / "run1" / "manifest.json").read_text()))

print(f"data sha256 {v1['data_sha256'][:12]}..., config sha256 {v1['config_sha256'][:12]}...")
print(f"manifest fields: {', '.join(manifest_fields)}")
print(f"{'run':22s} {'version':>7s} {'val acc':>7s}  model / data / config hash as v1")
for label, e in [
    ("v1: seed 0, lr 0.01", v1),
    ("retrain, same config", again),
    ("lr 0.01 -> 0.03", lr_changed),
    ("one label changed", data_changed),
]:
    flags = [e[k] == v1[k] for k in ("model_sha256", "data_sha256", "config_sha256")]
    print(
        f"{label:22s} {e['version']:7d} {e['metrics']['val_accuracy']:7.3f}  "
        + " / ".join("same" if f else "DIFFERENT" for f in flags)
    )
print(f"same weights as model.pt and best.pt: file hashes equal {file_hashes_equal}, "
      f"tensor hashes equal {sha256_weights(state_dict) == v1['weights_sha256']}")  # fmt: skip
print(f"registry: {len(registry)} versions")

assert again["model_sha256"] == v1["model_sha256"] and again["version"] == 1
assert (
    lr_changed["model_sha256"] != v1["model_sha256"]
    and lr_changed["data_sha256"] == v1["data_sha256"]
)
assert data_changed["data_sha256"] != v1["data_sha256"]
assert data_changed["config_sha256"] == v1["config_sha256"]
assert not file_hashes_equal and sha256_weights(state_dict) == v1["weights_sha256"]
assert len(registry) == 3
