"""Saved HTML pages: main text and metadata through trafilatura."""

from __future__ import annotations

import logging
import re

from ..errors import ExtractionError, IngestError
from ..model import Article
from ..outlets import registered_domain
from .text import check_report, clean_text, parse_opening

__all__ = ["article_from_html", "looks_like_html"]

logger = logging.getLogger(__name__)

#: Characters at the start of a document searched for an opening tag.
HTML_SNIFF_CHARS = 2048

#: htmldate settings for the page's date: its markup (meta tags, ``<time>``, the
#: URL) and stamps such as "Updated 4/11/2007", not any date or year the prose
#: names. htmldate's extensive search, left off here, reads those as the
#: publication date ("reintroduced in 1995" gave 1995-01-01): on undated pages of
#: one event it dated five outlets' reports years apart, and the 14-day story
#: window split them (docs/benchmarks.md section 4b). A page neither dates stays
#: undated; a dateline that gives a year still dates it.
DATE_PARAMS = {"original_date": True, "extensive_search": False}

_BODY_TAG = re.compile(r"<body[\s>]", re.I)
_NO_TEXT = (
    "no article text could be extracted from this HTML page; save the article page itself "
    "(not an index, search or login page), or copy the article text into a .txt file"
)


def looks_like_html(text: str) -> bool:
    """Whether a decoded document is an HTML page, whatever its file name."""
    head = text[:HTML_SNIFF_CHARS].lstrip().removeprefix("\ufeff").lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    if head.startswith("<?xml") and "<html" in head:
        return True
    return _BODY_TAG.search(text) is not None


def article_from_html(html: str, *, path: str | None = None, source: str | None = None) -> Article:
    """Build an Article from an HTML page: its main text, title, site, date and author.

    ``Article.text`` is the extracted main text; the dateline, if any, is
    parsed from it like a plain text's. Comments, navigation, footers and
    ads are left out by trafilatura.

    Raises:
        ExtractionError: trafilatura found no main text in the page.
    """
    # Imported here so that reading plain text and JSONL never loads lxml.
    import trafilatura

    where = source or path or "<html>"
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            date_extraction_params=DATE_PARAMS,
        )
    # trafilatura already turns the errors it expects into None; anything else
    # is a bug on a strange page, and one strange page must not stop the others.
    except Exception as exc:
        logger.debug("trafilatura failed on %s", where, exc_info=True)
        raise ExtractionError(where, f"{_NO_TEXT} (the extractor failed: {exc!r})") from exc
    text = clean_text(getattr(doc, "text", None) or "") if doc is not None else ""
    if not text:
        raise ExtractionError(where, _NO_TEXT)
    try:
        check_report(text, where, extracted=True)
    except IngestError as exc:
        raise ExtractionError(exc.source, exc.reason) from None
    opening = parse_opening(text, known_title=_field(doc.title))
    title = _field(doc.title) or opening.title
    # trafilatura gives the page's host as the site name when the page names none
    # (og:site_name): the outlet is then the host's registered domain.
    site, domain = _field(doc.sitename), registered_domain(_field(doc.hostname))
    named = site is not None and not (" " not in site and registered_domain(site) == domain)
    outlet = site if named else domain
    return Article(
        text=text,
        path=path,
        url=_field(doc.url),
        outlet=outlet,
        title=title,
        dateline=opening.dateline,
        published=_field(doc.date) or opening.published,
        author=_field(doc.author),
        body_start=opening.body_start,
    )


def _field(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
