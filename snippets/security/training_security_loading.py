"""Safe model loading: check the file's SHA-256, then torch.load(..., weights_only=True).

A PyTorch .pt file is a zip archive holding a pickle, and unpickling can call any function
the file names. We build such a file (its payload would only call print), show that the
call is visible in the pickle's opcodes, and that weights_only=True refuses to load it.
A checkpoint changed by one byte is caught by its hash before it is ever parsed.
"""

import hashlib
import pickle
import pickletools
import tempfile
import zipfile
from pathlib import Path

import torch
from torch import nn


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_checkpoint(path: Path, expected_sha256: str) -> dict:
    """Refuse a file whose hash differs from the one recorded when it was produced."""
    actual = sha256(path)
    if actual != expected_sha256:
        raise ValueError(f"{path.name}: SHA-256 mismatch, refusing to load")
    return torch.load(path, weights_only=True)  # tensors and plain containers only


class Payload:
    """What a malicious checkpoint contains: unpickling it would call print(...)."""

    def __reduce__(self):
        return print, ("arbitrary code ran while loading the model",)


def globals_called(path: Path) -> list[str]:
    """Scan the pickle inside a .pt archive for the globals it imports (without running it)."""
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith("data.pkl"))
        data = archive.read(name)
    # torch.save writes pickle protocol 2, where GLOBAL holds "module name" and Python 2's
    # "__builtin__" stands for "builtins".
    names = [arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"]
    return [n.replace("__builtin__ ", "builtins ").replace(" ", ".") for n in names]


torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))

with tempfile.TemporaryDirectory() as tmp:
    good = Path(tmp) / "model.pt"
    torch.save(model.state_dict(), good)
    recorded = sha256(good)  # published with the model (model card, registry, signed manifest)

    state = load_checkpoint(good, recorded)
    clone = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    clone.load_state_dict(state)
    pairs = zip(model.state_dict().values(), clone.state_dict().values(), strict=True)
    same = all(torch.equal(a, b) for a, b in pairs)
    print(f"trusted checkpoint: hash matches, weights identical: {same}")
    assert same

    tampered = Path(tmp) / "model_tampered.pt"
    blob = bytearray(good.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one byte changed, e.g. on a compromised mirror
    tampered.write_bytes(bytes(blob))
    try:
        load_checkpoint(tampered, recorded)
        raise AssertionError("a tampered checkpoint must not load")
    except ValueError as error:
        print(f"tampered checkpoint: {error}")

    evil = Path(tmp) / "evil.pt"
    torch.save({"weights": torch.zeros(3), "extra": Payload()}, evil)
    named = globals_called(evil)  # what a scanner (picklescan, modelscan) looks at
    print("globals named in evil.pt:", *named, sep="\n  ")
    assert named[-1] == "builtins.print"
    try:
        torch.load(evil, weights_only=True)
        outcome = "loaded (!)"
    except pickle.UnpicklingError as error:
        outcome = "UnpicklingError (print is not an allowed global)"
        assert "Unsupported global: GLOBAL print" in str(error)
    print(f"torch.load(evil.pt, weights_only=True): {outcome}")
    assert outcome.startswith("UnpicklingError")
