"""Practice in a real browser, checked by what the reader sees (docs/assets/practice.js).

- practice mode hides every element of every answer section (scripts/site_hooks/practice.py
  says which sections are the answer) and each "show answer" reveals all of its section;
  outside practice mode nothing is hidden and no "show answer" button is shown;
- the random question opens a question of the chosen topic and level, in practice mode;
- the "I knew it / review again" marks, the progress per topic and the review list survive
  a reload, and can be reset;
- everything works with the keyboard alone, and on a phone in the dark scheme the controls
  are visible, inside the screen and contrasted at 4.5:1 or more.

Visibility is computed by the browser (`checkVisibility`, bounding boxes, computed colours),
never read from class names. One page load does many checks in one `evaluate`.
"""

from __future__ import annotations

import re

import content
import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The practice controls of a question page: the toggle, the four "show answer" buttons, the
# two marks and the two links under them.
CONTROLS = (
    "article .practice-toggle, article .practice-reveal, article .practice-mark, "
    "article .practice-panel a"
)

# The answer sections of the page as the reader sees them, computed in the page: for each
# answer heading (the first four H2), every element from it to the next H2 and all their
# descendants, less the practice controls between them (buttons, the marks panel).
STATE_JS = """() => {
  const article = document.querySelector("article");
  // Rendered: the element and its ancestors have a box (no `display: none` on the way up).
  // The theme's own invisible boxes (code-line anchors, permalinks until hovered) count as
  // rendered: they are there whether or not practice mode is on.
  const shown = (el) => el.checkVisibility();
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const controls = ".practice-reveal, .practice-panel, .practice-data";
  const answerHeadings = [...article.querySelectorAll("h2")].slice(0, 4);
  const sections = answerHeadings.map((heading) => {
    const elements = [];
    for (let n = heading.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      if (n.matches(controls)) continue;
      for (const el of [n, ...n.querySelectorAll("*")]) {
        // The content of a closed <details> waits for the reader to open it; the block
        // itself and its summary are checked.
        const folded = el.parentElement?.closest("details:not([open])");
        if (skip.has(el.tagName) || (folded && !el.closest("summary"))) continue;
        elements.push(el);
      }
    }
    const describe = (el) =>
      `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 40)}`;
    return {
      title: heading.textContent.replace("¶", "").trim(),
      headingShown: shown(heading),
      count: elements.length,
      tags: [...new Set(elements.map((el) => el.tagName.toLowerCase()))].sort(),
      visible: elements.filter(shown).map(describe).slice(0, 5),
      visibleCount: elements.filter(shown).length,
      hidden: elements.filter((el) => !shown(el)).map(describe).slice(0, 5),
      hiddenCount: elements.filter((el) => !shown(el)).length,
    };
  });
  const rest = [];
  for (const heading of [...article.querySelectorAll("h2")].slice(4)) {
    for (let n = heading.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      if (!n.matches(controls)) rest.push(n);
    }
  }
  const reveals = [...article.querySelectorAll("button")].filter(
    (b) => /显示答案|Show answer/.test(b.textContent));
  const panel = article.querySelector(".practice-panel");
  return {
    sections,
    question: ["h1", ".question-level", "h1 ~ blockquote"]
      .map((s) => article.querySelector(s)).every((el) => el && shown(el)),
    restShown: rest.length > 0 && rest.every(shown),
    revealsShown: reveals.filter(shown).length,
    panelShown: !!panel && shown(panel),
    toggle: article.querySelector(".practice-toggle")?.getAttribute("aria-pressed"),
  };
}"""

# Contrast of a control's text against what lies behind it (WCAG 2.x), from computed colours.
CONTRAST_JS = """(el) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    const [r, g, b, a] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r, g, b, a: a === undefined ? 1 : a};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c.a > 0) layers.push(c);
    if (c.a >= 1) break;
  }
  let background = {r: 255, g: 255, b: 255, a: 1};
  for (const layer of layers.reverse()) background = over(layer, background);
  const style = getComputedStyle(el);
  const fg = over(parse(style.color), background);
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [hi, lo] = [lum(fg), lum(background)].sort((a, b) => b - a);
  const box = el.getBoundingClientRect();
  return {
    text: (el.textContent || el.getAttribute("aria-label") || el.id).trim().slice(0, 30),
    contrast: (hi + 0.05) / (lo + 0.05),
    visible: el.checkVisibility({visibilityProperty: true, opacityProperty: true})
      && box.width > 0 && box.height > 0,
    left: box.left, right: box.right, width: box.width, height: box.height,
  };
}"""


