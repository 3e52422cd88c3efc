"""Integrity of the content: twins, front matter, sections, includes, navigation.

Every failure names the file and says what to do.
"""

from __future__ import annotations

import re
from collections import defaultdict

import content
import glossary
import pytest
import seed_map

PAGES = content.iter_pages()
QUESTIONS = [p for p in PAGES if p.is_question]
ZH_QUESTIONS = [p for p in QUESTIONS if p.lang == "zh"]
SNIPPET_PATHS = content.snippet_files()
SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt:[1-9]\d*$")


def _ids(pages):
    return [pytest.param(p, id=p.rel.removeprefix("docs/")) for p in pages]


def _tag_keys(page: content.Page) -> list[str]:
    by_label = {labels[page.lang]: key for key, labels in content.vocabulary().items()}
    return [by_label.get(tag, f"<unknown {tag!r}>") for tag in page.meta.get("tags") or []]


@pytest.mark.parametrize("page", _ids(PAGES))
def test_page_has_its_twin(page):
    assert page.twin_path.exists(), (
        f"{page.rel} has no {'English' if page.lang == 'zh' else 'Chinese'} twin: "
        f"create {page.twin_path.relative_to(content.ROOT)} (same id, same snippet includes)."
    )


@pytest.mark.parametrize("page", _ids(ZH_QUESTIONS))
def test_twins_agree(page):
    twin = content.load_page(page.twin_path) if page.twin_path.exists() else None
    if twin is None:
        pytest.skip("the missing twin is reported by test_page_has_its_twin")
    where = f"{page.rel} and {twin.rel}"
    assert page.meta.get("id") == twin.meta.get("id"), f"{where} must carry the same id."
    assert page.meta.get("level") == twin.meta.get("level"), f"{where} must carry the same level."
    assert page.includes == twin.includes, (
        f"{where} must include the same snippets in the same order:\n"
        f"  zh: {page.includes}\n  en: {twin.includes}"
    )
    assert _tag_keys(page) == _tag_keys(twin), (
        f"{where} must carry the same tags (translated): {page.meta.get('tags')} vs "
        f"{twin.meta.get('tags')}; labels are in scripts/data/tags.yml."
    )


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_question_front_matter(page):
    meta = page.meta
    allowed = content.QUESTION_KEYS | content.MATERIAL_KEYS
    unknown = sorted(set(meta) - allowed)
    assert not unknown, (
        f"{page.rel}: unknown front matter keys {unknown}; allowed: {sorted(allowed)}."
    )
    missing = sorted(content.REQUIRED_KEYS - set(meta))
    assert not missing, f"{page.rel}: front matter is missing {missing}."
    assert content.ID_RE.match(str(meta["id"])), f"{page.rel}: id {meta['id']!r} is not snake_case."
    assert meta["id"] == page.stem, (
        f"{page.rel}: id {meta['id']!r} must equal the file stem {page.stem!r} "
        "(one name per question: the page, its snippets and its id)."
    )
    assert meta["level"] in content.levels(), (
        f"{page.rel}: level {meta['level']!r} is not one of {list(content.levels())}."
    )
    tags = meta["tags"]
    assert isinstance(tags, list) and tags, f"{page.rel}: tags must be a non-empty list."
    unknown_tags = [t for t, k in zip(tags, _tag_keys(page), strict=True) if k.startswith("<")]
    assert not unknown_tags, (
        f"{page.rel}: tags {unknown_tags} are not in scripts/data/tags.yml for '{page.lang}'; "
        "add them there (with both languages) or use an existing label."
    )
    plan = seed_map.load_questions().get(meta["id"], {})
    if page.lang == "zh" and not seed_map.asked_by_posts(plan):
        assert "seeds" not in meta, (
            f"{page.rel}: no source post asks this question (questions.yml: "
            "asked_by_posts: false), so the page carries no `seeds`."
        )
    elif page.lang == "zh":
        seeds = meta.get("seeds")
        assert isinstance(seeds, list) and seeds, (
            f"{page.rel}: the zh page lists its seed occurrences."
        )
        bad = [s for s in seeds if not SEED_RE.match(str(s))]
        assert not bad, f"{page.rel}: seeds {bad} are not of the form FILE.txt:LINE."
    else:
        assert "seeds" not in meta, f"{page.rel}: only the zh page carries `seeds`; remove it here."


def test_ids_are_unique():
    owners = defaultdict(list)
    for page in ZH_QUESTIONS:
        owners[page.meta.get("id")].append(page.rel)
    duplicates = {i: pages for i, pages in owners.items() if len(pages) > 1}
    assert not duplicates, f"duplicate question ids: {duplicates}; give each question its own id."


@pytest.mark.parametrize("page", _ids([p for p in PAGES if not p.is_question]))
def test_other_pages_front_matter(page):
    unknown = sorted(set(page.meta) - content.MATERIAL_KEYS)
    assert not unknown, f"{page.rel}: unknown front matter keys {unknown}."


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_sections_in_order(page):
    assert page.title, f"{page.rel}: the page must start with an H1 that states the question."
    expected = content.SECTIONS[page.lang]
    present = [s for s in page.sections if s in expected]
    assert present == expected, (
        f"{page.rel}: the H2 sections must be, in this order: {expected}; found {page.sections}."
    )


