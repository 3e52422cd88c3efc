"""Practice: which parts of a question page are its answer, and the practice page's data.

What "the answer" is. A question page shows, in order: its tags, its title (the H1), its
level, the question itself (the blockquote under the title), then its H2 sections
(scripts/content.py, SECTIONS). The first four sections are the answer and practice mode
hides all of each, whatever they contain (paragraphs, lists, tables, code, outputs,
figures, notebook and .py downloads, collapsible blocks):

    30 秒回答 / 30-second answer, 详细解答 / Detailed answer,
    可运行示例 / Runnable example, 常见误区 / Pitfalls.

The title, level, tags, the question, 相关问题 / Related questions and 其他问法 / Other
phrasings stay visible: they are the prompt, not the answer. This hook gives the four
answer headings the class `practice-answer`; docs/assets/practice.js hides everything
from such a heading up to the next H2, and reveals it section by section.

Data, taken from the bank so that it grows with it (scripts/content.py):
- each question page carries its key (`<topic>/<id>`, the same in both languages), the
  size of its topic and the address of the practice page, for the "I knew it / review
  again" marks;
- the practice page (docs/practice.<lang>.md) gets, in place of its markers, the random
  question's filters (every topic and level that has questions), the per-topic progress
  list and the review list, with every question's key, title, address, topic and level
  in the page's language. The marks are kept in the reader's browser only (localStorage).
  These controls stay out of the search index (`data-search-exclude`): they are not text.

    <!-- practice-draw -->       topic and level filters, the "random question" button
    <!-- practice-progress -->   progress per topic, and the reset button
    <!-- practice-review -->     the questions marked "review again"
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402

ANSWER_SECTIONS = 4  # the first four H2 sections of a question page are its answer

TEXT = {
    "zh": {
        "topic": "主题",
        "all_topics": "全部主题",
        "level": "难度",
        "all_levels": "全部难度",
        "skip_known": "跳过已掌握的题",
        "random": "随机一题",
        "known": "已掌握",
        "review": "待复习",
        "reset": "重置进度",
        "review_empty": "还没有标记为“再复习”的题。",
        "noscript": "随机抽题和进度记录需要浏览器启用 JavaScript。",
    },
    "en": {
        "topic": "Topic",
        "all_topics": "All topics",
        "level": "Level",
        "all_levels": "All levels",
        "skip_known": "Skip the ones I knew",
        "random": "Random question",
        "known": "known",
        "review": "to review",
        "reset": "Reset progress",
        "review_empty": "No question is marked “review again” yet.",
        "noscript": "The random question and the progress need JavaScript in your browser.",
    },
}


def _lang(page) -> str:
    return getattr(page.file, "locale", content.DEFAULT_LANG)


def _practice_url(lang: str) -> str:
    return f"{content.site_prefix(lang)}practice/"


def _relative(target: str, from_url: str) -> str:
    """A link from the page at site URL `from_url` (a folder URL) to the folder `target`."""
    start = from_url.rstrip("/") or "."
    return posixpath.relpath(target.rstrip("/") or ".", start) + "/"


def _questions(lang: str) -> list[content.Page]:
    """Every question page of `lang`, in topic order, then in nav order."""
    order = content.nav_order()
    rank = {topic: n for n, topic in enumerate(content.topics())}
    return sorted(
        content.question_pages(lang),
        key=lambda p: (rank.get(p.topic, 99), order.get(f"{p.topic}/{p.stem}.md", 10**6), p.stem),
    )


def _question_url(page: content.Page) -> str:
    return f"{content.site_prefix(page.lang)}{page.topic}/{page.stem}/"


def _attr(value) -> str:
    return html.escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _draw(lang: str, from_url: str) -> str:
    text = TEXT[lang]
    questions = _questions(lang)
    present_topics = {p.topic for p in questions}
    present_levels = {p.meta.get("level") for p in questions}
    data = [
        {
            "key": f"{p.topic}/{p.stem}",
            "title": p.title,
            "url": _relative(_question_url(p), from_url),
            "topic": p.topic,
            "level": p.meta.get("level"),
        }
        for p in questions
    ]
    topics = "".join(
        f'<option value="{t}">{html.escape(titles[lang])}</option>'
        for t, titles in content.topics().items()
        if t in present_topics
    )
    levels = "".join(
        f'<option value="{key}">{html.escape(labels[lang])}</option>'
        for key, labels in content.levels().items()
        if key in present_levels
    )
    return (
        '<div class="practice-app practice-draw" id="practice-app" data-search-exclude '
        f'data-questions="{_attr(data)}">\n'
        f"<noscript><p>{text['noscript']}</p></noscript>\n"
        '<div class="practice-filters">\n'
        f'<label class="practice-field"><span>{text["topic"]}</span>'
        f'<select id="practice-topic"><option value="">{text["all_topics"]}</option>'
        f"{topics}</select></label>\n"
        f'<label class="practice-field"><span>{text["level"]}</span>'
        f'<select id="practice-level"><option value="">{text["all_levels"]}</option>'
        f"{levels}</select></label>\n"
        f'<label class="practice-check"><input type="checkbox" id="practice-skip-known" checked> '
        f"{text['skip_known']}</label>\n"
        "</div>\n"
        '<p class="practice-actions">'
        f'<button type="button" class="practice-btn practice-btn--primary" id="practice-random">'
        f"{text['random']}</button> "
        '<span class="practice-count" id="practice-count" aria-live="polite"></span></p>\n'
        "</div>"
    )


def _progress(lang: str, from_url: str) -> str:
    text = TEXT[lang]
    questions = _questions(lang)
    items = []
    for topic, titles in content.topics().items():
        size = sum(1 for p in questions if p.topic == topic)
        if not size:
            continue
        link = _relative(f"{content.site_prefix(lang)}{topic}/", from_url)
        title = html.escape(titles[lang])
        items.append(
            f'<li data-topic="{topic}" data-size="{size}">'
            f'<a href="{link}">{title}</a> '
            f'<progress max="{size}" value="0" aria-label="{title}"></progress> '
            '<span class="practice-counts">'
            f'<span class="practice-known">0/{size} {text["known"]}</span>'
            '<span class="practice-to-review"></span></span></li>'
        )
    return (
        '<div class="practice-progress" id="practice-progress" data-search-exclude>\n'
        '<p class="practice-total" id="practice-total" aria-live="polite"></p>\n'
        '<ul class="practice-topics">\n' + "\n".join(items) + "\n</ul>\n"
        '<p class="practice-actions"><button type="button" class="practice-btn" '
        f'id="practice-reset">{text["reset"]}</button> '
        '<span id="practice-reset-status" aria-live="polite"></span></p>\n'
        "</div>"
    )


def _review(lang: str, from_url: str) -> str:
    return (
        '<div class="practice-review" id="practice-review" data-search-exclude>\n'
        f'<p class="practice-ui" id="practice-review-empty">{TEXT[lang]["review_empty"]}</p>\n'
        '<ul class="practice-ui" id="practice-review-list" hidden></ul>\n'
        "</div>"
    )


MARKERS = {
    "<!-- practice-draw -->": _draw,
    "<!-- practice-progress -->": _progress,
    "<!-- practice-review -->": _review,
}


@event_priority(-50)  # after examples.py, which finds the runnable-example heading unmarked
def on_page_markdown(markdown, page, config, files):
    lang = _lang(page)
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render(lang, page.url))
    meta = page.meta or {}
    if "id" not in meta or "level" not in meta:
        return markdown  # not a question page
    for title in content.SECTIONS[lang][:ANSWER_SECTIONS]:
        markdown = re.sub(
            rf"^## {re.escape(title)}\s*$",
            f"## {title} {{: .practice-answer }}",
            markdown,
            count=1,
            flags=re.M,
        )
    return markdown


_topic_sizes: dict[str, int] = {}  # topic -> number of questions, for the language being built


def on_files(files, config):
    lang = config.plugins["i18n"].current_language
    _topic_sizes.clear()
    for page in content.question_pages(lang):
        _topic_sizes[page.topic] = _topic_sizes.get(page.topic, 0) + 1
    return files


def on_page_content(html_text, page, config, files):
    meta = page.meta or {}
    if "id" not in meta or "level" not in meta:
        return html_text
    lang = _lang(page)
    topic = page.file.src_uri.split("/")[0]
    size = _topic_sizes.get(topic, 0)
    practice = _relative(_practice_url(lang), page.url)
    return (
        f'{html_text}\n<div class="practice-data practice-ui" hidden '
        f'data-question="{topic}/{meta["id"]}" '
        f'data-topic-size="{size}" data-practice-url="{practice}"></div>'
    )
