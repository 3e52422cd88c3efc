"""Topic notebooks on the site: generated per language, rendered by mkdocs-jupyter.

Runs after the i18n plugin's on_files (priority -100), for each language build:
- writes the language's topic notebooks (scripts/notebooks.py) to build/notebooks/<lang>/
  and adds them to the build as <topic>/notebook.ipynb, next to each topic's index page;
- marks every .ipynb as a documentation page again. mkdocs-jupyter marks them in its
  on_files (priority 0), but the i18n plugin re-creates every file as a plain File, which
  would be copied verbatim (ultrabug/mkdocs-static-i18n#198);
- gives each notebook its twin in the other language, for the language switcher;
- gives mkdocs-jupyter's cache of rendered notebooks one folder per language (below);
- renders the notebooks missing from that cache, of both languages, in background
  processes (one per core) that start with the first language's build and run while the
  main process builds the Markdown pages (mkdocs-jupyter renders one notebook after
  another: on a fresh checkout this was half of the site build). Each notebook is
  claimed once, by whichever process gets to it first: a worker taking the next one, or
  the main process reaching its page, which then renders it itself instead of waiting
  (no core idles while notebooks are left).
Each notebook page is titled in its language and starts with a link to download the
.ipynb and the pinned `pip install` that runs it (scripts/notebooks.py reads the pins
from constraints.txt). Notebook pages stay out of the search index: they repeat the
question pages.
"""

import functools
import hashlib
import html as html_lib
import importlib.metadata
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import jinja2
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


def _claim_file(cache_path: Path) -> Path:
    return _claims_dir / hashlib.sha256(str(cache_path).encode()).hexdigest()


def _claim(cache_path: Path) -> bool:
    """Take the rendering of one notebook; False when another process has it. The claim
    file holds the claimant's process id."""
    try:
        with _claim_file(cache_path).open("x", encoding="utf-8") as claim:
            claim.write(str(os.getpid()))
    except FileExistsError:
        return False
    return True


def _claimant_alive(cache_path: Path) -> bool:
    """Whether the worker that claimed this notebook is still running."""
    pid = _claim_file(cache_path).read_text(encoding="utf-8")
    if not pid:
        return True  # claimed this instant, its id not written yet
    return any(worker.pid == int(pid) and worker.is_alive() for worker in _workers)


class _CompiledTemplates(jinja2.BytecodeCache):
    """nbconvert's templates compiled once per worker, not once per notebook."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _render_into_cache(jobs: list[tuple[str, str, dict]]) -> None:
    """Render notebooks exactly as mkdocs-jupyter does on a cache miss, and store each
    where its cache lookup will find it (runs in a forked worker process): every job,
    in order, that no other process has claimed."""
    # mkdocs-jupyter makes a new exporter, so a new Jinja environment, for every
    # notebook; compiling nbconvert's templates again was a tenth of each render. In this
    # worker only, their environments share one cache of compiled templates, keyed by each
    # template's name and source. Compiled code also depends on the environment that
    # compiled it (its options, the kind of each filter); that is the same here because
    # every environment in a worker is made by the same exporter classes with the same
    # configuration (mkdocs_jupyter/nbconvert2.py). tests/test_build_shortcuts.py
    # compares the result with nbconvert's own.
    from nbconvert.exporters import templateexporter

    templateexporter.Environment = functools.partial(
        jinja2.Environment, bytecode_cache=_CompiledTemplates()
    )
    for job in jobs:
        if _claim(Path(job[1])):
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


# Workers rendering notebooks in the background, and the cache entry each notebook's page
# will read. Started by the first language's build for every language, so that they render
# while the main process builds the Markdown pages, instead of one language at a time.
_workers: list = []
_awaited: dict[str, Path] = {}
_written: dict[str, list[Path]] = {}  # per language, its topic notebooks (this build's)
# One file per claim, in a folder per build: `mkdocs serve` keeps this module between
# rebuilds, and a claim of an earlier build must not keep a notebook from being rendered.
_claims = tempfile.TemporaryDirectory(prefix="notebook-claims-")
_claims_dir = Path(_claims.name)


def _new_build() -> None:
    global _claims_dir
    _claims_dir = Path(tempfile.mkdtemp(dir=_claims.name))
    _workers.clear()
    _awaited.clear()


def _jobs(lang: str, paths: list[Path], plugin_config) -> list[tuple[str, str, dict]]:
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    options = {k: plugin_config[k] for k in (*RENDER_OPTIONS, "execute", "toc_depth")}
    jobs = []
    for path in paths:
        key = _compute_cache_key(str(path), plugin_config, plugin_config["execute"])
        cache_path = _get_cache_path(str(rendered_cache(lang)), key)
        if not cache_path.exists() and cache_path not in _awaited.values():
            jobs.append((str(path), str(cache_path), options))
    return jobs


def _prerender(written: dict[str, list[Path]], plugin_config) -> None:
    """Start rendering, in the background, the notebooks `written` per language (in that
    order) that are not in mkdocs-jupyter's cache yet."""
    jobs = [job for lang, paths in written.items() for job in _jobs(lang, paths, plugin_config)]
    if len(jobs) < 2:  # one notebook: mkdocs-jupyter renders it itself
        return
    # Forked, so the hook's function needs no pickling. A worker that fails leaves the
    # notebook it claimed uncached; mkdocs-jupyter then renders it and reports the error.
    fork = multiprocessing.get_context("fork")
    for _ in range(min(len(jobs), os.cpu_count() or 1)):
        worker = fork.Process(target=_render_into_cache, args=(jobs,), daemon=True)
        worker.start()
        _workers.append(worker)
    _awaited.update({path: Path(cache_path) for path, cache_path, _ in jobs})


