#!/usr/bin/env python3
"""The site, built once per set of inputs: `mkdocs build --strict` into build/site/<key>/.

The key covers everything the build reads:

- the pages, the snippets with their outputs, the project's code and data, the theme
  overrides (every file under docs/, snippets/ and scripts/), mkdocs.yml and
  constraints.txt (the notebook pages' pins);
- the run records and figures the pages show (build/verify/manifest-*.json, build/figures/);
- the environment variables mkdocs.yml reads (SITE_URL, REPO_URL);
- the interpreter and every installed package with its version.

When nothing of that changed, the last build is used again, as the snippet runner's cache
does for snippets; the tests then check that HTML against the content as it is now
(tests/test_site.py), so a stale build could not pass unnoticed.

    python scripts/site_build.py    # build (or reuse) the site; print its folder
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402
import verify_cache  # noqa: E402

SITES = content.BUILD / "site"
SOURCES = ("docs", "snippets", "scripts")
ENV_READ = ("SITE_URL", "REPO_URL")
COMPLETE = ".complete"  # written last: a folder without it is an interrupted build


class BuildError(Exception):
    """mkdocs build --strict failed; the message holds what it reported."""


def _inputs() -> list[Path]:
    files = [content.ROOT / "mkdocs.yml", content.ROOT / "constraints.txt"]
    for folder in SOURCES:
        files += (content.ROOT / folder).rglob("*")
    files += (content.BUILD / "verify").glob("manifest-*.json")
    files += (content.BUILD / "figures").rglob("*.png")
    return sorted(f for f in files if f.is_file() and "__pycache__" not in f.parts)


def key() -> str:
    digest = hashlib.sha256(verify_cache.environment_fingerprint().encode())
    for name in ENV_READ:
        digest.update(f"{name}={os.environ.get(name, '')}\n".encode())
    for path in _inputs():
        digest.update(f"{path.relative_to(content.ROOT).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def build() -> Path:
    """The folder of a strict build of the current inputs (built now, or reused)."""
    target = SITES / key()
    if (target / COMPLETE).exists():
        return target
    SITES.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="building-", dir=SITES))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(scratch)],
        cwd=content.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        problems = [line for line in proc.stderr.splitlines() if not line.startswith("INFO")]
        raise BuildError("mkdocs build --strict failed:\n" + "\n".join(problems)[-4000:])
    (scratch / COMPLETE).write_text("")
    for old in SITES.iterdir():  # keep only the newest build
        if old != scratch:
            shutil.rmtree(old, ignore_errors=True)
    scratch.rename(target)
    return target


if __name__ == "__main__":
    try:
        print(build().relative_to(content.ROOT))
    except BuildError as exc:
        sys.exit(str(exc))
