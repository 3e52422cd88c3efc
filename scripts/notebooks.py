"""Notebooks generated from the question pages and their snippets, per language.

- One per topic: the topic's title, then for every question its title, its 30-second
  answer and its snippets as code cells. The site renders them with mkdocs-jupyter
  (scripts/site_hooks/notebooks.py).
- One per question: its title, its 30-second answer, then its runnable-example section
  in order: the prose and headings as Markdown, each snippet as a code cell, each
  recorded output as Markdown. Offered as a download on the page
  (scripts/site_hooks/examples.py).

A snippet that starts processes with "spawn" (torch.distributed examples) cannot run as a
notebook cell, because the child processes import the code from a file; its cell writes
the snippet to a file and runs that. tests/test_notebooks.py executes every notebook.
Nothing generated is committed.

    python scripts/notebooks.py build/notebooks   # write them all, e.g. to run them
"""

from __future__ import annotations

import ast
import json
import re
import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

NOTEBOOK_NAME = "notebook.ipynb"
INTRO = {
    "zh": "本 notebook 由题库页面和它们的代码片段自动生成，每段代码都可以单独运行。",
    "en": "Generated from the bank's pages and their snippets; every code cell runs on its own.",
}
OUTPUT = {"zh": "输出：", "en": "Output:"}
OWN_PROCESS = {
    "zh": "这段代码用 spawn 启动子进程，子进程要从文件导入代码，所以先把它写成文件再运行。",
    "en": "This code starts processes with spawn, which import the code from a file, "
    "so the cell writes it to a file and runs that.",
}
SPAWNS = re.compile(r"\b(?:mp|multiprocessing)\.spawn\b|torch\.distributed|start_method")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def _cell(kind: str, text: str) -> dict:
    cell = {
        "cell_type": kind,
        "metadata": {},
        "source": text.rstrip("\n").splitlines(keepends=True),
    }
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def code_cells(include: str, lang: str) -> list[dict]:
    """The cells that run one snippet: the code itself, or, for spawn, a file and a run."""
    code = content.read_text(content.ROOT / include)
    if not SPAWNS.search(code):
        return [_cell("code", code)]
    name = include.rsplit("/", 1)[-1]
    run = (
        "import subprocess\nimport sys\n\n"
        f"run = subprocess.run([sys.executable, {name!r}], capture_output=True, text=True)\n"
        'print(run.stdout, end="")\nprint(run.stderr, end="", file=sys.stderr)\n'
        "run.check_returncode()"
    )
    return [
        _cell("markdown", OWN_PROCESS[lang]),
        _cell("code", f"%%writefile {name}\n{code}"),
        _cell("code", run),
    ]


def _notebook(cells: list[dict]) -> dict:
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:03d}"  # nbformat 4.5 requires an id per cell
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def question_notebook(page: content.Page) -> dict:
    """One question: title, short answer, and the runnable-example section in order."""
    short_answer, example = content.SECTIONS[page.lang][0], content.SECTIONS[page.lang][2]
    cells = [
        _cell("markdown", f"# {page.title}\n\n{INTRO[page.lang]}"),
        _cell("markdown", f"## {short_answer}\n\n{page.section(short_answer)}"),
    ]
    text = COMMENT.sub("", page.section(example))
    prose = [f"## {example}"]
    position = 0
    for fence in content.FENCE_RE.finditer(text):
        prose.append(text[position : fence.start()].strip())
        position = fence.end()
        includes = content.INCLUDE_RE.findall(fence.group(4))
        if not includes:
            prose.append(fence.group(0))
            continue
        if "\n\n".join(p for p in prose if p):
            cells.append(_cell("markdown", "\n\n".join(p for p in prose if p)))
        prose = []
        for include in includes:
            if include.endswith(".py"):
                cells += code_cells(include, page.lang)
            else:
                recorded = content.read_text(content.ROOT / include).rstrip("\n")
                cells.append(_cell("markdown", f"{OUTPUT[page.lang]}\n\n```text\n{recorded}\n```"))
    prose.append(text[position:].strip())
    if any(prose):
        cells.append(_cell("markdown", "\n\n".join(p for p in prose if p)))
    return _notebook(cells)


