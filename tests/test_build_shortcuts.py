"""The site build's shortcuts give what the long way gives (README, "Performance").

- scripts/site_hooks/highlight_once.py reuses Pygments' HTML for a block it has seen;
- scripts/site_hooks/search.py lets Material's search index read code blocks as plain text;
- scripts/notebook_workers.py renders notebooks in workers that claim each one once
  and share nbconvert's compiled templates.

Each is compared here with the result without it, on the bank's own pages and notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import content
import markdown
import notebook_workers
import pymdownx.highlight
import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.config import load_config
from mkdocs.structure.toc import get_toc
from site_hooks import highlight_once, search

# Blocks at the same place on a page (so with the same line anchors) that differ only in
# their language, or only in their source: none may be taken for another.
TWIN = "\n\n```{}\n{}\n```\n"
CODE = "x = [1, 2]  # a list"
TWINS = TWIN.format("python", CODE) + TWIN.format("text", CODE)
SWAPPED = TWIN.format("text", CODE) + TWIN.format("python", CODE)
OTHER = TWIN.format("python", CODE + "!") + TWIN.format("text", CODE + "!")


@pytest.fixture(scope="module")
def config():
    return load_config(str(content.ROOT / "mkdocs.yml"))


@pytest.fixture(scope="module")
def page_source() -> str:
    """The question page with the most code blocks."""
    pages = content.question_pages(content.DEFAULT_LANG)
    page = max(pages, key=lambda p: len(p.includes))
    return page.path.read_text(encoding="utf-8")


def _render(config, source: str) -> tuple[str, list]:
    md = markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    return md.convert(source), md.toc_tokens


def test_each_block_highlighted_once_reads_the_same(config, page_source, monkeypatch):
    monkeypatch.chdir(content.ROOT)  # pymdownx.snippets includes relative to the root
    sources = [page_source + twins for twins in (TWINS, SWAPPED, OTHER)]
    plain = [_render(config, source)[0] for source in sources]
    monkeypatch.setattr(highlight_once, "_highlighted", {})
    monkeypatch.setattr(pymdownx.highlight, "highlight", highlight_once.highlight_once)
    first = _render(config, sources[0])[0]  # fills the table
    again = [_render(config, source)[0] for source in sources]  # from the table
    assert plain[0].count('class="language-python highlight"') >= 4, "the page shows no code"
    assert first == plain[0], "highlight_once changed the HTML of a block it saw first"
    assert again == plain, "highlight_once gave a block the HTML of another"


def test_the_table_tells_lexers_apart_by_their_options():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    src = "\n\nx = 1\n"
    formatter = HtmlFormatter()
    lexers = [PythonLexer(), PythonLexer(stripnl=False)]  # the second keeps the blank lines
    plain = [pymdownx.highlight.highlight(src, lexer, formatter) for lexer in lexers]
    assert plain[0] != plain[1]
    once = [highlight_once.highlight_once(src, lexer, formatter) for lexer in lexers]
    assert once == plain, "highlight_once took two lexers with different options for one"


def test_search_index_reads_code_as_plain_text_with_the_same_entries(
    config, page_source, monkeypatch
):
    monkeypatch.chdir(content.ROOT)
    html, toc_tokens = _render(config, page_source + TWINS)
    page = SimpleNamespace(
        content=html, meta={"tags": ["t"]}, toc=get_toc(toc_tokens), url="q/", title="Q"
    )
    highlighted = SearchIndex()
    highlighted.add_entry_from_context(page)
    plain = SearchIndex()
    seen = []  # what Material's parser is given
    add_entry = plain.add_entry_from_context
    plain.add_entry_from_context = lambda page: (seen.append(page.content), add_entry(page))
    search._index_plain_code(plain)
    plain.add_entry_from_context(page)
    assert page.content == html, "the page lost its highlighted code"
    assert "<span" in "".join(search.PRE_RE.findall(html))
    assert "<span" not in "".join(search.PRE_RE.findall(seen[0])), "the parser saw markup"
    assert any("<pre>" in e["text"] and "import" in e["text"] for e in plain.entries)
    assert plain.entries == highlighted.entries


@pytest.fixture
def claims(tmp_path, monkeypatch) -> Path:
    """An empty claims folder and no workers, as at the start of a build."""
    from nbconvert.exporters import templateexporter

    # render_into_cache shares compiled templates by replacing nbconvert's Environment
    monkeypatch.setattr(templateexporter, "Environment", templateexporter.Environment)
    monkeypatch.setattr(notebook_workers, "_claims_dir", tmp_path / "claims")
    monkeypatch.setattr(notebook_workers, "_workers", [])
    monkeypatch.setattr(notebook_workers, "_awaited", {})
    (tmp_path / "claims").mkdir()
    return tmp_path


def test_notebook_workers_render_each_unclaimed_notebook_as_mkdocs_jupyter(config, claims):
    import notebooks
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    jupyter = config.plugins["mkdocs-jupyter"].config
    options = {k: jupyter[k] for k in (*notebook_workers.RENDER_OPTIONS, "execute", "toc_depth")}
    written = {lang: notebooks.write_topics(claims / "notebooks", lang) for lang in content.LANGS}
    topic = min(written[content.DEFAULT_LANG], key=lambda p: p.stat().st_size).parent.name
    # one topic's notebook in each language: different notebooks, the same templates
    sources = [
        str(next(p for p in written[lang] if p.parent.name == topic)) for lang in content.LANGS
    ]
    expected = {}  # the long way, before any worker has touched nbconvert
    for source in sources:
        toc_tokens, title = _get_nb_toc_tokens(source, options["toc_depth"])
        html = convert.nb2html(source, **{k: options[k] for k in notebook_workers.RENDER_OPTIONS})
        expected[source] = {"content": html, "toc_tokens": toc_tokens, "title": title}
    jobs = [
        (source, str(claims / f"{i}-{n}.json"), options)
        for i, source in enumerate(sources)
        for n in range(2)
    ]
    assert notebook_workers.claim(Path(jobs[1][1])), "a fresh claim was refused"
    assert not notebook_workers.claim(Path(jobs[1][1])), "one notebook claimed twice"

    notebook_workers.render_into_cache(jobs)

    assert not Path(jobs[1][1]).exists(), "a worker rendered a notebook another process claimed"
    for source, entry, _ in jobs[:1] + jobs[2:]:
        rendered = json.loads(Path(entry).read_text(encoding="utf-8"))
        assert rendered == expected[source], f"{entry}: not what mkdocs-jupyter renders"


def test_a_notebook_page_renders_its_own_notebook_when_no_worker_has_it(claims):
    entry = claims / "entry.json"
    notebook_workers._awaited["topic/notebook.ipynb"] = entry

    notebook_workers.wait_for("topic/notebook.ipynb")  # returns: no worker to wait for

    assert not notebook_workers.claim(entry), "the page did not claim its notebook"
    notebook_workers.render_into_cache([("topic/notebook.ipynb", str(entry), {})])
    assert not entry.exists(), "a worker rendered the notebook the page had claimed"


def test_a_notebook_page_stops_waiting_when_its_worker_is_gone(claims):
    entry = claims / "entry.json"
    notebook_workers._awaited["topic/notebook.ipynb"] = entry
    notebook_workers._claim_file(entry).write_text("999999999", encoding="utf-8")  # no such worker
    notebook_workers.wait_for("topic/notebook.ipynb")  # would wait forever otherwise
