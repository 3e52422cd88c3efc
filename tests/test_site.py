"""The built site: strict build, nothing fetched from other hosts, one search index per language."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import content
import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


def _page_html(site: Path, page: content.Page) -> Path:
    prefix = content.site_prefix(page.lang)
    folder = "" if page.stem == "index" else page.stem
    return site / prefix / page.topic / folder / "index.html"


def test_every_page_is_built(built_site):
    missing = [p.rel for p in content.iter_pages() if not _page_html(built_site, p).exists()]
    assert not missing, f"pages missing from the built site: {missing}"


def test_no_resource_from_another_host(parsed_site):
    offenders = {}
    for html, page in parsed_site.items():
        external = [u for u in page.fetched if re.match(r"^(https?:)?//", u)]
        if external:
            offenders[html] = external
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
    import manifests

    absent = [
        f.name
        for f in content.snippet_files()
        if f"<code>{manifests._breakable(f.name)}</code></a>" not in report
    ]
    assert not absent, f"the execution report lacks (or does not link) {absent}"
    summary = report.find("report-summary")
    assert -1 < summary < report.find("<table"), "the report does not open with its summary"


class _LinkCollector(HTMLParser):
    """Every link target and every id of one page, the <html lang>, and the URLs the
    browser fetches while loading it (not links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.fetched: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source"} and attrs.get("src"):
            self.fetched.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").split()
            if {"stylesheet", "preload", "modulepreload", "icon", "manifest"} & set(rel):
                self.fetched.append(attrs["href"])
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


@pytest.fixture(scope="module")
def parsed_site(built_site) -> dict[str, _LinkCollector]:
    """Every built HTML page (path relative to the site), parsed once for the tests below."""
    return {
        html.relative_to(built_site).as_posix(): _parse(html)
        for html in sorted(built_site.rglob("*.html"))
    }


def _target(site: Path, page: Path, href: str) -> Path:
    path = href.split("#")[0].split("?")[0]
    resolved = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    resolved = resolved.resolve()
    return resolved / "index.html" if resolved.is_dir() else resolved


def test_no_broken_internal_link_or_anchor(built_site, parsed_site):
    """Every link, image and script on every built page resolves, anchors included."""
    broken = []
    for rel, page in parsed_site.items():
        html = built_site / rel
        for href in page.links:
            if re.match(r"^([a-z]+:|//)", href) or href == "#":
                continue  # other hosts (the footer's repository link), mailto:
            target = html if href.startswith("#") else _target(built_site, html, href)
            where = f"{rel} -> {href}"
            if not target.exists():
                broken.append(f"{where}: no such file")
                continue
            anchor = href.partition("#")[2]
            if anchor and target.suffix == ".html":
                key = target.relative_to(built_site).as_posix()
                ids = parsed_site[key].ids if key in parsed_site else _parse(target).ids
                if anchor not in ids:
                    broken.append(f"{where}: no element with id '{anchor}'")
    assert not broken, f"{len(broken)} broken links in the built site:\n" + "\n".join(broken[:40])


def test_every_page_declares_its_language(parsed_site):
    wrong = []
    for rel, page in parsed_site.items():
        expected = "en" if rel.startswith("en/") else "zh"
        if page.lang is None or page.lang.split("-")[0] != expected:
            wrong.append(f"{rel}: <html lang={page.lang!r}>, expected {expected!r}")
    assert not wrong, "pages with a wrong or missing lang attribute:\n" + "\n".join(wrong[:40])


# --- issue 23: what a reader meets first -----------------------------------------------


class _TextCollector(HTMLParser):
    """The text of a page's article, outside code; its links; the table rows."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.rows: list[list[tuple[str, list[str]]]] = []  # cells: (text, hrefs)
        self._code = 0
        self._article = 0
        self._cell: tuple[list[str], list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self._article += 1
        if tag in {"code", "pre", "script", "style"}:
            self._code += 1
        if tag == "tr":
            self.rows.append([])
        if tag in {"td", "th"}:
            self._cell = ([], [])
        if tag == "a" and self._cell is not None and attrs.get("href"):
            self._cell[1].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if tag in {"code", "pre", "script", "style"}:
            self._code -= 1
        if tag in {"td", "th"} and self._cell is not None and self.rows:
            self.rows[-1].append(("".join(self._cell[0]).strip(), self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0].append(data)
        if self._article and not self._code:
            self.text.append(data)


def _collect(html: Path) -> _TextCollector:
    parser = _TextCollector()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("lang", content.LANGS)
def test_home_page_is_a_catalog_of_every_topic(built_site, lang):
    """Every topic with its question count from the data, the levels, the way to the
    report; navigation not hidden (tests/test_browser.py checks what is visible)."""
    html = (built_site / content.site_prefix(lang) / "index.html").read_text(encoding="utf-8")
    pages = content.question_pages(lang)
    for topic, title in content.topic_titles(lang).items():
        if not (content.DOCS / topic / f"index.{lang}.md").exists():
            continue
        count = sum(p.topic == topic for p in pages)
        assert f'data-topic="{topic}" data-count="{count}"' in html, (
            f"the {lang} home page does not list {title} with its {count} questions"
        )
        assert f'href="{topic}/"' in html, f"the {lang} home page does not link {topic}/"
    for labels in content.levels().values():
        assert labels[lang] in html, f"the {lang} home page does not list the level {labels[lang]}"
    assert 'href="report/"' in html, "the home page does not link the execution report"
    if (content.DOCS / f"practice.{lang}.md").exists():
        assert 'href="practice/"' in html, "the home page does not link practice mode"
    assert "md-sidebar--primary" in html and 'data-md-component="sidebar"' in html
    assert "hidden" not in re.search(r'<div class="md-sidebar md-sidebar--primary"[^>]*>', html)[0]


@pytest.mark.parametrize("lang", content.LANGS)
def test_glossary_links_every_term_to_a_page(built_site, lang):
    import glossary

    page = built_site / content.site_prefix(lang) / "glossary" / "index.html"
    rows = [r for r in _collect(page).rows if r and r[0][0] not in {"中文", "English"}]
    assert len(rows) == len(glossary.load()["terms"]), "a glossary row is missing"
    explained = glossary.explaining_pages()
    uncovered = {t[lang] for t in glossary.load()["terms"] if t["zh"] not in explained}
    problems = []
    for cells in rows:
        term, (text, hrefs) = cells[0][0], cells[2]
        if term in uncovered:
            if text != glossary.NOT_COVERED[lang]:
                problems.append(f"{term}: no page found, but the cell says {text!r}")
        elif not hrefs or not _target(built_site, page, hrefs[0]).exists() or not text:
            problems.append(f"{term}: no working link to the page that explains it")
    assert not problems, f"{lang} glossary:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", content.LANGS)
def test_sources_page_names_each_post_and_counts_right(built_site, lang):
    import seed_map

    html = (built_site / content.site_prefix(lang) / "sources" / "index.html").read_text(
        encoding="utf-8"
    )
    posts = {entry["at"].split(":")[0] for entry in seed_map.load_map()}
    for post in posts:
        title = seed_map.load_posts().get(post)
        assert title, f"scripts/data/posts.yml has no title for {post}"
        assert title["zh"] in html and title[lang] in html, f"{lang} sources page lacks {post}"
        if seed_map.DEFAULT_SEEDS.exists():  # the title is the post's own words
            text = (seed_map.DEFAULT_SEEDS / post).read_text(encoding="utf-8")
            assert title["zh"] in text, f"posts.yml: {post}'s title is not in the post"
    wrong = [f"{n} {word}" for n, word in re.findall(r"\basked (\d+) (times?)\b", html)]
    wrong = [w for w in wrong if (w.split()[0] == "1") != (w.split()[1] == "time")]
    assert not wrong, f"wrong plurals on the sources page: {sorted(set(wrong))}"


# Words spelled the British way; the English pages use American spelling (README,
# "Contributing"). Code, file names and quoted titles are not checked (<code>, <pre>).
BRITISH = re.compile(
    r"\b(?:\w*(?:optimis|normalis|initialis|memoris|generalis|regularis|synchronis|"
    r"visualis|summaris|organis|recognis|tokenis|quantis|standardis|vectoris|randomis|"
    r"stabilis|penalis|maximis|minimis|utilis|parallelis|serialis|realis|categoris)"
    r"(?:e|ed|es|ing|ation|ations|er|ers)|analys(?:e|ed|ing)|\w*behaviour\w*|colour\w*|"
    r"favour\w*|neighbour\w*|\w*labell(?:ed|ing)|defence|centres?|catalogues?|modelling|"
    r"modelled|levelled|cancelled|travelled|grey|licence|judgement|whilst|learnt|programme)\b",
    re.I,
)


def test_english_pages_use_american_spelling(built_site):
    found = {}
    for html in sorted((built_site / "en").rglob("index.html")):
        if "/notebook/" in html.as_posix():
            continue  # generated from the pages, which are checked
        words = sorted({m.group(0) for m in BRITISH.finditer(" ".join(_collect(html).text))})
        if words:
            found[html.relative_to(built_site).parent.as_posix()] = words
    lines = [f"{page}: {', '.join(words)}" for page, words in found.items()]
    assert not found, "British spellings in English pages (-ize, -or, -er):\n" + "\n".join(lines)


def test_every_page_has_its_date_edit_and_report_links(built_site):
    """The footer of the content: last updated, edit, report an error; in the page's
    language; no <link rel=alternate> that makes Material fetch a missing sitemap.xml."""
    home = (built_site / "index.html").read_text(encoding="utf-8")
    repo = re.search(r'<a href="([^"]+)"[^>]*class="md-social__link"', home).group(1).rstrip("/")
    problems = []
    for page in content.iter_pages():
        html = _page_html(built_site, page).read_text(encoding="utf-8")
        rel = page.path.relative_to(content.ROOT).as_posix()
        if f'href="{repo}/edit/main/{rel}"' not in html:
            problems.append(f"{rel}: no edit link")
        if f'href="{repo}/issues/new?' not in html:
            problems.append(f"{rel}: no report link")
        if 'class="md-source-file__fact page-updated"' not in html:
            problems.append(f"{rel}: no last-updated date")
        if re.search(r'<link rel="alternate" href="[^"]*" hreflang', html):
            problems.append(f"{rel}: <link rel=alternate> (Material fetches sitemap.xml beside it)")
        if page.lang == "zh" and 'title="Permanent link"' in html:
            problems.append(f"{rel}: 'Permanent link' in English")
    assert not problems, "\n".join(problems[:30])
    assert (built_site / "sitemap.xml").exists()


@pytest.mark.parametrize("lang", content.LANGS)
def test_notebook_pages_offer_the_download_and_the_pinned_install(built_site, lang):
    import notebooks

    pins = notebooks.pinned_versions()
    for topic in notebooks.topics():
        html_path = built_site / content.site_prefix(lang) / topic / "notebook" / "index.html"
        html = html_path.read_text(encoding="utf-8")
        assert f'<a href="{notebooks.NOTEBOOK_NAME}" download' in html, f"{html_path}: no link"
        install = re.search(r'<pre class="notebook-install"><code>pip install ([^<]+)</code>', html)
        assert install, f"{html_path}: no pip install line"
        for requirement in install.group(1).split():
            name = requirement.split("==")[0]
            assert pins.get(re.sub(r"[-_.]+", "-", name).lower()) == requirement, requirement
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        assert content.topic_titles(lang)[topic] in title and "Notebook" not in title, title


def test_not_found_page_in_both_languages(built_site):
    root = (built_site / "404.html").read_text(encoding="utf-8")
    english = (built_site / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in root and "页面不存在" in root
    assert '<html lang="en"' in english and "Page not found" in english
    assert 'langs[i] + "/404.html"' in root, "the root 404 page does not switch to English"
