"""The 404 page in each language.

GitHub Pages serves the site root's 404.html for every missing address. The i18n plugin
builds every language into the same site folder, and each build writes the theme's
404.html (scripts/site_theme/404.html) to the site root, so the last language built would win.
Keep the default language's at the root, write each other language's to <lang>/404.html,
and let the root page show that one when the missing address is under /<lang>/: a
reader who mistypes an English address gets the English page, with the English header.
Each other language also gets a copy of the site's sitemap.xml at its root (below).
"""

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
from site_hooks.page_chrome import ALTERNATE  # noqa: E402

TEXT = {
    "zh": {
        "title": "页面不存在",
        "body": "这个地址没有页面：它可能拼错了，或者页面已经改名。",
        "home": "回到首页，按主题浏览全部题目",
        "search": "或者用页面顶部的搜索框找这道题。",
    },
    "en": {
        "title": "Page not found",
        "body": "There is no page at this address: it may be mistyped, or the page was renamed.",
        "home": "Go to the home page and browse every topic",
        "search": "Or search for the question with the search box at the top of the page.",
    },
}

_pages: dict[str, str] = {}
# The theme puts the last rendered page's <link rel="alternate"> into the 404 page too;
# Material would fetch a sitemap.xml beside each: removed as on every page (page_chrome.py).

# Runs in the root 404.html before the page is shown: under /<lang>/, replace the
# document with that language's 404 page (the same theme, so nothing flashes).
SWITCH = """<script>
(function () {
  var base = new URL(%(base)s, location.href).pathname, langs = %(langs)s;
  for (var i = 0; i < langs.length; i++) {
    if (location.pathname.indexOf(base + langs[i] + "/") !== 0) continue;
    document.documentElement.style.visibility = "hidden";
    fetch(base + langs[i] + "/404.html").then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      document.open(); document.write(html); document.close();
    }).catch(function () {
      document.documentElement.style.visibility = "";
    });
    return;
  }
})();
</script>"""


def _lang(config) -> str:
    return config.plugins["i18n"].current_language


def on_template_context(context, template_name, config):
    if template_name == "404.html":
        context["not_found_text"] = TEXT[_lang(config)]
    return context


def on_post_template(output_content, template_name, config):
    if template_name != "404.html":
        return output_content
    lang = _lang(config)
    output_content = ALTERNATE.sub("", output_content)
    if lang == content.DEFAULT_LANG:
        others = [other for other in content.LANGS if other != lang]
        base = json.dumps(config.site_url or "/")
        script = SWITCH % {"base": base, "langs": json.dumps(others)}
        output_content = output_content.replace("<head>", f"<head>\n{script}", 1)
    _pages[lang] = output_content
    return _pages.get(content.DEFAULT_LANG, output_content)  # the root keeps the default's


def on_post_build(config):
    """Each other language's 404 page, and its sitemap.xml: Material fetches sitemap.xml
    at the language's root on every page load (for instant navigation), and the i18n
    plugin writes only the site root's (which lists every page of both languages)."""
    lang = _lang(config)
    if lang == content.DEFAULT_LANG:
        return
    folder = Path(config.site_dir) / content.site_prefix(lang)
    folder.mkdir(parents=True, exist_ok=True)
    if lang in _pages:
        (folder / "404.html").write_text(_pages[lang], encoding="utf-8")
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if sitemap.exists():
        shutil.copyfile(sitemap, folder / "sitemap.xml")