@pytest.mark.parametrize("page", _ids(PAGES))
def test_includes_exist(page):
    missing = [inc for inc in page.includes if not (content.ROOT / inc).is_file()]
    assert not missing, f"{page.rel} includes files that do not exist: {missing}."


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_every_example_shows_its_output(page):
    """Each included snippet is followed by its recorded output, and the page has at least one."""
    code = [i for i in page.includes if i.endswith(".py")]
    assert code, f"{page.rel}: a question page needs at least one runnable example."
    for snippet in code:
        output = snippet.removesuffix(".py") + ".out"
        position = page.includes.index(snippet)
        following = page.includes[position + 1 : position + 2]
        assert following == [output], (
            f"{page.rel}: the code block including {snippet} must be followed by a block "
            f'including its recorded output: ```text title="..."\\n--8<-- "{output}"\\n```'
        )


@pytest.mark.parametrize("page", _ids(PAGES))
def test_no_python_outside_snippets(page):
    """Code readers see on a page is a snippet file the runner executes, never inline code."""
    for match in content.FENCE_RE.finditer(page.body):
        info, body = match.group(3).strip(), match.group(4)
        language = info.split()[0].lstrip("{.").lower() if info else ""
        if language not in {"python", "py", "python3", "pycon"}:
            continue
        lines = [line for line in body.splitlines() if line.strip()]
        inline = [line for line in lines if not content.INCLUDE_RE.match(line)]
        assert not inline, (
            f"{page.rel}: a ```{info}``` block holds Python that is not a snippet include "
            f"({inline[0].strip()!r}). Move the code to snippets/<topic>/<name>.py and include it."
        )


@pytest.mark.parametrize("snippet", [pytest.param(p, id=p.name) for p in SNIPPET_PATHS])
def test_snippet_is_shown_in_both_languages(snippet):
    rel = snippet.relative_to(content.ROOT).as_posix()
    langs = {p.lang for p in PAGES if rel in p.includes}
    assert langs == set(content.LANGS), (
        f"{rel} is included by pages in {sorted(langs) or 'no language'}; every snippet is shown "
        "on a question page in both languages (or delete it)."
    )


def test_every_question_is_in_the_nav():
    config = content.mkdocs_config()
    in_nav = set(content.nav_order())
    missing = sorted(
        f"{p.topic}/{p.stem}.md" for p in ZH_QUESTIONS if f"{p.topic}/{p.stem}.md" not in in_nav
    )
    assert not missing, f"mkdocs.yml nav does not list {missing}; add each under its topic."
    sections = [next(iter(item)) for item in config["nav"] if isinstance(item, dict)]
    languages = content.plugin_config(config, "i18n")["languages"]
    en = next(lang for lang in languages if lang["locale"] == "en")
    untranslated = [s for s in sections if s not in en["nav_translations"]]
    assert not untranslated, (
        f"mkdocs.yml: nav sections {untranslated} have no English title in the i18n plugin's "
        "nav_translations for 'en'."
    )


def test_languages_agree_with_the_i18n_plugin():
    """scripts/ place pages and links by content.LANGS and DEFAULT_LANG; the site by mkdocs.yml."""
    languages = content.plugin_config(content.mkdocs_config(), "i18n")["languages"]
    assert tuple(lang["locale"] for lang in languages) == content.LANGS, (
        f"mkdocs.yml's i18n languages differ from content.LANGS {content.LANGS}; make them agree."
    )
    default = [lang["locale"] for lang in languages if lang.get("default")]
    assert default == [content.DEFAULT_LANG], (
        f"mkdocs.yml's i18n default language is {default}, content.DEFAULT_LANG is "
        f"{content.DEFAULT_LANG!r}; make them agree."
    )


def test_topic_titles_agree_with_the_data():
    """Nav sections, their English names and topic index H1s use scripts/data/topics.yml."""
    config = content.mkdocs_config()
    languages = content.plugin_config(config, "i18n")["languages"]
    en = next(lang for lang in languages if lang["locale"] == "en")["nav_translations"]
    sections = {}
    for item in config["nav"]:
        if isinstance(item, dict):
            ((title, children),) = item.items()
            if isinstance(children, list):
                folders = {str(c).split("/")[0] for c in children if isinstance(c, str)}
                sections[title] = folders.pop() if len(folders) == 1 else None
    for topic, titles in content.topics().items():
        index = content.DOCS / topic / "index.zh.md"
        if not index.exists():
            continue  # a planned topic without pages yet
        assert sections.get(titles["zh"]) == topic, (
            f"mkdocs.yml nav: the section for docs/{topic}/ must be titled {titles['zh']!r} "
            "(scripts/data/topics.yml)."
        )
        assert en.get(titles["zh"]) == titles["en"], (
            f"mkdocs.yml: nav_translations for 'en' must map {titles['zh']!r} to {titles['en']!r}."
        )
        for lang in content.LANGS:
            page = content.load_page(content.DOCS / topic / f"index.{lang}.md")
            assert page.title == titles[lang], (
                f"{page.rel}: H1 must be the topic title {titles[lang]!r} (scripts/data/topics.yml)"
            )


QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|`[^`\n]*`")


def _own_prose(page: content.Page) -> str:
    """The page's own words: no code, no quotations, no list of the posts' phrasings."""
    body = content.FENCE_RE.sub("", page.body)
    body = body.split(f"## {content.SECTIONS[page.lang][-1]}")[0]
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))
    return QUOTED.sub("", body)


@pytest.mark.parametrize("page", _ids(PAGES))
def test_terminology_is_consistent(page):
    prose = _own_prose(page)
    found = [
        f"{variant!r} (use {term[page.lang]!r})"
        for term in glossary.load()["terms"]
        for variant in (term.get("avoid") or {}).get(page.lang, [])
        if re.search(
            rf"(?<![\w-]){re.escape(variant)}(?![\w-])"
            if variant.isascii()
            else re.escape(variant),
            prose,
            re.IGNORECASE,
        )
    ]
    assert not found, (
        f"{page.rel} uses terms the bank avoids: {', '.join(found)}. "
        "See scripts/data/terms.yml (quotations of the source posts are exempt)."
    )


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_related_questions_link_back(page):
    """A related question is related both ways: if A lists B, B lists A (in each language)."""
    here = f"{page.topic}/{page.stem}"
    heading = content.SECTIONS[page.lang][4]
    for target in page.related:
        path = content.DOCS / f"{target}.{page.lang}.md"
        if not path.exists() or target.endswith("/index"):
            continue  # a broken link fails the strict site build, with its own message
        other = content.load_page(path)
        back = content.link_to(page, other.path.relative_to(content.DOCS).as_posix())
        assert here in other.related, (
            f"{page.rel} lists {other.rel} under '{heading}', but {other.rel} does not list it "
            f"back: add `- [{page.title}]({back})` to its '{heading}' section."
        )


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_thirty_second_answer_is_about_thirty_seconds(page):
    heading = content.SECTIONS[page.lang][0]
    answer = page.section(heading)
    units = content.spoken_units(answer, page.lang)
    limit = content.SPOKEN_LIMIT[page.lang]
    what = "Chinese characters and Latin words" if page.lang == "zh" else "words"
    assert units <= limit, (
        f"{page.rel}: the '{heading}' section has {units} {what}; said aloud that is well over "
        f"30 seconds. Cut it to about {'150' if page.lang == 'zh' else '80'} (at most {limit}): "
        "the core of the answer, with the details left to the detailed answer."
    )
    assert units >= limit // 3, f"{page.rel}: the '{heading}' section is too short to answer."


SOURCE_PITFALL = {
    "zh": re.compile(r"原帖"),
    "en": re.compile(r"source (posts?|example)|the posts?\b|one post|a post\b", re.I),
}


def _pitfall_items(markdown: str) -> list[str]:
    """The bold lead of each top-level list item (`- **...**`)."""
    return re.findall(r"^- \*\*(.+?)\*\*", markdown, re.M)


@pytest.mark.parametrize("page", _ids(QUESTIONS))
def test_pitfalls_lead_with_the_readers_mistakes(page):
    """Pitfalls open with mistakes candidates and practitioners make; what the source posts got
    wrong stays on the page, but in one collapsible block after them."""
    heading = content.SECTIONS[page.lang][3]
    text = page.section(heading)
    block = content.CORRECTIONS_BLOCK[page.lang]
    own, _, corrections = text.partition(block)
    leads = _pitfall_items(own)
    about_sources = [lead for lead in leads if SOURCE_PITFALL[page.lang].search(lead)]
    assert not about_sources, (
        f"{page.rel}: under '{heading}', these items are about the source posts: "
        f"{about_sources}. Move them into the `{block}` block at the end of the section."
    )
    assert len(leads) >= 2, (
        f"{page.rel}: '{heading}' must open with at least two mistakes that candidates or "
        f"practitioners make (found {len(leads)}), before any correction of the source posts."
    )
    seeded = seed_map.asked_by_posts(seed_map.load_questions().get(page.meta.get("id"), {}))
    if seeded:
        assert corrections.strip(), (
            f"{page.rel}: a page that answers the source posts keeps their corrections under "
            f"'{heading}', in a `{block}` block after the readers' own mistakes."
        )
        assert all(
            line.startswith("    ") for line in corrections.strip("\n").splitlines() if line.strip()
        ), (
            f"{page.rel}: everything after `{block}` must be indented by four spaces (it is "
            f"the block's content), and nothing may follow the block in '{heading}'."
        )
    else:
        assert not corrections, (
            f"{page.rel}: no source post asks this question, so there is nothing to correct: "
            f"remove the `{block}` block."
        )
