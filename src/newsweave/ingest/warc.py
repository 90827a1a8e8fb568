"""Web archives (WARC, ``.warc`` or ``.warc.gz``), such as Common Crawl's CC-NEWS.

Every ``response`` record that holds an HTML page served with HTTP 200
becomes an Article, extracted like a saved HTML file; requests, metadata,
images, redirects and error pages are skipped. The archive is streamed, so
its size is not limited, only each page's (``Options.max_bytes``).
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from ..config import Options
from ..errors import IngestError
from ..model import Article, InputFailure
from .html import article_from_html, looks_like_html
from .url import HTML_TYPES, decode_page, host_name, normalise_url, split_content_type

__all__ = ["WARC_SUFFIXES", "is_warc_path", "read_warc"]

#: File name endings read as web archives.
WARC_SUFFIXES = (".warc", ".warc.gz")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DRAIN_BYTES = 65_536


def is_warc_path(path: str) -> bool:
    return path.lower().endswith(WARC_SUFFIXES)


def read_warc(
    path: str, options: Options | None = None
) -> tuple[list[Article], list[InputFailure]]:
    """Read the HTML pages of a web archive.

    Each article's ``url`` is its record's ``WARC-Target-URI`` (normalised,
    see ``url.normalise_url``); when the page gives no date, the record's
    ``WARC-Date`` (the day it was crawled) stands in for ``published``.

    Returns:
        The articles in archive order, and one failure per page that could
        not be read (named by the archive, the record's offset and its URL).
        A corrupt archive ends the reading with a failure naming the offset
        of the record where it broke; the pages before it are kept.

    Example:
        >>> articles, failures = read_warc("CC-NEWS-20240319.warc.gz")
    """
    # Imported here: only archives pay for loading it.
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    options = options or Options()
    articles: list[Article] = []
    failures: list[InputFailure] = []
    records = 0
    try:
        fh = open(path, "rb")
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror or exc}); check the path and its permissions"
        return [], [InputFailure(path, reason)]
    with fh:
        archive = ArchiveIterator(fh)
        offset = archive.offset
        try:
            for record in archive:
                # The iterator moves its offset to a record's start before
                # yielding it and past it only when asked for the next one.
                offset = archive.offset
                records += 1
                if record.format != "warc":
                    # warcio also reads ARC, the format before WARC, whose
                    # loose header line any text file's first line can pass for.
                    raise ArchiveLoadFailed(f"{record.format.upper()} record, not WARC")
                try:
                    page = _html_page(record, options.max_bytes)
                except IngestError as exc:
                    page = None
                    failures.append(_record_failure(path, offset, exc))
                if _cut_short(record):
                    raise _CutShort(record)
                if page is not None:
                    try:
                        articles.append(_article(*page))
                    except IngestError as exc:
                        failures.append(_record_failure(path, offset, exc))
        except _CutShort as exc:
            uri = exc.record.rec_headers.get_header("WARC-Target-URI")
            what = f" ({uri})" if uri else ""
            failures.append(
                InputFailure(
                    path,
                    f"is cut short in the record at offset {offset}{what}, a partial download "
                    "perhaps; the records before it were read; fetch the archive again",
                )
            )
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            offset = archive.offset
            if offset == 0:
                what, kept = "is not a WARC archive", ""
            else:
                what = f"is corrupt at the record at offset {offset}"
                kept = "; the records before it were read"
            failures.append(
                InputFailure(
                    path,
                    f"{what} ({_describe(exc)}){kept}; check the file, or fetch it again",
                )
            )
            return articles, failures
    if not articles and not failures:
        failures.append(
            InputFailure(
                path,
                "holds no HTML pages served with HTTP 200; give a WARC of web pages "
                "(such as CC-NEWS)",
            )
        )
    return articles, failures


class _CutShort(Exception):
    def __init__(self, record: Any) -> None:
        super().__init__("record cut short")
        self.record = record


def _record_failure(path: str, offset: int, exc: IngestError) -> InputFailure:
    return InputFailure(path, f"record at offset {offset} ({exc.source}): {exc.reason}")


def _cut_short(record: Any) -> bool:
    """Whether the archive ended before the record's declared length.

    warcio hands out such a record as if it were whole; reading its block to
    the end shows the bytes left unread.
    """
    stream = record.raw_stream
    while stream.read(_DRAIN_BYTES):
        pass
    return bool(getattr(stream, "limit", 0))


def _html_page(record: Any, max_bytes: int) -> tuple[str, str | None, str] | None:
    """(target URI, WARC date, decoded HTML) of an HTML 200 response record, else None.

    Raises:
        IngestError: the page is too large or cannot be decoded.
    """
    if record.rec_type != "response":
        return None
    http = record.http_headers
    if http is None or http.get_statuscode() != "200":
        return None
    headers = record.rec_headers
    uri = (headers.get_header("WARC-Target-URI") or "").strip()
    media, charset = split_content_type(http.get_header("Content-Type") or "")
    if media and media not in HTML_TYPES:
        return None
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        # The iterator skips the rest of the record; the archive goes on.
        raise IngestError(
            uri or "<record>",
            f"the page is larger than {max_bytes:,} bytes (option max_bytes); "
            "raise max_bytes to read it",
        )
    if not data.strip():
        return None
    html = decode_page(data, charset, uri or "<record>")
    # No declared type: only pages that look like HTML count.
    if not media and not looks_like_html(html):
        return None
    return uri, headers.get_header("WARC-Date"), html


def _article(uri: str, date: str | None, html: str) -> Article:
    article = article_from_html(html, source=uri or "<record>")
    if uri:
        article.url = normalise_url(uri)
        article.outlet = article.outlet or host_name(uri)
    if not article.published and date and _ISO_DATE.match(date.strip()):
        article.published = date.strip()[:10]
    return article


def _describe(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__
