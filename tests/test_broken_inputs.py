"""Broken content on purpose: each breakage fails, and the message names the file and the fix.

Each test copies the parts of the repository it needs to a temporary folder, breaks
something there, runs the same check the suite runs, and reads what it printed. (The
snippet runner's own failures, such as a snippet that raises, hangs, opens a connection,
writes outside its folder or prints something else than its recorded output, are broken
on purpose in tests/test_runner.py.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import content
import pytest

QUESTION = "training/overfitting"
# What any copy needs to run pytest: the fixtures, and the plugin pyproject.toml loads
TEST_SUPPORT = ("tests/conftest.py", "tests/interpreter_on_path.py")


def _copy(tmp: Path, *parts: str) -> Path:
    for part in parts:
        source = content.ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tmp / part)
    return tmp


def _pytest(root: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tb=short", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0, f"the broken copy passed:\n{proc.stdout[-3000:]}"
    return proc.stdout + proc.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found (the test's fixture changed?)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def broken_content(tmp_path_factory) -> str:
    """One copy with eight independent breakages, checked by tests/test_content.py."""
    root = _copy(
        tmp_path_factory.mktemp("broken"),
        "docs",
        "snippets",
        "scripts",
        *TEST_SUPPORT,
        "tests/test_content.py",
        "mkdocs.yml",
        "pyproject.toml",
    )
    docs = root / "docs"
    # 1. a zh page without its en twin, 2. an en page without its zh twin
    (docs / "training" / "orphan.zh.md").write_text("# 孤儿页\n", encoding="utf-8")
    (docs / "training" / "lonely.en.md").write_text("# Lonely\n", encoding="utf-8")
    # 3. an include of a snippet that does not exist
    _edit(
        docs / "evaluation" / "classification_metrics.en.md",
        '--8<-- "snippets/evaluation/classification_metrics.py"',
        '--8<-- "snippets/evaluation/classification_metric.py"',
    )
    # 4. an unknown front matter key, 5. an unknown tag, 6. an unknown level
    _edit(docs / f"{QUESTION}.en.md", "level: basic", "level: basic\nauthor: someone")
    _edit(
        docs / "training" / "common_training_problems.en.md",
        "  - overfitting\n",
        "  - overfittin\n",
    )
    _edit(docs / "training" / "hyperparameter_search.en.md", "level: intermediate", "level: expert")
    validation = docs / "evaluation" / "model_validation.en.md"
    # 7. a missing id
    _edit(validation, "id: model_validation\n", "")
    # 8. a duplicate id (zh pages carry the ids that must be unique)
    _edit(docs / "evaluation" / "model_validation.zh.md", "id: model_validation", "id: overfitting")
    return _pytest(root, "tests/test_content.py")


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(
            "docs/training/orphan.zh.md has no English twin: create docs/training/orphan.en.md",
            id="zh-without-en",
        ),
        pytest.param(
            "docs/training/lonely.en.md has no Chinese twin: create docs/training/lonely.zh.md",
            id="en-without-zh",
        ),
        pytest.param(
            "docs/evaluation/classification_metrics.en.md includes files that do not exist: "
            "['snippets/evaluation/classification_metric.py']",
            id="missing-include",
        ),
        pytest.param(
            "docs/training/overfitting.en.md: unknown front matter keys ['author']",
            id="unknown-key",
        ),
        pytest.param(
            "docs/training/common_training_problems.en.md: tags ['overfittin'] are not in "
            "scripts/data/tags.yml for 'en'",
            id="unknown-tag",
        ),
        pytest.param(
            "docs/training/hyperparameter_search.en.md: level 'expert' is not one of",
            id="unknown-level",
        ),
        pytest.param(
            "docs/evaluation/model_validation.en.md: front matter is missing ['id']",
            id="missing-id",
        ),
        pytest.param(
            "duplicate question ids: {'overfitting': ['docs/evaluation/model_validation.zh.md', "
            "'docs/training/overfitting.zh.md']}",
            id="duplicate-id",
        ),
    ],
)
def test_broken_content_fails_with_a_named_message(broken_content, message):
    assert message in broken_content, f"expected {message!r} in:\n{broken_content[-4000:]}"


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    root = _copy(tmp_path, "docs", "snippets", "scripts", *TEST_SUPPORT)
    _copy(root, "tests/test_content.py", "mkdocs.yml", "pyproject.toml")
    page = root / "docs" / f"{QUESTION}.en.md"
    page.write_bytes(page.read_bytes().replace(b"overfitting", "overfitting".encode("utf-16"), 1))
    output = _pytest(root, "tests/test_content.py")
    assert "docs/training/overfitting.en.md: not valid UTF-8" in output, output[-3000:]
    assert "Save it as UTF-8." in output


def test_a_seed_map_line_that_points_at_no_occurrence_is_named(tmp_path):
    root = _copy(tmp_path, "scripts")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "000_f76536a1d9375fd2.txt").write_text("### 1. 如何处理过拟合？\n", encoding="utf-8")
    with (root / "scripts" / "data" / "seed_map.yml").open("a", encoding="utf-8") as f:
        f.write("- at: 000_f76536a1d9375fd2.txt:9999\n  id: overfitting\n  text: 不存在\n")
    proc = subprocess.run(
        [sys.executable, str(root / "scripts" / "seed_map.py"), str(seeds)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert f"seed_map.yml: 000_f76536a1d9375fd2.txt:9999 is not an occurrence in {seeds}" in (
        proc.stdout
    ), proc.stdout[-3000:]