def _url(site_url: str, page: content.Page, query: str = "") -> str:
    return f"{site_url}/{content.site_prefix(page.lang)}{page.topic}/{page.stem}/{query}"


def _practice_url(site_url: str, lang: str) -> str:
    return f"{site_url}/{content.site_prefix(lang)}practice/"


FEATURES = {
    "list": re.compile(r"^\s*(?:[-*]|\d+\.) ", re.M),
    "table": re.compile(r"^\|.*\|\s*$", re.M),
    "code": re.compile(r"^-{1,}8<-{1,} ", re.M),
    "figure": re.compile(r"<!-- figure:"),
    "details": re.compile(r"^\?\?\?|<details", re.M),
    "admonition": re.compile(r"^!!! ", re.M),
}


def _richest_question(lang: str) -> content.Page:
    """The question page whose answer sections hold the most kinds of content (lists,
    tables, code, figures, collapsible blocks...), then the most includes."""

    def score(page: content.Page):
        answer = "\n".join(page.section(t) for t in content.SECTIONS[lang][:4])
        kinds = sum(1 for pattern in FEATURES.values() if pattern.search(answer))
        return (kinds, len(page.includes), page.rel)

    return max(content.question_pages(lang), key=score)


def _filters(lang: str) -> tuple[str, str, set[str]]:
    """The topic and level with the most questions together (at least two, so the draw
    is a real choice), and the question stems of that pair."""
    pairs: dict[tuple[str, str], set[str]] = {}
    for page in content.question_pages(lang):
        pairs.setdefault((page.topic, page.meta["level"]), set()).add(f"{page.topic}/{page.stem}")
    (topic, level), keys = max(pairs.items(), key=lambda item: (len(item[1]), item[0]))
    assert len(keys) >= 2, "no topic and level share two questions"
    return topic, level, keys


def _goto(page, url: str) -> None:
    """Practice is set up before DOMContentLoaded: no need to wait for images."""
    page.goto(url, wait_until="domcontentloaded")


def _assert_local(page):
    assert page.requested_hosts <= {"127.0.0.1"}, f"requests left the site: {page.requested_hosts}"


@pytest.mark.parametrize("lang", content.LANGS)
def test_practice_mode_hides_every_answer_element_and_reveals_each_section(page, site_url, lang):
    question = _richest_question(lang)
    _goto(page, _url(site_url, question))
    state = page.evaluate(STATE_JS)
    titles = [s["title"] for s in state["sections"]]
    assert titles == content.SECTIONS[lang][:4], f"{question.rel}: answer sections {titles}"
    kinds = set().union(*(s["tags"] for s in state["sections"]))
    assert {"p", "li", "pre", "code"} <= kinds, f"{question.rel}: a thin sample page ({kinds})"
    # Outside practice mode: every answer element shown, no "show answer" button.
    for section in state["sections"]:
        assert section["count"] > 0 and not section["hiddenCount"], (
            f"{question.rel}: outside practice mode, hidden in '{section['title']}': "
            f"{section['hidden']}"
        )
    assert state["revealsShown"] == 0, "'show answer' buttons are shown outside practice mode"
    assert not state["panelShown"], "the marks are shown outside practice mode"
    assert state["toggle"] == "false"

    page.click("article .practice-toggle")
    state = page.evaluate(STATE_JS)
    assert state["toggle"] == "true"
    for section in state["sections"]:
        assert section["headingShown"], f"practice mode hid the heading '{section['title']}'"
        assert not section["visibleCount"], (
            f"{question.rel}: practice mode leaves {section['visibleCount']} of {section['count']} "
            f"elements of '{section['title']}' visible, e.g. {section['visible']}"
        )
    assert state["question"], "practice mode hid the title or the question"
    assert state["restShown"], "practice mode hid the related questions or the other phrasings"
    assert state["revealsShown"] == 4, f"{state['revealsShown']} 'show answer' buttons, not 4"
    assert state["panelShown"], "no 'I knew it / review again' marks in practice mode"

    # Each "show answer" reveals its own section, all of it, and nothing else.
    reveals = page.locator("article .practice-reveal")
    for i in range(4):
        reveals.nth(i).click()
        sections = page.evaluate(STATE_JS)["sections"]
        for j, section in enumerate(sections):
            if j <= i:
                assert not section["hiddenCount"], (
                    f"'show answer' of '{section['title']}' left {section['hidden']} hidden"
                )
            else:
                assert not section["visibleCount"], (
                    f"revealing section {i} showed '{section['title']}'"
                )

    # In the light scheme, the controls reach 4.5:1 too (the phone test: the dark scheme).
    for control in page.locator(CONTROLS).all():
        result = control.evaluate(CONTRAST_JS)
        assert result["visible"] and result["contrast"] >= 4.5, f"light scheme: {result}"

    page.click("article .practice-toggle")  # leave practice mode
    state = page.evaluate(STATE_JS)
    assert not any(s["hiddenCount"] for s in state["sections"]) and state["revealsShown"] == 0
    _assert_local(page)


