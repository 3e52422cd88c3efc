"""Search: one index per language, read by the site's own search worker.

Engine. Material's page script (search box, shortcuts, result list, highlighting) talks
to a web worker; we replace Material's lunr worker with docs/assets/search_worker.js
(README.md, "Search", says why). That worker segments the documents and the query with
the same function, in the browser, so the two always agree: Chinese as character
bigrams, Latin words (loss, AUC, int8, all-reduce) as words, in Chinese text too.
Each page's `__config` points Material at the worker (`search`).

Index. Material's search plugin divides every page into sections (the page itself, then
one entry per heading). After the build we rewrite what it wrote:

- one index per language: the i18n plugin writes one combined search/search_index.json
  for all languages, and the search box of every page loads it; we split it into
  search/search_index.json (default language) and <lang>/search/search_index.json, and
  point each non-default page's search at its own index (a language-specific `base`);
- plain text: code listings and recorded outputs are dropped (their API names are kept,
  in `code`), markup and Material's jieba separators (U+200B) are removed; the
  "related questions" sections are dropped (they name other pages);
- the fields the ranking needs: `kind: other` on pages that are not questions (topic
  indexes, glossary, tags, report, home) and `role` on the 30-second answer and the
  other-phrasings sections;
- the search vocabulary in `config.synonyms`: scripts/data/search_synonyms.yml and every
  zh/en pair of the glossary (scripts/data/terms.yml) with its variants.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import glossary  # noqa: E402

CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
WORKER = "assets/search_worker.js"
SYNONYMS = content.DATA / "search_synonyms.yml"
# Separator for Material's on-page highlighting of the terms a result was found by (`?h=`):
# the worker sends whole phrases, so only whitespace and punctuation separate them.
SEPARATOR = r'[\s\u200b\u3000、。，．？！；：,:!=\[\]()"/]+'

PRE_RE = re.compile(r"<pre\b.*?</pre>", re.S)
TAG_RE = re.compile(r"<[^>]+>")
MARKUP_RE = re.compile(r"<(?!/?(?:pre|code)\b)[^>]*>")  # every tag but <pre> and <code>
# Names in code worth finding: dotted (torch.compile), snake_case or CamelCase identifiers.
API_RE = re.compile(
    r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\b[A-Za-z]+_[A-Za-z0-9_]+|\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*"
)

_questions: set[str] = set()  # site URLs of question pages (all languages)


def _plain_code(block: str) -> str:
    """A <pre> block as Material's parser reads it, without Pygments' markup. The parser
    keeps <pre> and <code> and the text, and drops every other tag: only those go. A block
    the parser treats specially (data-search-exclude, line numbers) stays as it is."""
    if "data-search-exclude" in block or "linenodiv" in block:
        return block
    return MARKUP_RE.sub("", block)


def _index_plain_code(index) -> None:
    """Make Material's search index read each page with its code blocks as plain text.

    Material's parser (Python's html.parser) walks every tag of the page: that took about
    40% of the site build, most of it in the highlighted code's <span>s. Its entries come
    out the same: the code's text is kept, its markup dropped either way
    (tests/test_build_shortcuts.py). Only the indexing sees the plain code; the page keeps
    its highlighted HTML."""
    if getattr(index, "reads_plain_code", False):
        return
    add_entry = index.add_entry_from_context

    def add_entry_from_context(page):
        highlighted = page.content
        page.content = PRE_RE.sub(lambda m: _plain_code(m.group(0)), highlighted)
        try:
            add_entry(page)
        finally:
            page.content = highlighted

    index.add_entry_from_context = add_entry_from_context
    index.reads_plain_code = True


def on_pre_build(config):
    _index_plain_code(config.plugins["material/search"].search_index)


def on_page_context(context, page, config, nav):
    if page.meta.get("id"):
        _questions.add(page.url)
    return context


def _other_languages(config) -> list[str]:
    i18n = config.plugins["i18n"]
    return [lang.locale for lang in i18n.config.languages if lang.locale != i18n.default_language]


def _worker_url(config) -> str:
    source = Path(config.docs_dir) / WORKER
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    return f"{WORKER}?v={digest}"  # a new file name for browsers' caches on every change


@event_priority(-200)
def on_post_page(output, page, config):
    locale = getattr(page.file, "locale", None)
    worker = _worker_url(config)

    def patch(match: re.Match) -> str:
        app = json.loads(match.group(2))
        if locale in _other_languages(config):
            app["base"] = posixpath.join(app["base"], locale) + "/"  # "../.." -> "../../en/"
        # Material's worker lives in assets/javascripts/workers/; ours in assets/.
        prefix = app["search"].split("assets/javascripts/")[0]
        app["search"] = prefix + worker
        text = json.dumps(app, ensure_ascii=False).replace("<", "\\u003c")
        return match.group(1) + text + match.group(3)

    return CONFIG_RE.sub(patch, output, count=1)


# --- the index ---------------------------------------------------------------------------


def _plain(text: str) -> str:
    text = TAG_RE.sub(" ", text.replace("\u200b", ""))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _section_title(title: str) -> str:
    return _plain(title).rstrip("¶").strip()


def synonym_groups() -> list[list[str]]:
    """The search vocabulary: the synonym table and the glossary's zh/en pairs, merged
    where they share a phrase (so that each phrase belongs to exactly one group)."""
    groups = [list(map(str, g)) for g in content._parse_yaml(SYNONYMS.read_text("utf-8"))["groups"]]
    for term in glossary.load()["terms"]:
        group = [str(term["zh"]), str(term["en"])]
        for variants in (term.get("avoid") or {}).values():
            group += [str(v) for v in variants]
        groups.append(group)

    def key(phrase: str) -> str:
        return re.sub(r"\s+", "", phrase.casefold())

    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    for group in groups:
        for phrase in group[1:]:
            parent[find(key(phrase))] = find(key(group[0]))
    merged: dict[str, dict[str, str]] = {}
    for group in groups:
        for phrase in group:
            merged.setdefault(find(key(phrase)), {}).setdefault(key(phrase), phrase)
    return [list(g.values()) for g in merged.values() if len(g) > 1]


def vocabulary() -> dict:
    """The search vocabulary as the worker reads it (config.synonyms, aliases, weak)."""
    data = content._parse_yaml(SYNONYMS.read_text("utf-8"))
    return {
        "synonyms": synonym_groups(),
        "aliases": [
            {"say": [str(w) for w in a["say"]], "find": [str(w) for w in a["find"]]}
            for a in data.get("aliases") or []
        ],
        "weak": [str(w) for w in data.get("weak") or []],
    }


def _docs(docs: list[dict], lang: str, prefix: str) -> list[dict]:
    answer, *_, related, phrasings = content.SECTIONS[lang]
    out = []
    seen: dict[str, set[str]] = {}  # per page: the code names already kept
    for doc in docs:
        location = doc["location"][len(prefix) :]
        if "notebook/" in location:
            continue
        text = doc.get("text", "")
        prose = PRE_RE.sub(" ", text)
        known = seen.setdefault(location.split("#")[0], set())
        code = []
        for block in PRE_RE.findall(text):
            for name in API_RE.findall(html.unescape(TAG_RE.sub("", block))):
                if name not in known and name not in prose:
                    known.add(name)
                    code.append(name)
        entry = {
            "location": location,
            "title": _section_title(doc["title"]),
            "text": _plain(prose),
        }
        if "#" not in location:
            if doc["location"] not in _questions:
                entry["kind"] = "other"
        elif entry["title"] == answer:
            entry["role"] = "answer"
        elif entry["title"] == phrasings:
            entry["role"] = "phrasings"
        elif entry["title"] == related:
            continue
        if code:
            entry["code"] = " ".join(code)
        if doc.get("tags") and "#" not in location:  # the page's tags, not each section's
            entry["tags"] = doc["tags"]
        out.append(entry)
    return out


@event_priority(-200)  # after the i18n plugin (-100) has written the combined index
def on_post_build(config):
    if config.plugins["i18n"].building:
        return  # a nested per-language build: the combined index is not complete yet
    site = Path(config.site_dir)
    combined = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    i18n = config.plugins["i18n"]
    prefixes = {lang: f"{lang}/" for lang in _other_languages(config)}
    by_lang: dict[str, list[dict]] = {lang: [] for lang in prefixes}
    by_lang[i18n.default_language] = []
    for doc in combined["docs"]:
        lang = next((k for k, p in prefixes.items() if doc["location"].startswith(p)), None)
        by_lang[lang or i18n.default_language].append(doc)
    search_config = {
        "lang": [],
        "separator": SEPARATOR,
        **vocabulary(),
    }
    for lang, docs in by_lang.items():
        prefix = prefixes.get(lang, "")
        path = site / prefix / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        index = {"config": dict(search_config, lang=[lang]), "docs": _docs(docs, lang, prefix)}
        path.write_text(
            json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
