"""The site build's shortcuts give what the long way gives (README, "Performance").

- scripts/site_hooks/highlight_once.py reuses Pygments' HTML for a block it has seen;
- scripts/site_hooks/search.py lets Material's search index read code blocks as plain text;
- scripts/site_hooks/notebooks.py renders notebooks in workers that claim each one once
  and share nbconvert's compiled templates.

Each is compared here with the result without it, on the bank's own pages and notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import content
import markdown
import pymdownx.highlight
import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.config import load_config
from mkdocs.structure.toc import get_toc
from site_hooks import highlight_once, search
from site_hooks import notebooks as notebook_pages

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
    search._index_plain_code(plain)
    plain.add_entry_from_context(page)
    assert page.content == html, "the page lost its highlighted code"
    assert any("<pre>" in e["text"] and "import" in e["text"] for e in plain.entries)
    assert plain.entries == highlighted.entries


def test_notebook_workers_render_each_unclaimed_notebook_as_mkdocs_jupyter(
    config, tmp_path, monkeypatch
):
    from mkdocs_jupyter import convert
    from nbconvert.exporters import templateexporter

    monkeypatch.setattr(templateexporter, "Environment", templateexporter.Environment)
    monkeypatch.setattr(notebook_pages, "_claims", SimpleNamespace(name=str(tmp_path)))
    import notebooks

    written = notebooks.write_topics(tmp_path / "notebooks", content.DEFAULT_LANG)
    notebook = str(min(written, key=lambda p: p.stat().st_size))
    jupyter = config.plugins["mkdocs-jupyter"].config
    options = {k: jupyter[k] for k in (*notebook_pages.RENDER_OPTIONS, "execute", "toc_depth")}
    entries = [tmp_path / f"cache-{i}.json" for i in range(3)]
    assert notebook_pages._claim(entries[1]), "a fresh claim was refused"
    assert not notebook_pages._claim(entries[1]), "one notebook claimed twice"

    notebook_pages._render_into_cache([(notebook, str(e), options) for e in entries])

    assert not entries[1].exists(), "a worker rendered a notebook another process claimed"
    direct = convert.nb2html(notebook, **{k: options[k] for k in notebook_pages.RENDER_OPTIONS})
    for entry in (entries[0], entries[2]):  # the second with the templates compiled once
        assert json.loads(entry.read_text(encoding="utf-8"))["content"] == direct
    assert Path(notebook).exists()
