"""A pytest plugin (pyproject.toml: `-p interpreter_on_path`): `python` is this interpreter.

The tests and the README's code blocks (collected from the repository root, where no
conftest.py applies) call `python`. Whatever started pytest (the README command, an
activated venv, .venv/bin/pytest, python -m pytest), `python` on PATH is then the
interpreter running the tests, with the project's packages.
"""

import os
import sys
from pathlib import Path

os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