@event_priority(50)  # before mkdocs-jupyter's on_pre_page looks the notebook up in its cache
def on_pre_page(page, config, files):
    """Wait for the background render of this notebook if a worker has it; if none
    does yet, claim it: mkdocs-jupyter then renders it here, finding no cache entry."""
    cache_path = _awaited.get(page.file.abs_src_path or "")
    if cache_path is None or _claim(cache_path):
        return page
    while not cache_path.exists():
        if not _claimant_alive(cache_path):
            break  # its worker failed: mkdocs-jupyter renders it and reports the error
        time.sleep(0.02)
    return page


@event_priority(-200)
def on_files(files, config):
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    out_dir = content.NOTEBOOKS
    jupyter = config.plugins["mkdocs-jupyter"].config
    jupyter["cache_dir"] = str(rendered_cache(lang))
    languages = [language.locale for language in i18n.config.languages]
    if not i18n.building:  # the first language's build: every language's notebooks
        _new_build()
        _written.clear()
        for other in [lang] + [o for o in languages if o != lang]:
            _written[other] = notebooks.write_topics(out_dir, other)
        if jupyter["cache"]:
            _prerender(_written, jupyter)
    for path in _written[lang]:
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


TEXT = {
    "zh": {
        "title": "{topic}：全部代码（notebook）",
        "download": "下载 notebook（{name}）",
        "run": "在本地运行：安装题库测试时用的版本，再用 JupyterLab 或 VS Code 打开它。",
    },
    "en": {
        "title": "{topic}: all the code (notebook)",
        "download": "Download the notebook ({name})",
        "run": "To run it locally, install the versions the bank is tested with, then open "
        "it in JupyterLab or VS Code.",
    },
}


def download_block(topic: str, lang: str) -> str:
    """The download link and the pinned install line at the top of a notebook page."""
    text = TEXT[lang]
    name = notebooks.NOTEBOOK_NAME
    install = html_lib.escape("pip install " + " ".join(notebooks.topic_requirements(topic, lang)))
    return (
        f'<div class="notebook-download">\n<p><a href="{name}" download class="md-button">'
        f"{text['download'].format(name=name)}</a></p>\n<p>{text['run']}</p>\n"
        f'<pre class="notebook-install"><code>{install}</code></pre>\n</div>\n'
    )


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.meta["search"] = {"exclude": True}
        lang = getattr(page.file, "locale", content.DEFAULT_LANG)
        topic = page.file.src_uri.split("/")[0]
        page.title = TEXT[lang]["title"].format(topic=content.topic_titles(lang)[topic])
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
        block = download_block(topic, lang)  # under the notebook's H1, the topic's title
        html = html.replace("</h1>", "</h1>\n" + block, 1) if "</h1>" in html else block + html
    return html