def test_random_question_opens_a_matching_question_in_practice_mode(page, site_url):
    lang = "en"  # the phone test draws one in Chinese
    topic, level, keys = _filters(lang)
    _goto(page, _practice_url(site_url, lang))
    page.select_option("#practice-topic", topic)
    page.select_option("#practice-level", level)
    count = page.inner_text("#practice-count")
    assert str(len(keys)) in count, f"the filter says '{count}' for {len(keys)} questions"
    prefix = f"{site_url}/{content.site_prefix(lang)}"
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("#practice-random")
    drawn = page.url.removeprefix(prefix).split("?")[0].strip("/")
    assert drawn in keys, f"drew {page.url}, not a {topic} question of level {level} in {lang}"
    page.wait_for_function("!location.search.includes('practice=')")  # the address is cleaned
    state = page.evaluate(STATE_JS)
    assert state["toggle"] == "true", "the random question did not open in practice mode"
    assert not any(s["visibleCount"] for s in state["sections"]), "its answers are visible"

    # "Next random question" draws again with the same filters, another question.
    with page.expect_navigation(url=re.compile(r"\?practice=1$"), wait_until="domcontentloaded"):
        page.click("article .practice-next")
    again = page.url.removeprefix(prefix).split("?")[0].strip("/")
    assert again in keys and again != drawn, f"next random question: {page.url}"
    assert page.evaluate(STATE_JS)["toggle"] == "true"
    _assert_local(page)


def test_marks_progress_and_review_list_survive_a_reload(page, site_url):
    lang = "zh"
    questions = content.question_pages(lang)
    topic = max(content.topics(), key=lambda t: sum(p.topic == t for p in questions))
    first, second = [p for p in questions if p.topic == topic][:2]
    size = sum(p.topic == topic for p in questions)
    title = content.topics()[topic][lang]
    row = page.locator(f"#practice-progress li[data-topic='{topic}']")
    review = page.locator("#practice-review-list a")

    _goto(page, _url(site_url, first, "?practice=1"))
    page.click("article .practice-mark[data-mark='known']")
    _goto(page, _url(site_url, second, "?practice=1"))
    page.click("article .practice-mark[data-mark='review']")

    _goto(page, _practice_url(site_url, lang))
    for reloaded in (False, True):
        where = "after a reload" if reloaded else "on the practice page"
        text = re.sub(r"\s+", " ", row.inner_text()).strip()
        assert row.is_visible() and f"{title} 1/{size} 已掌握 · 待复习 1" in text, (
            f"{where}: {text}"
        )
        assert row.locator("progress").evaluate("p => p.value") == 1
        assert review.count() == 1 and review.first.is_visible(), f"{where}: no review list"
        assert review.first.inner_text() == second.title
        assert not page.locator("#practice-review-empty").is_visible()
        if not reloaded:
            page.reload(wait_until="domcontentloaded")

    # The review list leads back to the question, in practice mode, with its mark.
    with page.expect_navigation(wait_until="domcontentloaded"):
        review.first.click()
    assert page.url.split("?")[0].rstrip("/").endswith(f"{second.topic}/{second.stem}")
    assert page.evaluate(STATE_JS)["toggle"] == "true"
    marks = page.locator("article .practice-mark")
    assert [m.get_attribute("aria-pressed") for m in marks.all()] == ["false", "true"]
    assert f"1/{size}" in page.inner_text("article .practice-status")

    # The marks belong to the question, not to a language; reset clears them.
    _goto(page, _practice_url(site_url, "en"))
    assert f"1/{size} known · 1 to review" in re.sub(r"\s+", " ", row.inner_text())
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#practice-reset")
    page.reload(wait_until="domcontentloaded")
    assert f"0/{size} known" in row.inner_text() and "review" not in row.inner_text()
    assert page.locator("#practice-review-empty").is_visible() and not review.count()
    assert "interview-bank-marks" not in page.evaluate("Object.keys(localStorage)")
    _assert_local(page)


