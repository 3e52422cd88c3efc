"""Pages whose tables are generated from the bank's data, so the data lives in one place.

<!-- glossary -->   the terminology table (scripts/data/terms.yml)
<!-- sources -->    the source posts' questions grouped by page (scripts/data/seed_map.yml)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402
import glossary  # noqa: E402
import seed_map  # noqa: E402

MARKERS = {"<!-- glossary -->": glossary.render, "<!-- sources -->": seed_map.render_sources}


def on_page_markdown(markdown, page, config, files):
    lang = getattr(page.file, "locale", content.DEFAULT_LANG)
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render(lang, page.file.src_uri))
    return markdown
