"""The content model: question pages, their front matter, the snippets they include.

Layout (see README.md):
    docs/<topic>/<question>.zh.md + .en.md   one question, two languages
    docs/<topic>/index.<lang>.md             the topic's index page
    snippets/<topic>/<name>.py + <name>.out  code a page includes, and its recorded output

Everything that reads pages goes through this module, so the rules live in one place.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
DATA = ROOT / "scripts" / "data"

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"  # mkdocs.yml's i18n default: served at the site root


def site_prefix(lang: str) -> str:
    """Where a language's pages live in the built site: "" (the root) or "en/"."""
    return "" if lang == DEFAULT_LANG else f"{lang}/"


# Front matter keys a question page may carry (DESIGN.md, "Content model").
QUESTION_KEYS = {"id", "tags", "level", "seeds"}
REQUIRED_KEYS = {"id", "tags", "level"}
# Page-level keys Material understands, allowed on any page.
MATERIAL_KEYS = {"title", "description", "hide", "search", "icon", "status"}

# The sections of a question page, in order (after the H1 that states the question).
SECTIONS = {
    "zh": ["30 秒回答", "详细解答", "可运行示例", "常见误区", "相关问题", "其他问法"],
    "en": [
        "30-second answer",
        "Detailed answer",
        "Runnable example",
        "Pitfalls",
        "Related questions",
        "Other phrasings",
    ],
}

ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
INCLUDE_RE = re.compile(r"^\s*-{1,}8<-{1,}\s+\"([^\"]+)\"\s*$", re.MULTILINE)
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})([^\n]*)\n(.*?)^\1\2\s*$", re.MULTILINE | re.DOTALL)
H1_RE = re.compile(r"^# (.+)$", re.MULTILINE)
MD_LINK_RE = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
H2_RE = re.compile(r"^## (.+?)\s*(?:\{[^}]*\})?$", re.MULTILINE)


# How long a 30-second answer may be: about 30 seconds spoken. People say about 150 Chinese
# characters or about 80 English words in 30 seconds; these are the hard limits around that.
SPOKEN_LIMIT = {"zh": 180, "en": 100}
# The corrections of the source posts sit in one collapsible block at the end of the
# Pitfalls section, after the mistakes candidates and practitioners make.
CORRECTIONS_BLOCK = {
    "zh": '??? note "原帖勘误"',
    "en": '??? note "Corrections to the source posts"',
}


def spoken_units(markdown: str, lang: str) -> int:
    """What a speaker says: Chinese characters and Latin words (each counts once); in English,
    words. Markup, code spans' backticks and link targets are not said."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)  # link targets
    text = re.sub(r"[*_`>#|\[\]]", " ", text)
    latin_words = len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.+/-]*", text))
    if lang == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", text)) + latin_words
    return latin_words


class ContentError(Exception):
    """A content rule is broken; the message names the file and says what to do."""


@dataclass
class Page:
    path: Path
    lang: str
    meta: dict
    body: str
    topic: str = field(init=False)
    stem: str = field(init=False)

    def __post_init__(self) -> None:
        rel = self.path.relative_to(DOCS)
        self.topic = rel.parts[0] if len(rel.parts) > 1 else ""
        self.stem = rel.name[: -len(f".{self.lang}.md")]

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_question(self) -> bool:
        return bool(self.topic) and self.stem != "index"

    @property
    def twin_path(self) -> Path:
        other = "en" if self.lang == "zh" else "zh"
        return self.path.with_name(f"{self.stem}.{other}.md")

    @property
    def title(self) -> str:
        match = H1_RE.search(self.body)
        return match.group(1).strip() if match else ""

    @property
    def includes(self) -> list[str]:
        """Repository-relative paths of every file the page includes with --8<--."""
        return INCLUDE_RE.findall(self.body)

    @property
    def sections(self) -> list[str]:
        return [h.strip() for h in H2_RE.findall(self.body)]

    def section(self, title: str) -> str:
        """The Markdown under the H2 `title`, up to the next H2."""
        match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", self.body, re.M | re.S)
        return match.group(1).strip() if match else ""

    @property
    def related(self) -> list[str]:
        """`topic/stem` of every page linked under the related-questions section."""
        import posixpath

        text = self.section(SECTIONS[self.lang][4])
        return [
            posixpath.normpath(posixpath.join(self.topic, target)).removesuffix(".md")
            for target in MD_LINK_RE.findall(text)
        ]


def link_to(page: Page, from_src_uri: str) -> str:
    """A Markdown link target to `page` from the page whose docs path is `from_src_uri`."""
    import posixpath

    return posixpath.relpath(f"{page.topic}/{page.stem}.md", posixpath.dirname(from_src_uri))


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            f"{path.relative_to(ROOT)}: not valid UTF-8 ({exc}). Save it as UTF-8."
        ) from exc


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    rel = path.relative_to(ROOT)
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ContentError(
            f"{rel}: front matter opened with '---' is never closed by a '---' line."
        )
    try:
        meta = copy.deepcopy(_parse_yaml(text[4:end])) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{rel}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{rel}: front matter must be a mapping of keys to values.")
    return meta, text[end + 5 :]


@cache
def _parse_yaml(text: str):
    """Front matter is parsed once per distinct text: a site build reads every page's
    front matter many times (topic lists, the report, notebooks). Callers get a copy."""
    return yaml.safe_load(text)


def lang_of(path: Path) -> str | None:
    for lang in LANGS:
        if path.name.endswith(f".{lang}.md"):
            return lang
    return None


def load_page(path: Path) -> Page:
    lang = lang_of(path)
    if lang is None:
        raise ContentError(
            f"{path.relative_to(ROOT)}: page name has no language suffix; "
            "name it <stem>.zh.md or <stem>.en.md."
        )
    meta, body = split_front_matter(read_text(path), path)
    return Page(path=path, lang=lang, meta=meta, body=body)


def _signature(paths: list[Path]) -> tuple:
    """What identifies these files' contents without reading them: path, size, mtime."""
    return tuple((str(p), s.st_size, s.st_mtime_ns) for p in paths for s in [p.stat()])


