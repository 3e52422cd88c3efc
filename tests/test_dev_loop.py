"""The test suite runs however a Python developer starts pytest.

`python3 scripts/dev.py test` puts the virtual environment first on PATH; `.venv/bin/pytest`
or `.venv/bin/python -m pytest` from a plain shell do not. The README's code blocks call
`python`, so they must still get this interpreter (tests/interpreter_on_path.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import content


def test_readme_blocks_pass_without_the_venv_on_path(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(["/usr/bin", "/bin"])  # no venv, no pyenv shims
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "README.md"],
        cwd=content.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (
        "README.md's code blocks fail when pytest is started without the venv on PATH:\n"
        + proc.stdout[-3000:]
    )
