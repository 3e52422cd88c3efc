"""The terminology table (scripts/data/terms.yml) as data and as glossary tables.

Each term links to the question page that explains it: the row's `page` when the data
names one, else the page found in the bank, in both languages at once, so that the
Chinese and English glossaries link the same page:

1. a page whose title contains the term (zh or en);
2. else a page whose section headings contain it;
3. else a page whose tags name it;
4. else the page that uses the term most often (both languages counted).

Pages are compared in that order of evidence, then in the site's order. A term no page
mentions says so in its row ("not covered yet") instead of leaving the cell empty;
tests/test_site.py checks that every other row links a page.
"""

from __future__ import annotations

import re
from functools import cache

import content
import yaml

TERMS = content.DATA / "terms.yml"
HEADER = {"zh": "| 中文 | English | 讲解页面 |", "en": "| English | 中文 | Explained on |"}
NOT_COVERED = {"zh": "（题库尚未讲解）", "en": "(not covered yet)"}
HEADING = re.compile(r"^#{2,4} (.+?)\s*(?:\{[^}]*\})?$", re.M)


@cache
def load() -> dict:
    return yaml.safe_load(TERMS.read_text(encoding="utf-8"))


def _texts(page: content.Page) -> dict[str, str]:
    tags = content.vocabulary()
    labels = [tags.get(t, {}).get(page.lang, t) for t in page.meta.get("tags", [])]
    texts = {
        "title": page.title,
        "headings": "\n".join(HEADING.findall(page.body)),
        "tags": "\n".join(labels),
        "body": content.FENCE_RE.sub("", page.body),
    }
    return {field: text.lower() for field, text in texts.items()}  # plain, fast matching


def explaining_pages() -> dict[str, str]:
    """zh term -> id of the page that explains it (the data's `page`, or found)."""
    order = content.nav_order()
    pages = sorted(
        content.question_pages(),
        key=lambda p: order.get(f"{p.topic}/{p.stem}.md", 10**6),
    )
    texts = [(p.meta.get("id"), p.lang, _texts(p)) for p in pages]
    found = {}
    for term in load()["terms"]:
        if term.get("page"):
            found[term["zh"]] = term["page"]
            continue
        scores: dict[str, list[int]] = {}
        for pid, lang, text in texts:
            word = term[lang].lower()
            score = scores.setdefault(pid, [0, 0, 0, 0])
            for rank, field in enumerate(("title", "headings", "tags")):
                score[rank] += word in text[field]
            score[3] += text["body"].count(word)
        ranked = [(s, pid) for pid, s in scores.items() if any(s)]
        if ranked:  # max keeps the first (site order) among equals
            found[term["zh"]] = max(ranked, key=lambda item: item[0])[1]
    return found


def render(lang: str, from_page: str) -> str:
    """Markdown tables, one per group, for the glossary page at docs/`from_page`."""
    pages = {p.meta.get("id"): p for p in content.question_pages(lang)}
    explained = explaining_pages()
    data = load()
    other = "en" if lang == "zh" else "zh"
    parts = []
    for group, titles in data["groups"].items():
        rows = [HEADER[lang], "|---|---|---|"]
        for term in (t for t in data["terms"] if t["group"] == group):
            page = pages.get(explained.get(term["zh"]))
            link = NOT_COVERED[lang]
            if page is not None:
                link = f"[{page.title}]({content.link_to(page, from_page)})"
            rows.append(f"| {term[lang]} | {term[other]} | {link} |")
        parts.append(f"## {titles[lang]}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)