_loaded: dict[str, tuple] = {}  # what iter_pages and mkdocs_config last read, and from what


def iter_pages() -> list[Page]:
    """Every page under docs/. A site build asks for them many times (topic lists, notebooks,
    the glossary): they are read again only when a page was added, removed or changed."""
    paths = sorted(DOCS.rglob("*.md"))
    key = _signature(paths)
    if _loaded.get("pages", (None,))[0] != key:
        _loaded["pages"] = (key, [load_page(p) for p in paths])
    return list(_loaded["pages"][1])


def question_pages(lang: str | None = None) -> list[Page]:
    return [p for p in iter_pages() if p.is_question and (lang is None or p.lang == lang)]


def snippet_files() -> list[Path]:
    return sorted(SNIPPETS.rglob("*.py"))


def recorded_output_path(snippet: Path) -> Path:
    return snippet.with_suffix(".out")


BUILD = ROOT / "build"  # generated, never committed: manifests, cache, figures, notebooks
NOTEBOOKS = BUILD / "notebooks"  # generated per language by scripts/notebooks.py
RENDERED_NOTEBOOKS = BUILD / "notebook-html"  # mkdocs-jupyter's cache, kept per language


def figure_path(snippet_rel: str, build: Path = BUILD) -> Path:
    """Where the runner puts the figure a snippet saved (`<stem>.png` in its working dir)."""
    rel = Path(snippet_rel)
    inside = rel.relative_to("snippets") if snippet_rel.startswith("snippets/") else rel.name
    return build / "figures" / Path(inside).with_suffix(".png")


def pages_by_include() -> dict[str, list[str]]:
    """Every included file -> the pages (repo-relative) that include it, read in one pass."""
    index: dict[str, list[str]] = {}
    for page in iter_pages():
        for include in page.includes:
            index.setdefault(include, []).append(page.rel)
    return {include: sorted(set(pages)) for include, pages in index.items()}


@cache
def vocabulary() -> dict:
    """scripts/data/tags.yml: tag key -> {zh: label, en: label}."""
    return yaml.safe_load((DATA / "tags.yml").read_text(encoding="utf-8"))


@cache
def topics() -> dict:
    """scripts/data/topics.yml: topic folder -> {zh: title, en: title}, in display order."""
    return yaml.safe_load((DATA / "topics.yml").read_text(encoding="utf-8"))


def topic_titles(lang: str) -> dict[str, str]:
    return {topic: titles[lang] for topic, titles in topics().items()}


@cache
def levels() -> dict:
    """scripts/data/levels.yml: level key -> {zh: label, en: label}."""
    return yaml.safe_load((DATA / "levels.yml").read_text(encoding="utf-8"))


class _MkdocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without evaluating its tags (!ENV, !!python/...)."""


_MkdocsLoader.add_multi_constructor(
    "",
    lambda loader, suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    ),
)


def mkdocs_config() -> dict:
    """mkdocs.yml as data (read again only when it changed); callers get their own copy."""
    path = ROOT / "mkdocs.yml"
    key = _signature([path])
    if _loaded.get("mkdocs", (None,))[0] != key:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_MkdocsLoader)  # noqa: S506
        _loaded["mkdocs"] = (key, config)
    return copy.deepcopy(_loaded["mkdocs"][1])


def nav_order() -> dict[str, int]:
    """Every page path in mkdocs.yml's nav -> its position."""
    order: dict[str, int] = {}

    def walk(node):
        if isinstance(node, str):
            order.setdefault(node, len(order))
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(mkdocs_config().get("nav", []))
    return order


def plugin_config(config: dict, name: str) -> dict:
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and name in plugin:
            return plugin[name] or {}
    raise KeyError(f"mkdocs.yml has no '{name}' plugin")
