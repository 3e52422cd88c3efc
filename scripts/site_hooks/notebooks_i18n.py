"""Render notebooks under the i18n plugin (ultrabug/mkdocs-static-i18n#198).

mkdocs-jupyter marks .ipynb files as documentation pages in on_files (priority 0); the
i18n plugin (priority -100) then re-creates every file as a plain File, which is copied
verbatim. Running after it, we mark notebooks as pages again so mkdocs-jupyter renders
them in every language.
"""

from mkdocs.plugins import event_priority


def _is_page() -> bool:
    return True


@event_priority(-200)
def on_files(files, config):
    for file in files:
        if file.src_uri.endswith(".ipynb"):
            file.is_documentation_page = _is_page
    return files
