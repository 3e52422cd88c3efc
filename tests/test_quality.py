"""Lint and format (ruff, including its security rules) and the GitHub workflows (actionlint)."""

from __future__ import annotations

import ast
import re
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


NOQA_SECURITY = re.compile(r"#\s*noqa:\s*(?P<codes>S\d+(?:\s*,\s*[A-Z]+\d+)*)(?P<reason>.*)$")


def test_security_exceptions_in_snippets_say_why():
    """Readers copy snippets: each silenced security rule (ruff S) carries its reason inline."""
    unjustified = []
    for path in content.snippet_files():
        for number, line in enumerate(content.read_text(path).splitlines(), 1):
            match = NOQA_SECURITY.search(line)
            if match and len(match["reason"].strip(" -—:")) < 8:
                unjustified.append(f"{path.relative_to(content.ROOT)}:{number}: {line.strip()}")
    assert not unjustified, (
        "security rule silenced without a reason; write why after it "
        "(`# noqa: S311 - test data, not cryptography`):\n" + "\n".join(unjustified)
    )


def _unsafe_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        keywords = {k.arg: k.value for k in node.keywords}
        weights_only = keywords.get("weights_only")
        if name == "torch.load" and not (
            isinstance(weights_only, ast.Constant) and weights_only.value is True
        ):
            found.append((node.lineno, "torch.load without weights_only=True"))
        if name in {"pickle.load", "pickle.loads", "eval", "exec"}:
            found.append((node.lineno, f"{name}()"))
        verify = keywords.get("verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            found.append((node.lineno, "TLS verification turned off (verify=False)"))
        if name.endswith("_create_unverified_context"):
            found.append((node.lineno, "TLS verification turned off"))
    return found


def unsafe_calls_in_snippets() -> list[str]:
    unsafe = []
    for path in content.snippet_files():
        tree = ast.parse(content.read_text(path))
        for line, what in _unsafe_calls(tree):
            unsafe.append(f"{path.relative_to(content.ROOT)}:{line}: {what}")
    return unsafe


def test_snippets_load_models_safely():
    """torch.load always with weights_only=True; no pickle.load, eval or exec; TLS stays on.

    Parsed in a fresh interpreter: CPython 3.11.7's ast.parse can raise "AST constructor
    recursion depth mismatch" in a process where a RecursionError happened before."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_quality; "
        "print('\\n'.join(test_quality.unsafe_calls_in_snippets()))"
    )
    tests = str(Path(__file__).resolve().parent)
    proc = subprocess.run(
        [sys.executable, "-c", code, tests, str(content.ROOT / "scripts")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"the check itself failed:\n{proc.stderr[-3000:]}"
    unsafe = proc.stdout.strip()
    assert not unsafe, f"unsafe calls in snippets readers copy:\n{unsafe}"
