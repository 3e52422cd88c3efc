"""Topic notebooks on the site: generated per language, rendered by mkdocs-jupyter.

Runs after the i18n plugin's on_files (priority -100), for each language build:
- writes the language's topic notebooks (scripts/notebooks.py) to build/notebooks/<lang>/
  and adds them to the build as <topic>/notebook.ipynb, next to each topic's index page;
- marks every .ipynb as a documentation page again. mkdocs-jupyter marks them in its
  on_files (priority 0), but the i18n plugin re-creates every file as a plain File, which
  would be copied verbatim (ultrabug/mkdocs-static-i18n#198);
- gives each notebook its twin in the other language, for the language switcher;
- gives mkdocs-jupyter's cache of rendered notebooks one folder per language (below);
- renders the notebooks missing from that cache in parallel, one process per core, into
  the cache (mkdocs-jupyter renders one notebook after another: on a fresh checkout this
  was half of the site build).
Notebook pages stay out of the search index: they repeat the question pages.
"""

import importlib.metadata
import json
import multiprocessing
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

from markdown.extensions.toc import unique as unique_id
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import notebooks  # noqa: E402


def _is_page() -> bool:
    return True


def rendered_cache(lang: str) -> Path:
    """mkdocs-jupyter ends each build by deleting the cache entries that build did not use.
    Shared by both languages, each language's build deleted the other's, and nothing was
    ever reused. Per language, and per version of what shapes the HTML, entries survive."""
    versions = "-".join(importlib.metadata.version(d) for d in ("nbconvert", "mkdocs-jupyter"))
    return content.RENDERED_NOTEBOOKS / lang / versions


# The options mkdocs-jupyter passes to its converter (mkdocs_jupyter/plugin.py, on_pre_page).
RENDER_OPTIONS = (
    "kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
    "remove_tag_config", "highlight_extra_classes", "include_requirejs", "custom_mathjax_url",
)  # fmt: skip


def _render_into_cache(jobs: list[tuple[str, str, dict]]) -> None:
    """Render notebooks exactly as mkdocs-jupyter does on a cache miss, and store each
    where its cache lookup will find it (runs in a forked worker process)."""
    for job in jobs:
        _render_one(*job)


def _render_one(path: str, cache_path: str, options: dict) -> None:
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    body = convert.nb2html(
        path, execute=options["execute"], **{k: options[k] for k in RENDER_OPTIONS}
    )
    toc_tokens, title = _get_nb_toc_tokens(path, options["toc_depth"])
    target = Path(cache_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    entry = {"content": body, "toc_tokens": toc_tokens, "title": title}
    target.with_suffix(".tmp").write_text(json.dumps(entry), encoding="utf-8")
    target.with_suffix(".tmp").replace(target)


def _prerender(paths: list[Path], plugin_config) -> None:
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    options = {k: plugin_config[k] for k in (*RENDER_OPTIONS, "execute", "toc_depth")}
    jobs = []
    for path in paths:
        key = _compute_cache_key(str(path), plugin_config, plugin_config["execute"])
        cache_path = _get_cache_path(plugin_config["cache_dir"], key)
        if not cache_path.exists():
            jobs.append((str(path), str(cache_path), options))
    if len(jobs) < 2:  # one notebook: mkdocs-jupyter renders it itself
        return
    # Forked, so the hook's function needs no pickling. A worker that fails leaves its
    # notebooks uncached; mkdocs-jupyter then renders them itself and reports the error.
    fork = multiprocessing.get_context("fork")
    count = min(len(jobs), os.cpu_count() or 1)
    workers = [
        fork.Process(target=_render_into_cache, args=(jobs[i::count],)) for i in range(count)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


@event_priority(-200)
def on_files(files, config):
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    out_dir = content.NOTEBOOKS
    jupyter = config.plugins["mkdocs-jupyter"].config
    jupyter["cache_dir"] = str(rendered_cache(lang))
    languages = [language.locale for language in i18n.config.languages]
    written = notebooks.write_topics(out_dir, lang)
    if jupyter["cache"]:
        _prerender(written, jupyter)
    for path in written:
        src_uri = path.relative_to(out_dir / lang).as_posix()
        folder = src_uri.removesuffix(".ipynb")  # <topic>/notebook
        dest_uri = f"{content.site_prefix(lang)}{folder}/index.html"
        file = File(src_uri, str(out_dir / lang), config.site_dir, True, dest_uri=dest_uri)
        file.locale = file.locale_alternate_of = lang
        file.alternates = {
            other: SimpleNamespace(url=f"{content.site_prefix(other)}{folder}/")
            for other in languages
        }
        files.append(file)
    for file in files:
        if file.src_uri.endswith(f"/{notebooks.NOTEBOOK_NAME}"):
            file.is_documentation_page = _is_page
    return files


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.meta["search"] = {"exclude": True}
        # The page's table of contents comes from Python-Markdown's toc extension, which
        # makes heading ids unique (rag, rag_1, ...; an empty slug, as for Chinese text,
        # becomes _1, _2, ...). nbconvert leaves duplicates and empty ids: apply the same
        # rule to its headings, in order, so that every TOC link has its target.
        seen: set[str] = set()

        def unique(match: re.Match) -> str:
            slug = unique_id(match.group(2), seen)
            seen.add(slug)
            return f'{match.group(1)} id="{slug}"'

        html = re.sub(r'(<h[1-6][^>]*?) id="([^"]*)"', unique, html)
    return html
