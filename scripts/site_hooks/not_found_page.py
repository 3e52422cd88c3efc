"""One 404 page for the whole site, in the default language.

The i18n plugin builds every language into the same site folder, and each build writes
the theme's 404.html to the site root, so the last language built would win and the
page would carry that language's `lang` attribute. Keep the default language's.
"""

_default_404: dict[str, str] = {}


def on_post_template(output_content, template_name, config):
    if template_name != "404.html":
        return output_content
    i18n = config.plugins["i18n"]
    if i18n.current_language == i18n.default_language:
        _default_404["html"] = output_content
        return output_content
    return _default_404.get("html", output_content)
