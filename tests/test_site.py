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
    prefix = content.site_prefix(page.lang)
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
    prefix = content.site_prefix(lang)
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
    prefix = content.site_prefix(lang)
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


@pytest.mark.parametrize("page", [pytest.param(p, id=p.rel) for p in content.question_pages()])
def test_every_example_shows_its_run_record_and_downloads(built_site, page):
    """Under each output: the verified-on line(s) and the .py download; the notebook link."""
    html_path = _page_html(built_site, page)
    html = html_path.read_text(encoding="utf-8")
    outputs = [i for i in page.includes if i.endswith(".out")]
    blocks = html.count('<div class="language-')
    assert blocks >= len(page.includes) and "nocopy" not in html, (
        f"{page.rel}: {len(page.includes)} included files but {blocks} highlighted code blocks "
        "(each gets a copy button in the browser: tests/test_browser.py)"
    )
    metas = re.findall(r'<p class="example-meta">(.*?)</p>', html, re.S)
    assert len(metas) == len(outputs), (
        f"{page.rel}: {len(outputs)} outputs but {len(metas)} verified-on blocks in the built "
        "page; scripts/site_hooks/examples.py adds one under each `text` output fence"
    )
    for out, meta in zip(outputs, metas, strict=True):
        assert 'class="verified-on"' in meta, f"{page.rel}: no verified-on line under {out}"
        name = out.rsplit("/", 1)[-1].removesuffix(".out") + ".py"
        assert f'href="{name}" download' in meta, f"{page.rel}: no download link for {name}"
        served = html_path.parent / name
        assert served.read_bytes() == (content.ROOT / out).with_suffix(".py").read_bytes()
    notebook = html_path.parent / f"{page.stem}.ipynb"
    assert f'href="{page.stem}.ipynb" download' in html, f"{page.rel}: no notebook link"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for include in (i for i in page.includes if i.endswith(".py")):
        body = content.read_text(content.ROOT / include)
        assert body.strip() in code, f"{notebook}: lacks the code of {include}"
    for src in re.findall(r'<figure class="snippet-figure">\s*<img src="([^"]+)"', html):
        assert (html_path.parent / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", (
            f"{page.rel}: figure {src} is not a PNG the runner produced"
        )


@pytest.mark.parametrize("lang", content.LANGS)
def test_level_and_report_pages_list_everything(built_site, lang):
    prefix = content.site_prefix(lang)
    levels = (built_site / prefix / "levels" / "index.html").read_text(encoding="utf-8")
    missing = [p.rel for p in content.question_pages(lang) if f"/{p.stem}/" not in levels]
    assert not missing, f"the by-level page lacks {missing}"
    report = (built_site / prefix / "report" / "index.html").read_text(encoding="utf-8")
    absent = [
        f.name for f in content.snippet_files() if f"{f.parent.name}/{f.name}</code>" not in report
    ]
    assert not absent, f"the execution report lacks {absent}"


class _LinkCollector(HTMLParser):
    """Every link target and every id of one page, and the <html lang>."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in {"a", "link"} and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in {"img", "script", "source"} and attrs.get("src"):
            self.links.append(attrs["src"])


def _parse(html: Path) -> _LinkCollector:
    parser = _LinkCollector()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def _target(site: Path, page: Path, href: str) -> Path:
    path = href.split("#")[0].split("?")[0]
    resolved = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    resolved = resolved.resolve()
    return resolved / "index.html" if resolved.is_dir() else resolved


def test_no_broken_internal_link_or_anchor(built_site):
    """Every link, image and script on every built page resolves, anchors included."""
    parsed = {html: _parse(html) for html in built_site.rglob("*.html")}
    broken = []
    for html, page in parsed.items():
        for href in page.links:
            if re.match(r"^([a-z]+:|//)", href) or href == "#":
                continue  # other hosts (the footer's repository link), mailto:
            target = html if href.startswith("#") else _target(built_site, html, href)
            where = f"{html.relative_to(built_site)} -> {href}"
            if not target.exists():
                broken.append(f"{where}: no such file")
                continue
            anchor = href.partition("#")[2]
            if anchor and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if anchor not in ids:
                    broken.append(f"{where}: no element with id '{anchor}'")
    assert not broken, f"{len(broken)} broken links in the built site:\n" + "\n".join(broken[:40])


def test_every_page_declares_its_language(built_site):
    wrong = []
    for html in built_site.rglob("*.html"):
        rel = html.relative_to(built_site).as_posix()
        expected = "en" if rel.startswith("en/") else "zh"
        lang = _parse(html).lang
        if lang is None or lang.split("-")[0] != expected:
            wrong.append(f"{rel}: <html lang={lang!r}>, expected {expected!r}")
    assert not wrong, "pages with a wrong or missing lang attribute:\n" + "\n".join(wrong[:40])
