"""What every page carries around its content, in the page's language.

- At the end of the content (scripts/site_theme/partials/source-file.html): the last-updated date
  (the git-revision-date-localized plugin), a link to edit the page's source in the
  repository and one to report an error in it (a new issue naming the page). Plain
  links: Material's edit buttons need `repo_url`, which makes every page call
  api.github.com for the repository's stars.
- The heading anchors' "Permanent link" title, which Python-Markdown's toc extension
  writes in English on every page, in the page's language.
- No `<link rel="alternate" hreflang>` in the page head. Material's language integration
  fetches `sitemap.xml` next to each of those links to keep the reader on the same page,
  but the i18n plugin points them at the page's twin (`/en/glossary/`), where there is
  no sitemap: two 404s on every page. The language menu already links each page to its
  twin, and the site's sitemap.xml lists every page's alternates (hreflang) for search
  engines.
"""

import re
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402

BRANCH = "main"  # the branch the workflow publishes (.github/workflows/ci.yml)
TEXT = {
    "zh": {
        "updated": "最后更新：",
        "edit": "在 GitHub 上编辑此页",
        "report": "报告错误",
        "issue": "页面有误：{title}",
        "permalink": "永久链接",
    },
    "en": {
        "updated": "Last updated: ",
        "edit": "Edit this page on GitHub",
        "report": "Report an error",
        "issue": "Error on the page: {title}",
        "permalink": "Permanent link",
    },
}
ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def _lang(page) -> str:
    return getattr(page.file, "locale", content.DEFAULT_LANG)


def repository(config) -> str:
    """The repository's address: the footer's GitHub link (REPO_URL, mkdocs.yml)."""
    for item in config.extra.get("social", []):
        if "github" in item.get("icon", ""):
            return item["link"].rstrip("/")
    raise ValueError("mkdocs.yml extra.social has no GitHub link (REPO_URL)")


def source_path(page) -> str | None:
    """The page's file relative to the repository, or None for a generated page."""
    path = Path(page.file.abs_src_path or "").resolve()
    if not path.is_relative_to(content.DOCS):
        return None  # the topic notebooks: generated from the pages by scripts/notebooks.py
    return path.relative_to(content.ROOT).as_posix()


def on_page_context(context, page, config, nav):
    text = TEXT[_lang(page)]
    repo = repository(config)
    source = source_path(page)
    title = text["issue"].format(title=page.title or "")
    body = f"{page.canonical_url or page.url}\n\n" + (f"`{source}`\n\n" if source else "")
    context["page_footer"] = {
        "updated": text["updated"],
        "edit": text["edit"],
        "report": text["report"],
        "edit_url": f"{repo}/edit/{BRANCH}/{source}" if source else None,
        "issue_url": f"{repo}/issues/new?title={quote(title)}&body={quote(body)}",
    }
    return context


def on_page_content(html, page, config, files):
    permalink = TEXT[_lang(page)]["permalink"]
    return html.replace('title="Permanent link"', f'title="{permalink}"')


def on_post_page(output, page, config):
    head, end, body = output.partition("</head>")  # the links are in the head only
    return ALTERNATE.sub("", head) + end + body
