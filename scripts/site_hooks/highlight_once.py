"""Each code block is highlighted once per build, not once per language.

Every snippet is shown on its zh page and on its en page, and Pygments' highlighting was a
quarter of the site build. pymdownx.highlight calls `highlight(src, lexer, formatter)` for
every block; what that returns depends only on the source and on the lexer's and the
formatter's classes and options, so it is kept under exactly those and reused.
"""

import pymdownx.highlight

_pygments_highlight = pymdownx.highlight.highlight
_highlighted: dict[tuple, str] = {}


def _settings(obj) -> tuple[str, str]:
    return type(obj).__qualname__, repr(sorted(obj.options.items()))


def highlight_once(src: str, lexer, formatter) -> str:
    key = (src, _settings(lexer), _settings(formatter))
    if key not in _highlighted:
        _highlighted[key] = _pygments_highlight(src, lexer, formatter)
    return _highlighted[key]


def on_config(config):
    pymdownx.highlight.highlight = highlight_once
