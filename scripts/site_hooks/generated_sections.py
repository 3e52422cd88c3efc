"""Pages whose tables are generated from the bank's data, so the data lives in one place.

<!-- glossary -->          the terminology table (scripts/data/terms.yml)
<!-- sources -->           the source posts' questions grouped by page (scripts/data/seed_map.yml)
<!-- topic-questions -->   a topic index page's questions, with their levels
<!-- levels -->            every question grouped by level (scripts/data/levels.yml)
<!-- execution-report -->  every snippet's last run per device (scripts/manifests.py)
<!-- execution-report-summary -->  how many snippets passed, per device, when, with what
<!-- home-catalog -->         the home page: every topic with its question count, the levels,
                           practice, why the code can be trusted
"""

import sys
from pathlib import Path

from pymdownx.slugs import slugify

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


CATALOG = {
    "zh": {
        "intro": "这里有 **{n} 道** AI 面试题，分 {topics} 个主题、{levels} 个难度。每道题先给出"
        "面试时先说的 30 秒回答，再给详细解答、可以直接运行的代码和常见误区。",
        "topics": "按主题浏览",
        "count": "{n} 道题",
        "levels": "按难度浏览",
        "level": "[{label}](levels.md#{anchor})：{n} 道",
        "practice": "练习",
        "practice_link": "[进入练习模式](practice.md)：随机抽题，先自己回答，再看答案。",
        "trust": "**为什么可以相信这里的代码**：每段代码都是一个完整的文件，CI 每次都会运行它，"
        "并把它打印的内容与页面上的输出逐字比较（[运行报告](report.md)，"
        "[验证方法]({readme}#how-a-snippet-is-verified)）。",
    },
    "en": {
        "intro": "**{n} AI interview questions** in {topics} topics and {levels} levels. Each "
        "question starts with the 30-second answer you would give first, then a detailed "
        "answer, code you can run, and the common pitfalls.",
        "topics": "Browse by topic",
        "count": "{n} questions",
        "levels": "Browse by level",
        "level": "[{label}](levels.md#{anchor}): {n} questions",
        "practice": "Practice",
        "practice_link": "[Start practicing](practice.md): a random question; answer it "
        "yourself, then reveal the answer.",
        "trust": "**Why you can trust the code**: every snippet is a whole file that CI runs on "
        "every change, comparing what it prints, character for character, with the output "
        "on the page ([execution report](report.md), "
        "[how it is verified]({readme}#how-a-snippet-is-verified)).",
    },
}
_slug = slugify(case="lower")


def repository(config) -> str:
    """The repository's address: the footer's GitHub link (REPO_URL, mkdocs.yml)."""
    links = [s["link"] for s in config.extra.get("social", []) if "github" in s.get("icon", "")]
    return links[0].rstrip("/")


def catalog(lang: str, config) -> str:
    """The home page's way in, from the data: grows with the bank."""
    text = CATALOG[lang]
    pages = content.question_pages(lang)
    levels = content.levels()
    topics = [t for t in content.topics() if (content.DOCS / t / f"index.{lang}.md").exists()]
    cards = []
    for topic in topics:
        chosen = [p for p in pages if p.topic == topic]
        by_level = " · ".join(
            f"{labels[lang]} {n}"
            for level, labels in levels.items()
            if (n := sum(p.meta.get("level") == level for p in chosen))
        )
        count = text["count"].format(n=len(chosen))
        cards.append(
            f"-   **[{content.topic_titles(lang)[topic]}]({topic}/index.md)**\n\n"
            f'    <span class="topic-count" data-topic="{topic}" data-count="{len(chosen)}">'
            f"{count}</span>" + (f" · {by_level}" if by_level else "")
        )
    level_lines = [
        "- "
        + text["level"].format(
            label=labels[lang],
            anchor=_slug(labels[lang], "-"),
            n=sum(p.meta.get("level") == level for p in pages),
        )
        for level, labels in levels.items()
    ]
    parts = [
        text["intro"].format(n=len(pages), topics=len(topics), levels=len(levels)),
        text["trust"].format(readme=f"{repository(config)}/blob/main/README.md"),
    ]
    if (content.DOCS / f"practice.{lang}.md").exists():
        parts.append(f"## {text['practice']}\n\n{text['practice_link']}")
    parts.append(
        f"## {text['topics']}\n\n"
        + '<div class="grid cards topic-catalog" markdown>\n\n'
        + "\n\n".join(cards)
        + "\n\n</div>"
    )
    parts.append(f"## {text['levels']}\n\n" + "\n".join(level_lines))
    return "\n\n".join(parts)


MARKERS = {
    "<!-- glossary -->": glossary.render,
    "<!-- sources -->": seed_map.render_sources,
    "<!-- topic-questions -->": topic_questions,
    "<!-- levels -->": by_level,
    "<!-- execution-report -->": manifests.render_report,
    "<!-- execution-report-summary -->": manifests.render_summary,
}


def on_page_markdown(markdown, page, config, files):
    lang = getattr(page.file, "locale", content.DEFAULT_LANG)
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render(lang, page.file.src_uri))
    if "<!-- home-catalog -->" in markdown:
        markdown = markdown.replace("<!-- home-catalog -->", catalog(lang, config))
    return markdown
