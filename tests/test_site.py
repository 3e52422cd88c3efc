"""The built site: strict build, nothing fetched from other hosts, one search index per language."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import content
import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


class _ResourceCollector(HTMLParser):
    """URLs the browser fetches while loading a page (not links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").split()
            if {"stylesheet", "preload", "modulepreload", "icon", "manifest"} & set(rel):
                self.urls.append(attrs["href"])


def _page_html(site: Path, page: content.Page) -> Path:
    prefix = "" if page.lang == content.DEFAULT_LANG else f"{page.lang}/"
    folder = "" if page.stem == "index" else page.stem
    return site / prefix / page.topic / folder / "index.html"


def test_every_page_is_built(built_site):
    missing = [p.rel for p in content.iter_pages() if not _page_html(built_site, p).exists()]
    assert not missing, f"pages missing from the built site: {missing}"


def test_no_resource_from_another_host(built_site):
    offenders = {}
    for html in built_site.rglob("*.html"):
        parser = _ResourceCollector()
        parser.feed(html.read_text(encoding="utf-8"))
        external = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        if external:
            offenders[str(html.relative_to(built_site))] = external
    assert not offenders, f"pages load resources from other hosts (fonts, CDNs): {offenders}"


@pytest.mark.parametrize("lang", content.LANGS)
def test_one_search_index_per_language(built_site, lang):
    prefix = "" if lang == content.DEFAULT_LANG else f"{lang}/"
    index = json.loads((built_site / prefix / "search" / "search_index.json").read_text())
    questions = content.question_pages(lang)
    titles = {d["title"].replace("\u200b", "") for d in index["docs"]}
    missing = [p.rel for p in questions if p.title not in titles]
    assert not missing, f"{lang} search index lacks the questions {missing}"
    other = [p.title for p in content.question_pages() if p.lang != lang and p.title in titles]
    assert not other, f"the {lang} search index holds pages of the other language: {other}"


@pytest.mark.parametrize("page", [pytest.param(p, id=p.rel) for p in content.question_pages()])
def test_language_switch_points_at_the_twin(built_site, page):
    html = _page_html(built_site, page).read_text(encoding="utf-8")
    other = "en" if page.lang == "zh" else "zh"
    link = re.search(rf'<a href="([^"]+)" hreflang="{other}" class="md-select__link"', html)
    assert link, f"{page.rel}: the built page has no '{other}' entry in the language switcher"
    twin = content.load_page(page.twin_path)
    target = (_page_html(built_site, page).parent / link.group(1) / "index.html").resolve()
    assert target == _page_html(built_site, twin).resolve(), (
        f"{page.rel}: the language switcher leads to {link.group(1)}, not to its twin {twin.rel}"
    )


@pytest.mark.parametrize("lang", content.LANGS)
def test_topic_notebooks_are_rendered_and_downloadable(built_site, lang):
    prefix = "" if lang == content.DEFAULT_LANG else f"{lang}/"
    topics = sorted({p.topic for p in content.question_pages(lang)})
    assert topics, "no question pages"
    for topic in topics:
        page = built_site / prefix / topic / "notebook" / "index.html"
        assert page.exists(), f"{prefix}{topic}/notebook/ was not built"
        html = page.read_text(encoding="utf-8")
        assert 'class="jp-Notebook' in html, (
            f"{page}: the notebook is not rendered by mkdocs-jupyter"
        )
        assert '"nbformat"' not in html[:2000], f"{page}: the raw notebook JSON was copied"
        assert (page.parent / "notebook.ipynb").exists(), f"{page}: no .ipynb to download"
        questions = [p for p in content.question_pages(lang) if p.topic == topic]
        missing = [p.title for p in questions if p.title not in html]
        assert not missing, f"{page}: questions missing from the notebook: {missing}"
    index = json.loads((built_site / prefix / "search" / "search_index.json").read_text())
    in_search = [d["location"] for d in index["docs"] if "notebook/" in d["location"]]
    assert not in_search, f"notebook pages duplicate the questions in search: {in_search}"
