"""Show a question's level under its title, in the page's language (scripts/data/levels.yml)."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import content  # noqa: E402

LABEL = {"zh": "难度：", "en": "Level: "}
H1 = re.compile(r"^# .+$", re.M)


def on_page_markdown(markdown, page, config, files):
    level = page.meta.get("level")
    lang = getattr(page.file, "locale", content.DEFAULT_LANG)
    if not level or level not in content.levels():
        return markdown
    line = f"{LABEL[lang]}**{content.levels()[level][lang]}**\n{{: .question-level }}"
    return H1.sub(lambda m: f"{m.group(0)}\n\n{line}\n", markdown, count=1)
