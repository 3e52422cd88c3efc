"""What a question page adds around its examples, all generated at build time.

Under every snippet's recorded output:
- the figure the snippet saved, where the page marks it with
  `<!-- figure: <stem>.png | alt text -->` (the runner put it in build/figures/);
- the "verified on" line for the CPU run and, for CUDA-marked snippets, the GPU run,
  from the manifests in build/verify/ (scripts/manifests.py), never hand-written;
- a download link for the snippet's .py file.
At the top of the runnable-example section, a link to the question's notebook
(scripts/notebooks.py). Which sections practice mode hides: scripts/site_hooks/practice.py.

The downloads and figures are copied next to the page: <topic>/<question>/<file>.
"""

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import manifests  # noqa: E402
import notebooks  # noqa: E402
import verify  # noqa: E402

FIGURE_MARK = r"<!-- figure: (?P<name>[\w.-]+\.png)\s*\|\s*(?P<alt>[^>]*?)\s*-->"
FIGURE = re.compile(rf"^{FIGURE_MARK}$", re.M)
# An output block, and the figure marker right after it if there is one.
OUTPUT_FENCE = re.compile(
    r'^(?P<fence>```text title="[^"]*"\n-{1,}8<-{1,} "(?P<out>snippets/[^"]+\.out)"\n```)[ \t]*$'
    rf"(?:\s*^{FIGURE_MARK}$)?",
    re.M,
)


def _lang(page_or_file) -> str:
    return getattr(page_or_file, "locale", content.DEFAULT_LANG)


def figures_of(page: content.Page) -> list[tuple[str, str]]:
    return [(m["name"], m["alt"]) for m in FIGURE.finditer(page.body)]


def _static(src_dir: Path, src_uri: str, dest_uri: str, lang: str, config) -> File:
    file = File(src_uri, str(src_dir), config.site_dir, True, dest_uri=dest_uri)
    file.locale = file.locale_alternate_of = lang
    file.alternates = {}
    return file


_runs: dict[str, dict] = {"manifests": {}}


@event_priority(-200)
def on_files(files, config):
    """Put each question's snippets, notebook and figures next to the page."""
    _runs["manifests"] = manifests.load()  # once per build, for every page's verified-on lines
    lang = config.plugins["i18n"].current_language
    prefix = content.site_prefix(lang)
    out_dir = content.NOTEBOOKS
    notebooks.write_questions(out_dir, lang)
    for page in content.question_pages(lang):
        folder = f"{prefix}{page.topic}/{page.stem}"
        for include in page.includes:
            if include.endswith(".py"):
                src_uri = include.removeprefix("snippets/")
                name = src_uri.rsplit("/", 1)[-1]
                files.append(_static(content.SNIPPETS, src_uri, f"{folder}/{name}", lang, config))
        src_uri = f"{page.topic}/{page.stem}.ipynb"
        files.append(_static(out_dir / lang, src_uri, f"{folder}/{page.stem}.ipynb", lang, config))
        for name, _alt in figures_of(page):
            snippet = f"snippets/{page.topic}/{name.removesuffix('.png')}.py"
            source = content.figure_path(snippet)
            if not source.exists():
                raise PluginError(
                    f"{page.rel} shows the figure {name}, but {source.relative_to(content.ROOT)} "
                    f"does not exist. Run `python scripts/verify.py {snippet}`; that snippet "
                    f"must save {name} in its working directory."
                )
            src_dir = source.parents[1]  # build/figures; the file is <topic>/<name> in it
            files.append(_static(src_dir, f"{page.topic}/{name}", f"{folder}/{name}", lang, config))
    return files


def _after_output(match: re.Match, lang: str, runs: dict) -> str:
    out = match["out"]
    snippet = out.removesuffix(".out") + ".py"
    cuda = verify.Snippet.load(content.ROOT / snippet).cuda
    lines = manifests.verified_on(snippet, cuda, lang, runs)
    name = snippet.rsplit("/", 1)[-1]
    download = manifests.TEXT[lang]["download"].format(name=name)
    html = "<br>\n".join(f'<span class="verified-on">{line}</span>' for line in lines)
    figure = f"\n\n{_figure(match)}" if match["name"] else ""
    return (
        f'{match["fence"]}{figure}\n\n<p class="example-meta">\n{html}<br>\n'
        f'<a href="{name}" download>{download}</a>\n</p>\n'
    )


def _figure(match: re.Match) -> str:
    return (
        f'<figure class="snippet-figure">\n<img src="{match["name"]}" alt="{match["alt"]}" '
        'loading="lazy">\n</figure>'
    )


def on_page_markdown(markdown, page, config, files):
    meta = page.meta or {}
    if "id" not in meta or "level" not in meta:
        return markdown  # not a question page
    lang = _lang(page.file)
    runs = _runs["manifests"]
    sections = content.SECTIONS[lang]
    notebook = manifests.TEXT[lang]["notebook"].format(name=f"{meta['id']}.ipynb")
    markdown = re.sub(
        rf"^## {re.escape(sections[2])}\s*$",
        lambda m: (
            f'{m.group(0)}\n\n<p class="example-notebook"><a href="{meta["id"]}.ipynb" '
            f"download>{notebook}</a></p>\n"
        ),
        markdown,
        count=1,
        flags=re.M,
    )
    markdown = OUTPUT_FENCE.sub(lambda m: _after_output(m, lang, runs), markdown)
    return FIGURE.sub(_figure, markdown)
