"""Search: one index per language, and the field's Chinese terms kept whole.

Terms. Material segments Chinese text with jieba when it builds the index. jieba's
general dictionary splits terms such as 过拟合 (过/拟合) or 知识蒸馏 apart; before the
search plugin starts (on_config, higher priority), every Chinese term of the glossary
(scripts/data/terms.yml) is added to jieba's dictionary, so it becomes one token.

Languages. One search index per language, so a reader only gets results in the
language they read.

The i18n plugin writes one combined search/search_index.json for all languages, and the
search box of every page loads it: an English query on the English site would also
return Chinese pages, and the other way round. After the last language is built we
split the combined index into search/search_index.json (default language) and
<lang>/search/search_index.json, and point each non-default page's search at its own
index by giving it a language-specific `base` in Material's __config block.
"""

import json
import posixpath
import re
import sys
from pathlib import Path

import jieba
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import glossary  # noqa: E402

CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


@event_priority(100)  # before Material's search plugin builds its index
def on_config(config):
    for term in glossary.chinese_terms():
        jieba.add_word(term)
    return config


def _other_languages(config) -> list[str]:
    i18n = config.plugins["i18n"]
    return [lang.locale for lang in i18n.config.languages if lang.locale != i18n.default_language]


@event_priority(-200)
def on_post_page(output, page, config):
    locale = getattr(page.file, "locale", None)
    if locale not in _other_languages(config):
        return output

    def patch(match: re.Match) -> str:
        app = json.loads(match.group(2))
        app["base"] = posixpath.join(app["base"], locale) + "/"  # "../.." -> "../../en/"
        text = json.dumps(app, ensure_ascii=False).replace("<", "\\u003c")
        return match.group(1) + text + match.group(3)

    return CONFIG_RE.sub(patch, output, count=1)


@event_priority(-200)  # after the i18n plugin (-100) has written the combined index
def on_post_build(config):
    if config.plugins["i18n"].building:
        return  # a nested per-language build: the combined index is not complete yet
    site = Path(config.site_dir)
    combined = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    prefixes = {lang: f"{lang}/" for lang in _other_languages(config)}
    indexes = {
        lang: [
            dict(doc, location=doc["location"][len(prefix) :])
            for doc in combined["docs"]
            if doc["location"].startswith(prefix)
        ]
        for lang, prefix in prefixes.items()
    }
    indexes[""] = [
        doc for doc in combined["docs"] if not doc["location"].startswith(tuple(prefixes.values()))
    ]
    for lang, docs in indexes.items():
        path = site / lang / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"config": combined["config"], "docs": docs}, ensure_ascii=False),
            encoding="utf-8",
        )