def topic_notebook(topic: str, lang: str) -> dict | None:
    """The notebook of one topic in one language; None when the topic has no questions."""
    order = content.nav_order()
    pages = [p for p in content.question_pages(lang) if p.topic == topic]
    if not pages:
        return None
    pages.sort(key=lambda p: order.get(f"{p.topic}/{p.stem}.md", 10**6))
    index = content.load_page(content.DOCS / topic / f"index.{lang}.md")
    cells = [_cell("markdown", f"# {index.title}\n\n{INTRO[lang]}")]
    short_answer = content.SECTIONS[lang][0]
    for page in pages:
        cells.append(_cell("markdown", f"## {page.title}\n\n{page.section(short_answer)}"))
        for include in page.includes:
            if include.endswith(".py"):
                cells.append(_cell("markdown", f"`{include}`"))
                cells += code_cells(include, lang)
    return _notebook(cells)


# Import names whose distribution on the package index has another name.
DISTRIBUTION = {"sklearn": "scikit-learn", "imblearn": "imbalanced-learn", "yaml": "PyYAML"}
CONSTRAINTS = content.ROOT / "constraints.txt"
JUPYTER = "ipykernel"  # what runs the notebook's cells in Jupyter or VS Code


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_versions() -> dict[str, str]:
    """Every package of constraints.txt (what the tests run with): normal name -> pin."""
    pins = {}
    for line in content.read_text(CONSTRAINTS).splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            pins[_normal(name)] = f"{name}=={version.strip()}"
    return pins


@cache
def imported_modules(code: str) -> frozenset[str]:
    """The top-level modules a snippet imports."""
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.split(".")[0])
    return frozenset(modules)


def requirements(includes: list[str]) -> list[str]:
    """The pinned `pip install` arguments that run these snippets in a notebook: the
    packages they import (the standard library is not in constraints.txt), and ipykernel."""
    pins = pinned_versions()
    modules = set()
    for include in includes:
        if include.endswith(".py"):
            modules |= imported_modules(content.read_text(content.ROOT / include))
    wanted = {_normal(DISTRIBUTION.get(m, m)) for m in modules} | {JUPYTER}
    return sorted((pins[name] for name in wanted if name in pins), key=str.lower)


def topic_requirements(topic: str, lang: str) -> list[str]:
    includes = [i for p in content.question_pages(lang) if p.topic == topic for i in p.includes]
    return requirements(includes)


def topics() -> list[str]:
    return sorted({p.topic for p in content.question_pages()})


def _write(path: Path, notebook: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(notebook, ensure_ascii=False, indent=1)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")  # unchanged files keep their mtime
    return path


def write_topics(out_dir: Path, lang: str) -> list[Path]:
    """Write out_dir/<lang>/<topic>/notebook.ipynb for every topic."""
    written = []
    for topic in topics():
        notebook = topic_notebook(topic, lang)
        if notebook is not None:
            written.append(_write(out_dir / lang / topic / NOTEBOOK_NAME, notebook))
    return written


def write_questions(out_dir: Path, lang: str) -> list[Path]:
    """Write out_dir/<lang>/<topic>/<question>.ipynb for every question page."""
    return [
        _write(out_dir / lang / page.topic / f"{page.stem}.ipynb", question_notebook(page))
        for page in content.question_pages(lang)
    ]


def write_all(out_dir: Path) -> list[Path]:
    """Every notebook, in both languages."""
    written = []
    for lang in content.LANGS:
        written += write_topics(out_dir, lang) + write_questions(out_dir, lang)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else content.NOTEBOOKS
    for path in write_all(target):
        print(path)
