"""Topic notebooks, generated from the question pages and their snippets.

One notebook per topic and language: the topic's title, then for every question its
title, its 30-second answer and its snippets as code cells. The site build renders them
with mkdocs-jupyter (scripts/site_hooks/notebooks.py); nothing generated is committed.

    python scripts/notebooks.py build/notebooks   # write them all, e.g. to run them
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

NOTEBOOK_NAME = "notebook.ipynb"
INTRO = {
    "zh": "本 notebook 由题库页面和它们的代码片段自动生成，每段代码都可以单独运行。",
    "en": "Generated from the bank's pages and their snippets; every code cell runs on its own.",
}


def _cell(kind: str, text: str) -> dict:
    cell = {
        "cell_type": kind,
        "metadata": {},
        "source": text.rstrip("\n").splitlines(keepends=True),
    }
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def section(page: content.Page, title: str) -> str:
    """The Markdown under the H2 `title`, up to the next H2."""
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", page.body, re.M | re.S)
    return match.group(1).strip() if match else ""


def topic_notebook(topic: str, lang: str) -> dict | None:
    """The notebook of one topic in one language; None when the topic has no questions."""
    order = nav_order()
    pages = [p for p in content.question_pages(lang) if p.topic == topic]
    if not pages:
        return None
    pages.sort(key=lambda p: order.get(f"{p.topic}/{p.stem}.md", 10**6))
    index = content.load_page(content.DOCS / topic / f"index.{lang}.md")
    cells = [_cell("markdown", f"# {index.title}\n\n{INTRO[lang]}")]
    short_answer = content.SECTIONS[lang][0]
    for page in pages:
        cells.append(_cell("markdown", f"## {page.title}\n\n{section(page, short_answer)}"))
        for include in page.includes:
            if include.endswith(".py"):
                code = content.read_text(content.ROOT / include)
                cells.append(_cell("markdown", f"`{include}`"))
                cells.append(_cell("code", code))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def topics() -> list[str]:
    return sorted({p.topic for p in content.question_pages()})


def write_all(out_dir: Path) -> list[Path]:
    """Write out_dir/<lang>/<topic>/notebook.ipynb for every topic and language."""
    written = []
    for lang in content.LANGS:
        for topic in topics():
            notebook = topic_notebook(topic, lang)
            if notebook is None:
                continue
            path = out_dir / lang / topic / NOTEBOOK_NAME
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(path)
    return written


def nav_order() -> dict[str, int]:
    order: dict[str, int] = {}

    def walk(node):
        if isinstance(node, str):
            order.setdefault(node, len(order))
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(content.mkdocs_config().get("nav", []))
    return order


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else content.ROOT / "build" / "notebooks"
    for path in write_all(target):
        print(path)
