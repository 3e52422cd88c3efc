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
  processes that start with the first language's build (scripts/notebook_workers.py);
  each notebook page waits for its own, or renders it if no worker has started it.
Each notebook page is titled in its language and starts with a link to download the
.ipynb and the pinned `pip install` that runs it (scripts/notebooks.py reads the pins
from constraints.txt). Notebook pages stay out of the search index: they repeat the
question pages.
"""

import html as html_lib
import importlib.metadata
import re
import sys
from pathlib import Path
from types import SimpleNamespace

from markdown.extensions.toc import unique as unique_id
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import notebook_workers  # noqa: E402
import notebooks  # noqa: E402


def _is_page() -> bool:
    return True


def rendered_cache(lang: str) -> Path:
    """mkdocs-jupyter ends each build by deleting the cache entries that build did not use.
    Shared by both languages, each language's build deleted the other's, and nothing was
    ever reused. Per language, and per version of what shapes the HTML, entries survive."""
    versions = "-".join(importlib.metadata.version(d) for d in ("nbconvert", "mkdocs-jupyter"))
    return content.RENDERED_NOTEBOOKS / lang / versions


@event_priority(50)  # before mkdocs-jupyter's on_pre_page looks the notebook up in its cache
def on_pre_page(page, config, files):
    notebook_workers.wait_for(page.file.abs_src_path or "")
    return page


_written: dict[str, list[Path]] = {}  # per language, its topic notebooks (this build's)


@event_priority(-200)
def on_files(files, config):
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    out_dir = content.NOTEBOOKS
    jupyter = config.plugins["mkdocs-jupyter"].config
    jupyter["cache_dir"] = str(rendered_cache(lang))
    languages = [language.locale for language in i18n.config.languages]
    if not i18n.building:  # the first language's build: every language's notebooks
        notebook_workers.new_build()
        _written.clear()
        for other in [lang] + [o for o in languages if o != lang]:
            _written[other] = notebooks.write_topics(out_dir, other)
        if jupyter["cache"]:
            cache_dirs = {other: rendered_cache(other) for other in languages}
            notebook_workers.start(_written, cache_dirs, jupyter)
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
