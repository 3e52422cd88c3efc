"""The built site in a real browser: language switch, copy buttons (search: tests/test_search.py).

Playwright drives Debian's Chromium (/usr/bin/chromium, installed by scripts/dev.py)
against the site served on 127.0.0.1. Every request a page makes is recorded: none may
leave 127.0.0.1.
"""

from __future__ import annotations

import content
import pytest

pytestmark = pytest.mark.browser


def _sample_pages() -> list[content.Page]:
    """The pages the browser visits: a fixed sample, whatever the size of the bank.

    What is the same on every page (the switcher's target, the code blocks) is checked
    for every page in the built HTML (tests/test_site.py); the browser checks that the
    theme's scripts act on it: per language, the home page, one topic page and the
    question page with the most code blocks."""
    sample = []
    for lang in content.LANGS:
        questions = content.question_pages(lang)
        busiest = max(questions, key=lambda p: (len(p.includes), p.rel))
        index = content.load_page(content.DOCS / busiest.topic / f"index.{lang}.md")
        home = content.load_page(content.DOCS / f"index.{lang}.md")
        sample += [home, index, busiest]
    return sample


def _page_url(site_url: str, page: content.Page) -> str:
    folder = f"{page.topic}/" if page.topic else ""
    stem = "" if page.stem == "index" else f"{page.stem}/"
    return f"{site_url}/{content.site_prefix(page.lang)}{folder}{stem}"


SAMPLE = [pytest.param(p, id=p.rel.removeprefix("docs/")) for p in _sample_pages()]


@pytest.mark.parametrize("shown", SAMPLE)
def test_language_switch_lands_on_the_twin(page, site_url, shown):
    twin = content.load_page(shown.twin_path)
    page.goto(_page_url(site_url, shown))
    page.hover(".md-header .md-select button")  # opens the language menu
    page.click(f'a.md-select__link[hreflang="{twin.lang}"]')
    page.wait_for_load_state()
    assert page.url == _page_url(site_url, twin), f"{shown.rel}: switcher led to {page.url}"
    assert page.inner_text("article h1").strip().rstrip("¶").strip() == twin.title
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.parametrize("shown", [p for p in SAMPLE if p.values[0].is_question])
def test_every_code_block_gets_a_copy_button(page, site_url, shown):
    page.goto(_page_url(site_url, shown))
    blocks = page.locator("article div.highlight pre").count()
    assert blocks >= len(shown.includes), f"{shown.rel}: code blocks missing"
    page.wait_for_selector("article .md-code__button, article .md-clipboard", state="attached")
    buttons = page.locator("article .md-code__button, article .md-clipboard")
    count = buttons.count()
    assert count >= blocks, f"{shown.rel}: {blocks} code blocks but {count} copy buttons"
    assert all(b.is_visible() for b in buttons.all()), f"{shown.rel}: a copy button is hidden"


def _pages_with_a_figure() -> list[content.Page]:
    return [p for p in content.question_pages() if "<!-- figure:" in p.body]


@pytest.mark.parametrize("lang", content.LANGS)
def test_a_question_page_shows_its_run_figure_downloads_and_practice_mode(page, site_url, lang):
    question = next((p for p in _pages_with_a_figure() if p.lang == lang), None)
    assert question, f"no {lang} question page shows a figure (<!-- figure: ... -->)"
    page.goto(_page_url(site_url, question))
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
    first_paragraph = answer.locator("xpath=following::p[1]")  # tests/test_practice.py: all of it
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


# --- issue 23: what a reader sees first, at desktop and phone sizes, light and dark -------

VIEWS = [
    pytest.param("zh", {"width": 1440, "height": 900}, "light", id="zh-desktop-light"),
    pytest.param("en", {"width": 390, "height": 844}, "dark", id="en-phone-dark"),
]
TOGGLE = {  # the visible palette toggle: it switches to the other scheme
    ("zh", "light"): "切换到深色模式",
    ("zh", "dark"): "切换到浅色模式",
    ("en", "light"): "Switch to dark mode",
    ("en", "dark"): "Switch to light mode",
}


def _no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"{page.url}: the page scrolls sideways by {width}px"


@pytest.mark.parametrize(("lang", "size", "scheme"), VIEWS)
def test_what_a_reader_meets_first(browser, site_url, lang, size, scheme):
    """One context per view: home, report, a topic notebook and a missing page, each
    checked by what is visible; no request on any of them fails (the sitemap.xml 404s)."""
    context = browser.new_context(viewport=size, color_scheme=scheme)
    page = context.new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    prefix = f"{site_url}/{content.site_prefix(lang)}"
    try:
        # Home: every topic with its count, as the data has it; the levels; navigation.
        page.goto(prefix)
        questions = content.question_pages(lang)
        for topic, title in content.topic_titles(lang).items():
            if not (content.DOCS / topic / f"index.{lang}.md").exists():
                continue
            card = page.locator(f'.topic-catalog li:has(.topic-count[data-topic="{topic}"])')
            count = sum(p.topic == topic for p in questions)
            assert card.is_visible(), f"{lang} home: {title} is not shown"
            text = card.inner_text()
            assert title in text and str(count) in card.locator(".topic-count").inner_text()
        for labels in content.levels().values():
            assert page.get_by_role("link", name=labels[lang], exact=True).first.is_visible()
        assert page.locator('article a[href$="report/"]').first.is_visible()
        nav = page.locator(".md-sidebar--primary .md-nav--primary")
        if size["width"] >= 1220:  # Material shows the sidebar from 76.25em
            assert nav.is_visible(), "the home page hides the navigation on the desktop"
        _no_horizontal_overflow(page)
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        assert toggle.get_attribute("title") == TOGGLE[(lang, scheme)]
        page.wait_for_load_state("networkidle")  # Material's sitemap requests have run

        # The execution report: its summary first, and nothing off-screen on a phone.
        page.goto(f"{prefix}report/")
        first = page.locator("article > :is(p, div, details, table)").first
        assert "report-summary" in (first.get_attribute("class") or ""), "summary not first"
        assert first.is_visible()
        _no_horizontal_overflow(page)
        for table in page.locator("article table").all()[:3]:
            fits = table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
            assert fits, "a report table is wider than the page: its last column is off-screen"
        assert page.locator("article table a").first.is_visible(), "rows do not link their pages"

        # A topic notebook: the download link is visible and serves the notebook.
        topic = next(t for t in content.topic_titles(lang) if any(p.topic == t for p in questions))
        page.goto(f"{prefix}{topic}/notebook/")
        link = page.locator("article a[download]").first
        assert link.is_visible(), "the notebook page shows no download link"
        assert page.request.get(link.evaluate("a => a.href")).json()["nbformat"] == 4
        assert page.locator("article .notebook-install").first.is_visible()

        assert not failed, f"requests that failed: {failed}"

        # A missing page under the language's prefix: the 404 page in that language.
        page.goto(f"{prefix}no-such-page/")
        heading = {"zh": "页面不存在", "en": "Page not found"}[lang]
        page.wait_for_function(
            "h => document.querySelector('article h1')?.textContent.includes(h)", arg=heading
        )
        assert page.locator("article h1").is_visible()
        failed = [f for f in failed if "no-such-page" not in f]
    finally:
        context.close()
    assert not failed, f"requests that failed: {failed}"
