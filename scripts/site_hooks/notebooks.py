"""Topic notebooks on the site: generated per language, rendered by mkdocs-jupyter.

Runs after the i18n plugin's on_files (priority -100), for each language build:
- writes the language's topic notebooks (scripts/notebooks.py) to build/notebooks/<lang>/
  and adds them to the build as <topic>/notebook.ipynb, next to each topic's index page;
- marks every .ipynb as a documentation page again. mkdocs-jupyter marks them in its
  on_files (priority 0), but the i18n plugin re-creates every file as a plain File, which
  would be copied verbatim (ultrabug/mkdocs-static-i18n#198);
- gives each notebook its twin in the other language, for the language switcher;
- gives mkdocs-jupyter's cache of rendered notebooks one folder per language (below).
Notebook pages stay out of the search index: they repeat the question pages.
"""

import importlib.metadata
import re
import sys
from pathlib import Path
from types import SimpleNamespace

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


@event_priority(-200)
def on_files(files, config):
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    out_dir = content.NOTEBOOKS
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(rendered_cache(lang))
    languages = [language.locale for language in i18n.config.languages]
    for path in notebooks.write_topics(out_dir, lang):
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
        # nbconvert leaves headings it cannot slugify (Chinese text) with id="", while
        # the page's table of contents links them as #_1, #_2, ... in order: match them.
        counter = iter(range(1, 10**6))
        html = re.sub(
            r'(<h[1-6][^>]*?) id=""', lambda m: f'{m.group(1)} id="_{next(counter)}"', html
        )
    return html