def _tab_to(page, selector: str, limit: int, what: str) -> None:
    """Press Tab until the focused element matches `selector` (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"Tab never reaches {what}")


def test_practice_works_with_the_keyboard_alone(page, site_url):
    question = _richest_question("en")
    _goto(page, _url(site_url, question))
    focused = "document.activeElement"
    # Start from the title's permalink, the last focusable element before the toggle.
    page.focus("article h1 a.headerlink")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{focused}.matches('.practice-toggle')"), "Tab does not reach the toggle"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 1, f"no visible focus on the toggle: {outline}"
    page.keyboard.press("Enter")
    state = page.evaluate(STATE_JS)
    assert state["toggle"] == "true" and not state["sections"][0]["visibleCount"]

    _tab_to(page, ".practice-reveal", 15, "a 'show answer' button")
    page.keyboard.press("Space")
    state = page.evaluate(STATE_JS)
    assert not state["sections"][0]["hiddenCount"], "Space did not reveal the 30-second answer"
    assert state["sections"][1]["hiddenCount"] == state["sections"][1]["count"]
    assert page.evaluate(f"{focused}.getAttribute('aria-expanded')") == "true"

    page.focus("article .practice-reveal >> nth=3")  # the last answer section: marks follow it
    _tab_to(page, ".practice-mark", 60, "'I knew it'")
    page.keyboard.press("Enter")
    assert page.evaluate(f"{focused}.getAttribute('aria-pressed')") == "true"
    _assert_local(page)


def test_phone_in_the_dark_scheme(browser, site_url):
    """390×844, dark scheme: every practice control is visible, inside the screen, and its
    text reaches a contrast of 4.5:1 against its background."""
    context = browser.new_context(
        viewport=PHONE, color_scheme="dark", is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    try:
        question = _richest_question("zh")
        _goto(tab, _url(site_url, question, "?practice=1"))
        assert tab.evaluate("document.body.dataset.mdColorScheme") == "slate"
        tab.locator("article .practice-reveal").first.tap()
        _check_controls(tab.locator(CONTROLS), minimum=1 + 4 + 2 + 2)

        _goto(tab, _practice_url(site_url, "zh"))
        controls = tab.locator(
            "#practice-topic, #practice-level, label.practice-check, #practice-random, "
            "#practice-reset"
        )
        _check_controls(controls, minimum=5)
        # The filters work by touch too.
        topic, level, keys = _filters("zh")
        tab.select_option("#practice-topic", topic)
        tab.select_option("#practice-level", level)
        with tab.expect_navigation(wait_until="domcontentloaded"):
            tab.locator("#practice-random").tap()
        assert tab.url.split("?")[0].rstrip("/").split("/", 3)[3] in keys
    finally:
        context.close()


def _check_controls(controls, minimum: int) -> None:
    results = [c.evaluate(CONTRAST_JS) for c in controls.all()]
    assert len(results) >= minimum, f"only {len(results)} practice controls: {results}"
    problems = [
        r
        for r in results
        if not r["visible"] or r["left"] < 0 or r["right"] > PHONE["width"] or r["contrast"] < 4.5
    ]
    assert not problems, f"controls hidden, off-screen or below 4.5:1: {problems}"
