"""Renderers: one ``Comparison`` in, one view out.

- :mod:`.json`: the JSON output contract (and :func:`.json.validate` against the packaged schema)
- :mod:`.markdown`: a Markdown report (sources, cited brief, claims by status)
- :mod:`.html`: one self-contained HTML file with the reports side by side
- :mod:`.terminal`: a rich view for the console

Renderers only read the records; they never change them and never touch the store. All text
that comes from reports (body, titles, outlets, URLs) is treated as hostile and escaped for the
target format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Comparison

FORMATS = ("json", "markdown", "html")


def render_text(comparison: Comparison, fmt: str, *, with_text: bool = False) -> str:
    """Render ``comparison`` as a string in ``fmt`` (``json``, ``markdown`` or ``html``).

    Args:
        comparison: the result of comparing one story.
        fmt: one of :data:`FORMATS`.
        with_text: JSON only: include each article's text (``articles[i].text``).

    Raises:
        ConfigError: ``fmt`` is not a known format.
    """
    if fmt == "json":
        from .json import to_json

        return to_json(comparison, with_text=with_text)
    if fmt == "markdown":
        from .markdown import to_markdown

        return to_markdown(comparison)
    if fmt == "html":
        from .html import to_html

        return to_html(comparison)
    from ..errors import ConfigError

    raise ConfigError(
        f"Unknown output format {fmt!r}. Available: {', '.join(FORMATS)} (and the terminal view)."
    )


__all__ = ["FORMATS", "render_text"]
