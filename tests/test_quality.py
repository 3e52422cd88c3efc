"""Lint and format (ruff, including its security rules) and the GitHub workflows (actionlint)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import content

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert path, f"{name} is not installed: run `python3 scripts/dev.py test`, which installs it."
    return str(path)


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=content.ROOT, capture_output=True, text=True)


def test_ruff_lint():
    proc = _run(_tool("ruff"), "check", "--output-format", "concise", ".")
    assert proc.returncode == 0, (
        f"ruff found problems (fix them, or `ruff check --fix`):\n{proc.stdout}"
    )


def test_ruff_format():
    proc = _run(_tool("ruff"), "format", "--check", ".")
    assert proc.returncode == 0, f"files need formatting: run `ruff format .`\n{proc.stdout}"


def test_workflows_pass_actionlint():
    proc = _run(_tool("actionlint"))
    assert proc.returncode == 0, f"actionlint found problems in .github/workflows:\n{proc.stdout}"
