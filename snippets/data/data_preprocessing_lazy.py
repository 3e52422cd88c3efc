"""Data larger than memory: write it to a .npy file chunk by chunk, fit the scaler on the
training rows chunk by chunk (partial_fit), and read rows lazily from a memory-mapped
file in a PyTorch Dataset, with DataLoader worker processes doing the reading.
"""

import os
import tempfile

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, Dataset

N_ROWS, N_FEATURES, CHUNK = 20_000, 64, 4_000
N_TRAIN = 16_000  # rows [0, 16000) train, the rest validation (rows are in random order)


class MemmapDataset(Dataset):
    """Holds a file path and the scaler's statistics, never the data itself."""

    def __init__(self, path: str, rows: range, mean: np.ndarray, scale: np.ndarray):
        self.path, self.rows = path, rows
        self.mean, self.scale = mean.astype(np.float32), scale.astype(np.float32)
        self.features = None  # opened lazily, once per worker process

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int):
        if self.features is None:
            self.features = np.load(self.path, mmap_mode="r")  # maps the file, reads nothing
        row = self.features[self.rows[i]]  # touches only the disk pages holding this row
        x = (row[:-1] - self.mean) / self.scale  # the training split's statistics
        return torch.from_numpy(x), torch.tensor(int(row[-1]))  # (features, label)


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "data.npy")
    # Write without ever holding the whole array: open_memmap creates the file on disk.
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(N_ROWS, N_FEATURES + 1)
    )
    rng = np.random.default_rng(0)
    w = rng.standard_normal(N_FEATURES)
    for start in range(0, N_ROWS, CHUNK):
        x = rng.normal(loc=5.0, scale=3.0, size=(CHUNK, N_FEATURES))
        out[start : start + CHUNK, :-1] = x
        out[start : start + CHUNK, -1] = (x - 5.0) @ w > 0  # the label, last column
    out.flush()
    del out
    print(f"file: {N_ROWS} x {N_FEATURES + 1} float32, {os.path.getsize(path) / 1e6:.1f} MB")

    data = np.load(path, mmap_mode="r")
    assert isinstance(data, np.memmap)
    scaler = StandardScaler()
    for start in range(0, N_TRAIN, CHUNK):  # training rows only, one chunk in memory at a time
        scaler.partial_fit(data[start : start + CHUNK, :-1])
    reference = StandardScaler().fit(data[:N_TRAIN, :-1])  # in memory, for the check only
    same = np.allclose(scaler.mean_, reference.mean_) and np.allclose(
        scaler.scale_, reference.scale_
    )
    print(f"scaler fitted in chunks of {CHUNK} rows equals the in-memory fit: {same}")

    train_set = MemmapDataset(path, range(N_TRAIN), scaler.mean_, scaler.scale_)
    loader = DataLoader(
        train_set,
        batch_size=512,
        shuffle=True,
        num_workers=2,  # two processes read and standardize rows in parallel
        pin_memory=torch.cuda.is_available(),  # faster host-to-GPU copies; only with a GPU
        generator=torch.Generator().manual_seed(0),
    )
    shapes, total, total_sq, n_seen, positives = [], 0.0, 0.0, 0, 0
    for xb, yb in loader:
        shapes.append(tuple(xb.shape))
        total += xb.double().sum().item()
        total_sq += (xb.double() ** 2).sum().item()
        n_seen += xb.shape[0]
        positives += int(yb.sum())
    mean = total / (n_seen * N_FEATURES)
    std = (total_sq / (n_seen * N_FEATURES) - mean**2) ** 0.5
    print(f"one epoch: {len(shapes)} batches, {n_seen} rows, batch shape {shapes[0]}")
    print(f"standardized training features: mean {abs(mean):.3f}, std {std:.3f}")
    print(
        f"Dataset object in the main process opened its own map: {train_set.features is not None}"
    )
    assert same and n_seen == N_TRAIN and abs(mean) < 1e-3 and abs(std - 1) < 1e-3
    assert train_set.features is None  # each worker opened its own map; the parent's copy did not
    assert 0.4 < positives / n_seen < 0.6
    del data
