"""The terminology table (scripts/data/terms.yml) as data and as glossary tables."""

from __future__ import annotations

from functools import cache

import content
import yaml

TERMS = content.DATA / "terms.yml"
HEADER = {"zh": "| 中文 | English | 讲解页面 |", "en": "| English | 中文 | Explained on |"}


@cache
def load() -> dict:
    return yaml.safe_load(TERMS.read_text(encoding="utf-8"))


def render(lang: str, from_page: str) -> str:
    """Markdown tables, one per group, for the glossary page at docs/`from_page`."""
    pages = {p.meta.get("id"): p for p in content.question_pages(lang)}
    data = load()
    other = "en" if lang == "zh" else "zh"
    parts = []
    for group, titles in data["groups"].items():
        rows = [HEADER[lang], "|---|---|---|"]
        for term in (t for t in data["terms"] if t["group"] == group):
            page = pages.get(term.get("page"))
            link = ""
            if page is not None:
                link = f"[{page.title}]({content.link_to(page, from_page)})"
            rows.append(f"| {term[lang]} | {term[other]} | {link} |")
        parts.append(f"## {titles[lang]}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)
