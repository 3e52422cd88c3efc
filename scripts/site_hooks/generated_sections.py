"""Pages whose tables are generated from the bank's data, so the data lives in one place.

<!-- glossary -->          the terminology table (scripts/data/terms.yml)
<!-- sources -->           the source posts' questions grouped by page (scripts/data/seed_map.yml)
<!-- topic-questions -->   a topic index page's questions, with their levels
<!-- levels -->            every question grouped by level (scripts/data/levels.yml)
<!-- execution-report -->  every snippet's last run per device (scripts/manifests.py)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import glossary  # noqa: E402
import manifests  # noqa: E402
import seed_map  # noqa: E402

NOTEBOOK = {
    "zh": "[本主题的全部代码（notebook，可下载运行）](notebook.ipynb)",
    "en": "[All the code of this topic as a notebook (download and run it)](notebook.ipynb)",
}


def topic_questions(lang: str, from_page: str) -> str:
    """The question pages of the topic whose index is `from_page`, in nav order."""
    topic = from_page.split("/")[0]
    order = content.nav_order()
    pages = [p for p in content.question_pages(lang) if p.topic == topic]
    pages.sort(key=lambda p: order.get(f"{p.topic}/{p.stem}.md", 10**6))
    levels = content.levels()
    lines = [
        f"- [{p.title}]({content.link_to(p, from_page)}) · {levels[p.meta['level']][lang]}"
        for p in pages
    ]
    return "\n".join(lines) + ("\n\n" + NOTEBOOK[lang] if pages else "")


def by_level(lang: str, from_page: str) -> str:
    """Every question, grouped by level, then in topic and nav order."""
    order = content.nav_order()
    topic_rank = {topic: n for n, topic in enumerate(content.topics())}
    titles = content.topic_titles(lang)
    pages = sorted(
        content.question_pages(lang),
        key=lambda p: (topic_rank.get(p.topic, 99), order.get(f"{p.topic}/{p.stem}.md", 10**6)),
    )
    blocks = []
    for level, labels in content.levels().items():
        chosen = [p for p in pages if p.meta.get("level") == level]
        lines = [f"## {labels[lang]}", ""]
        lines += [
            f"- [{p.title}]({content.link_to(p, from_page)}) · {titles[p.topic]}" for p in chosen
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


MARKERS = {
    "<!-- glossary -->": glossary.render,
    "<!-- sources -->": seed_map.render_sources,
    "<!-- topic-questions -->": topic_questions,
    "<!-- levels -->": by_level,
    "<!-- execution-report -->": manifests.render_report,
}


def on_page_markdown(markdown, page, config, files):
    lang = getattr(page.file, "locale", content.DEFAULT_LANG)
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render(lang, page.file.src_uri))
    return markdown
