"""The seed map: every question of the source posts maps to one page; pages agree with it."""

from __future__ import annotations

import re

import content
import glossary
import pytest
import seed_map

QUESTIONS = seed_map.load_questions()
ZH_PAGES = content.question_pages("zh")


@pytest.fixture(scope="module")
def seed_dir():
    if not seed_map.DEFAULT_SEEDS.is_dir():
        pytest.skip(
            f"the source posts are not beside this checkout ({seed_map.DEFAULT_SEEDS}); "
            "the map is checked against them where they are (.ci/run)"
        )
    return seed_map.DEFAULT_SEEDS


def test_every_occurrence_is_mapped_once_with_its_wording(seed_dir):
    problems, summary = seed_map.report(seed_dir)
    assert not problems, "\n".join(
        ["scripts/data/seed_map.yml disagrees with the posts:", *summary, *problems]
    )


def test_the_finder_sees_every_post(seed_dir):
    files = {o.file for o in seed_map.find_occurrences(seed_dir)}
    assert files == {p.name for p in seed_dir.glob("*.txt")}


@pytest.mark.parametrize("page", [pytest.param(p, id=p.stem) for p in ZH_PAGES])
def test_page_seeds_equal_the_map(page):
    expected = seed_map.seeds_by_id().get(page.meta.get("id"), [])
    assert page.meta.get("seeds", []) == expected, (
        f"{page.rel}: `seeds` must list exactly the occurrences scripts/data/seed_map.yml maps "
        f"to {page.meta.get('id')!r}, in order. Print them with "
        f"`python scripts/seed_map.py --seeds {page.meta.get('id')}`."
    )


@pytest.mark.parametrize("page", [pytest.param(p, id=p.rel) for p in content.question_pages()])
def test_written_pages_follow_the_plan(page):
    plan = QUESTIONS.get(page.meta.get("id"))
    assert plan, (
        f"{page.rel}: id {page.meta.get('id')!r} is not planned in scripts/data/questions.yml"
    )
    assert page.topic == plan["topic"], f"{page.rel}: planned under {plan['topic']}/"
    assert page.meta.get("level") == plan["level"], f"{page.rel}: planned level is {plan['level']}"
    assert page.title == plan[page.lang], (
        f"{page.rel}: the H1 {page.title!r} differs from the planned title {plan[page.lang]!r} "
        "(scripts/data/questions.yml); change one so they agree."
    )


def test_plan_is_complete():
    for qid, plan in QUESTIONS.items():
        # A question the posts ask lists what they got wrong; one they never ask says so.
        last = "defects" if seed_map.asked_by_posts(plan) else "asked_by_posts"
        keys = {"topic", "zh", "en", "level", last}
        assert content.ID_RE.match(qid), f"questions.yml: {qid!r} is not snake_case"
        assert set(plan) == keys, f"questions.yml: {qid} needs exactly {sorted(keys)}"
        assert plan["topic"] in content.topics(), f"questions.yml: {qid}: unknown topic"
        assert plan["level"] in content.levels(), f"questions.yml: {qid}: unknown level"
        if last == "defects":
            assert isinstance(plan["defects"], list), f"questions.yml: {qid}: defects is a list"


def test_glossary_is_consistent():
    terms = glossary.load()["terms"]
    for lang in content.LANGS:
        words = [t[lang] for t in terms]
        duplicates = sorted({w for w in words if words.count(w) > 1})
        assert not duplicates, f"scripts/data/terms.yml: {lang} terms used twice: {duplicates}"
    groups = glossary.load()["groups"]
    for term in terms:
        assert term["group"] in groups, f"terms.yml: {term['zh']}: unknown group {term['group']}"
        if "page" in term:
            assert term["page"] in QUESTIONS, (
                f"terms.yml: {term['zh']}: unknown page {term['page']}"
            )


@pytest.mark.parametrize("lang", content.LANGS)
def test_sources_page_lists_every_occurrence(built_site, lang):
    """Under each post's title, every place where that post asks a question: its wording
    and its line."""
    import html as html_lib

    prefix = content.site_prefix(lang)
    page = (built_site / prefix / "sources" / "index.html").read_text(encoding="utf-8")
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", page))
    missing = []
    for entry in seed_map.load_map():
        post = entry["at"].split(":")[0]
        heading = html_lib.unescape(seed_map.post_heading(post, lang))
        start = text.rfind(heading)  # the section, not the table of contents before it
        end = min(
            (i for other in seed_map.load_posts() if other != post
             for i in [text.rfind(html_lib.unescape(seed_map.post_heading(other, lang)))]
             if i > start),
            default=len(text),
        )  # fmt: skip
        section = text[start:end] if start >= 0 else ""
        line = seed_map._line(entry, lang)
        if f"{entry['text']} {line}" not in re.sub(r"\s+", " ", section):
            missing.append(entry["at"])
    assert not missing, (
        f"{prefix}sources/ does not show {len(missing)} occurrences under their post's title "
        f"(wording and line), e.g. {missing[:3]}; see seed_map.render_sources."
    )


@pytest.mark.parametrize("lang", content.LANGS)
def test_glossary_page_lists_every_term(built_site, lang):
    prefix = content.site_prefix(lang)
    html = (built_site / prefix / "glossary" / "index.html").read_text(encoding="utf-8")
    missing = [t[lang] for t in glossary.load()["terms"] if t[lang] not in html]
    assert not missing, f"{prefix}glossary/ misses terms: {missing[:5]}"
