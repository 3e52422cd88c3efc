"""The runner's result cache: a snippet that has not changed is not run again.

A cached result can never be stale, because its key covers everything that can change
what a snippet prints:

- the snippet's bytes, the device (cpu / cuda), the threads each snippet gets and the
  check (script or notebook cells: scripts/notebooks.py, which writes the cells, is
  part of the runner's code below);
- the runner and its sandbox (scripts/verify.py, scripts/verify_cache.py,
  scripts/sandbox/sitecustomize.py);
- the interpreter and every installed distribution with its version;
- the repository files the snippet read while it ran (the sandbox records them; an entry
  is used only while each of them still has the hash it had then).

Only passed runs are cached. A hit still goes through the same output check as a fresh
run: the stdout the snippet printed is compared with the `.out` file the page shows.
Entries live in <build>/verify/cache/<device>/; each snippet keeps only its newest entry per check.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import shutil
import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

RUNNER_FILES = [
    content.ROOT / "scripts" / "verify.py",
    content.ROOT / "scripts" / "verify_cache.py",
    content.ROOT / "scripts" / "sandbox" / "sitecustomize.py",
    content.ROOT / "scripts" / "notebooks.py",
]


def file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


@cache
def environment_fingerprint() -> str:
    """The runner's code, the interpreter, and every installed distribution's version."""
    digest = hashlib.sha256()
    for path in RUNNER_FILES:
        digest.update(file_hash(path).encode())
    digest.update(f"{sys.version}|{platform.machine()}|{platform.libc_ver()}".encode())
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}".lower()
        for dist in importlib.metadata.distributions()
    )
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()


def key(snippet: Path, device: str, threads: int, check: str) -> str:
    digest = hashlib.sha256()
    digest.update(environment_fingerprint().encode())
    digest.update(f"{device}|{threads}|{check}".encode())
    digest.update(snippet.read_bytes())
    return digest.hexdigest()[:32]


def _slug(rel: str) -> str:
    return rel.removeprefix("snippets/").removesuffix(".py").strip("/").replace("/", "__")


def _entry_path(build: Path, rel: str, device: str, check: str, entry_key: str) -> Path:
    return build / "verify" / "cache" / device / f"{_slug(rel)}.{check}.{entry_key}.json"


def lookup(
    build: Path, rel: str, snippet: Path, device: str, threads: int, check: str
) -> dict | None:
    """The cached result of this exact snippet, check and environment, or None."""
    path = _entry_path(build, rel, device, check, key(snippet, device, threads, check))
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for read, digest in entry.get("reads", {}).items():
        if file_hash(content.ROOT / read) != digest:
            return None  # a file it read has changed since
    figure = path.with_suffix(".png")
    entry["figure"] = figure if entry.get("has_figure") and figure.exists() else None
    if entry.get("has_figure") and entry["figure"] is None:
        return None
    return entry


def store(
    build: Path,
    rel: str,
    snippet: Path,
    device: str,
    threads: int,
    check: str,
    result: dict,
    reads: list[str],
    figure: Path | None,
) -> None:
    """Keep a passed result (stdout, seconds, date, files read, figure) for this snippet."""
    entry_key = key(snippet, device, threads, check)
    path = _entry_path(build, rel, device, check, entry_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{_slug(rel)}.{check}.*"):  # its older entries and figures
        old.unlink(missing_ok=True)
    entry = dict(result)
    entry["reads"] = {r: file_hash(content.ROOT / r) for r in sorted(set(reads))}
    entry["has_figure"] = figure is not None
    if figure is not None:
        shutil.copyfile(figure, path.with_suffix(".png"))
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entry, indent=1, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)  # a reader never sees half an entry
