"""The built site in a real browser: language switch, search in both languages, copy buttons.

Playwright drives Debian's Chromium (/usr/bin/chromium, installed by scripts/dev.py)
against the site served on 127.0.0.1. Every request a page makes is recorded: none may
leave 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import content
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Searches as readers type them: the query, then the page that must be the top result.
SEARCHES = {
    "zh": [
        ("过拟合", "training/overfitting"),
        ("怎么防止过拟合", "training/overfitting"),
        ("召回率", "evaluation/classification_metrics"),
        ("精确率和召回率的区别", "evaluation/classification_metrics"),
        ("数据并行训练", "distributed/distributed_data_parallel"),
        ("DistributedDataParallel", "distributed/distributed_data_parallel"),
    ],
    "en": [
        ("overfitting", "training/overfitting"),
        ("how do I stop overfitting", "training/overfitting"),
        ("precision recall", "evaluation/classification_metrics"),
        ("ROC-AUC", "evaluation/classification_metrics"),
        ("data parallel training", "distributed/distributed_data_parallel"),
    ],
}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `python3 scripts/dev.py test` (installs it) or "
            "`sudo apt-get install -y chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records the host of every request it makes."""
    context = browser.new_context()
    tab = context.new_page()
    tab.requested_hosts = set()
    tab.on("request", lambda request: tab.requested_hosts.add(urlparse(request.url).hostname))
    yield tab
    context.close()


def _url(site_url: str, page: content.Page) -> str:
    prefix = content.site_prefix(page.lang)
    return f"{site_url}/{prefix}{page.topic}/{page.stem}/"


def _stable_results(page, timeout: float = 10.0) -> list[str]:
    """Result paths, read once the list has stopped changing (the worker answers async)."""
    links = page.locator(".md-search-result__item a.md-search-result__link")
    links.first.wait_for(timeout=timeout * 1000)
    previous, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = [urlparse(a.get_attribute("href")).path for a in links.all()]
        if current and current == previous:
            return current
        previous = current
        page.wait_for_timeout(250)
    return previous or []


QUESTIONS = [pytest.param(p, id=p.rel.removeprefix("docs/")) for p in content.question_pages()]


@pytest.mark.parametrize("question", QUESTIONS)
def test_language_switch_lands_on_the_twin(page, site_url, question):
    twin = content.load_page(question.twin_path)
    page.goto(_url(site_url, question))
    page.hover(".md-header .md-select button")  # opens the language menu
    page.click(f'a.md-select__link[hreflang="{twin.lang}"]')
    page.wait_for_load_state()
    assert page.url == _url(site_url, twin), f"{question.rel}: switcher led to {page.url}"
    assert page.inner_text("article h1").strip().rstrip("¶").strip() == twin.title
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_code_blocks_have_copy_buttons(page, site_url, question):
    page.goto(_url(site_url, question))
    blocks = page.locator("article div.highlight pre").count()
    assert blocks >= 2, f"{question.rel}: expected its code and output blocks on the page"
    page.wait_for_selector("article .md-code__button, article .md-clipboard", state="attached")
    buttons = page.locator("article .md-code__button, article .md-clipboard").count()
    assert buttons >= blocks, f"{question.rel}: {blocks} code blocks but {buttons} copy buttons"


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        pytest.param(lang, q, e, id=f"{lang}:{q}")
        for lang, cases in SEARCHES.items()
        for q, e in cases
    ],
)
def test_search_finds_the_question_in_the_readers_language(page, site_url, lang, query, expected):
    home = f"{site_url}/{content.site_prefix(lang)}"
    page.goto(home)
    page.click("input.md-search__input")
    page.fill("input.md-search__input", query)  # the whole query at once: one search
    page.keyboard.press("End")  # Material searches on key-up events
    results = _stable_results(page)
    assert results, f"[{lang}] {query!r}: no results"
    href = results[0]
    wanted = f"/{content.site_prefix(lang)}{expected}/"
    assert href == wanted, (
        f"[{lang}] {query!r}: top result {href}, expected {wanted}; all: {results}"
    )
    if lang != content.DEFAULT_LANG:
        assert all(r.startswith(f"/{lang}/") for r in results), f"other-language results: {results}"
    else:
        others = tuple(f"/{other}/" for other in content.LANGS if other != lang)
        assert not any(r.startswith(others) for r in results), f"other-language results: {results}"
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


def _pages_with_a_figure() -> list[content.Page]:
    return [p for p in content.question_pages() if "<!-- figure:" in p.body]


@pytest.mark.parametrize("lang", content.LANGS)
def test_a_question_page_shows_its_run_figure_downloads_and_practice_mode(page, site_url, lang):
    question = next((p for p in _pages_with_a_figure() if p.lang == lang), None)
    assert question, f"no {lang} question page shows a figure (<!-- figure: ... -->)"
    page.goto(_url(site_url, question))
    verified = page.locator("article .verified-on").first
    expected = "已验证：CPU" if lang == "zh" else "Verified: CPU"
    assert verified.inner_text().startswith(expected), verified.inner_text()

    figure = page.locator("article figure.snippet-figure img").first
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=figure.element_handle()
    )

    link = page.locator("article .example-meta a[download]").first
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok and b"import" in response.body(), "the .py download does not serve the code"
    notebook = page.locator("article .example-notebook a[download]").first
    assert page.request.get(notebook.evaluate("a => a.href")).json()["nbformat"] == 4

    answer = page.locator("article h2.practice-answer").first
    first_paragraph = answer.locator("xpath=following-sibling::p[1]")
    assert first_paragraph.is_visible()
    page.click("article button.practice-toggle")
    assert not first_paragraph.is_visible(), "practice mode did not hide the short answer"
    page.locator("article button.practice-reveal").first.click()
    assert first_paragraph.is_visible(), "'show answer' did not reveal the short answer"
    page.click("article button.practice-toggle")  # leave practice mode
    assert page.locator("article .md-code__button, article .md-clipboard").count() >= 2
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.parametrize("lang", content.LANGS)
@pytest.mark.parametrize("kind", ["home", "topic", "question"])
def test_no_serious_accessibility_violation(page, site_url, lang, kind):
    """axe-core (bundled with axe-playwright-python, no download) on three kinds of page."""
    from axe_playwright_python.sync_playwright import Axe

    prefix = content.site_prefix(lang)
    question = next(p for p in content.question_pages(lang) if p.stem == "overfitting")
    path = {"home": "", "topic": f"{question.topic}/", "question": f"{question.topic}/overfitting/"}
    page.goto(f"{site_url}/{prefix}{path[kind]}")
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — e.g. {v['nodes'][0]['html'][:120]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{page.url}: accessibility violations:\n" + "\n".join(serious)
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"
