"""Checkpoint and resume: a run that crashes mid-epoch, then resumes from its last checkpoint,
ends with bit-for-bit the same weights as a run that never stopped.

A checkpoint holds the full training state: model, optimizer, LR scheduler, position (epoch,
batches done), and every random generator (torch, numpy, random, the DataLoader's generator).
It is written atomically (temp file, fsync, os.replace) and loaded with weights_only=True.
"""

import os
import pickle
import random
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS, BATCH, SAVE_EVERY, KEEP_LAST = 3, 16, 10, 2


class SimulatedCrash(Exception):
    """Stands for a killed process, an OOM or a lost node."""


def make_dataset() -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(200, 8, generator=g)  # 200 samples: 13 batches per epoch
    return TensorDataset(X, (X[:, 0] + X[:, 1] > 0).long())


def build():
    """Everything a fresh process builds before it trains (or resumes)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
    loader_gen = torch.Generator().manual_seed(0)  # drives the shuffle order
    loader = DataLoader(make_dataset(), batch_size=BATCH, shuffle=True, generator=loader_gen)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=1e-2, total_steps=EPOCHS * len(loader)
    )
    return model, optimizer, scheduler, loader, loader_gen


def rng_states(np_rng: np.random.Generator) -> dict:
    return {
        "torch": torch.get_rng_state(),  # add torch.cuda.get_rng_state_all() on GPUs
        "numpy": np_rng.bit_generator.state,  # a dict of ints: no allowlisting needed
        "random": random.getstate(),
    }


def set_rng_states(states: dict, np_rng: np.random.Generator) -> None:
    torch.set_rng_state(states["torch"])
    np_rng.bit_generator.state = states["numpy"]
    random.setstate(states["random"])


def save_atomically(state: dict, path: Path) -> None:
    """A crash during the write leaves only a *.tmp file, never a torn checkpoint."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())  # on disk before the rename makes it visible
    os.replace(tmp, path)  # atomic on POSIX within one file system; not guaranteed on Windows
    for old in sorted(path.parent.glob("step_*.pt"))[:-KEEP_LAST]:
        old.unlink()  # keep only the last KEEP_LAST checkpoints


def train(ckpt_dir: Path, crash_at: int | None = None, resume: bool = False, restore_rng=True):
    random.seed(0)
    np_rng = np.random.default_rng(0)
    model, optimizer, scheduler, loader, loader_gen = build()
    start_epoch, skip, step = 0, 0, 0
    if resume:
        torch.manual_seed(1234)  # a new process starts from other random states
        latest = sorted(ckpt_dir.glob("step_*.pt"))[-1]  # *.pt.tmp leftovers are ignored
        ckpt = torch.load(latest, weights_only=True)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        start_epoch, skip, step = ckpt["epoch"], ckpt["batches_done"], ckpt["step"]
        loader_gen.set_state(ckpt["loader_gen_at_epoch_start"])
        if restore_rng:
            set_rng_states(ckpt["rng"], np_rng)
        print(
            f"resumed from {latest.name}: epoch {start_epoch}, batch {skip} of {len(loader)}, "
            f"RNG states {'restored' if restore_rng else 'NOT restored'}"
        )
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(start_epoch, EPOCHS):
        gen_at_epoch_start = loader_gen.get_state()  # replays this epoch's shuffle order
        for batch, (X, y) in enumerate(loader):
            if epoch == start_epoch and batch < skip:
                continue  # fast-forward to the checkpoint's position in the epoch
            if step == crash_at:
                (ckpt_dir / f"step_{step:06d}.pt.tmp").write_bytes(b"half a checkpoint")
                raise SimulatedCrash(f"killed at step {step}")
            # augmentations that draw from numpy and from random
            X = X + torch.from_numpy(np_rng.normal(0, 0.05, X.shape).astype(np.float32))
            X[:, random.randrange(X.shape[1])] = 0  # noqa: S311  augmentation, not crypto
            optimizer.zero_grad()
            loss_fn(model(X), y).backward()  # dropout uses torch's RNG
            optimizer.step()
            scheduler.step()
            step += 1
            if step % SAVE_EVERY == 0:
                state = {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "epoch": epoch,
                    "batches_done": batch + 1,
                    "step": step,
                    "loader_gen_at_epoch_start": gen_at_epoch_start,
                    "rng": rng_states(np_rng),
                }
                save_atomically(state, ckpt_dir / f"step_{step:06d}.pt")
    return model.state_dict(), step


def max_diff(a: dict, b: dict) -> float:
    return max((a[k] - b[k]).abs().max().item() for k in a)


with tempfile.TemporaryDirectory() as tmp:
    clean_dir, crash_dir = Path(tmp, "clean"), Path(tmp, "crash")
    clean_dir.mkdir()
    crash_dir.mkdir()
    reference, steps = train(clean_dir)
    print(f"uninterrupted run: {EPOCHS} epochs, {steps} steps")

    try:
        train(crash_dir, crash_at=35)
    except SimulatedCrash as crash:
        print(f"crash: {crash}")
    print("on disk:", ", ".join(sorted(p.name for p in crash_dir.iterdir())))

    resumed, _ = train(crash_dir, resume=True)
    same = all(torch.equal(reference[k], resumed[k]) for k in reference)
    print(f"  -> weights equal the uninterrupted run (torch.equal): {same}")

    no_rng, _ = train(crash_dir, resume=True, restore_rng=False)
    differs = not all(torch.equal(reference[k], no_rng[k]) for k in reference)
    diff = max_diff(reference, no_rng)
    print(f"  -> differs from the uninterrupted run, max |diff| = {diff:.3f}")

    # weights_only=True refuses anything beyond tensors and plain Python types, e.g. a metric
    # kept as a numpy scalar; store float(value) instead, or allowlist what the file needs.
    metric_file = Path(tmp, "metric.pt")
    torch.save({"best_acc": np.float64(0.9)}, metric_file)
    try:
        torch.load(metric_file, weights_only=True)
        refused = False
    except pickle.UnpicklingError:
        refused = True
    needed = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(metric_file))
    print(f"np.float64 in a checkpoint refused: {refused}; it needs {', '.join(needed)}")

assert same, "resuming must reproduce the uninterrupted run bit for bit"
assert differs, "without the RNG states the resumed run takes a different path"
assert refused, "weights_only=True must refuse numpy objects"
