"""Code blocks that are the same on the zh and the en page are highlighted once per build.

Every snippet's code is shown on its zh page and on its en page, at the same place; with
Material's search parse gone, Pygments' highlighting was a quarter of what was left of the
site build. pymdownx.highlight calls `highlight(src, lexer, formatter)` for every block;
what that returns depends only on the source and on the lexer's and the formatter's
classes and options, so it is kept under exactly those and reused. The formatter's
options include the block's title and its position on the page (the line anchors), so a
block titled per language (each output's "输出" / "Output") or placed elsewhere is
highlighted on its own; about half of the en page's blocks come from the zh page's.
"""

import pymdownx.highlight

_pygments_highlight = pymdownx.highlight.highlight
_highlighted: dict[tuple, str] = {}


def _identity(obj) -> tuple[type, str]:
    return type(obj), repr(sorted(obj.options.items()))


def highlight_once(src: str, lexer, formatter) -> str:
    """pygments.highlight, from the table when this source, lexer and formatter were seen."""
    key = (src, _identity(lexer), _identity(formatter))
    if key not in _highlighted:
        _highlighted[key] = _pygments_highlight(src, lexer, formatter)
    return _highlighted[key]


def on_config(config):
    pymdownx.highlight.highlight = highlight_once
