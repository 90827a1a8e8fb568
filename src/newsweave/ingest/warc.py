"""Web archives (WARC, ``.warc`` or ``.warc.gz``), such as Common Crawl's CC-NEWS.

Every ``response`` record that holds an HTML page served with HTTP 200
becomes an Article, extracted like a saved HTML file; requests, metadata,
images, redirects and error pages are skipped. The archive is streamed, so
its size is not limited, only each page's (``Options.max_bytes``), each
header line's (``MAX_LINE_BYTES``) and how far a ``.warc.gz`` may expand
(``MAX_EXPANSION``): a gzip bomb ends the reading with a failure, not with
the memory of the machine.
"""

from __future__ import annotations

import functools
import logging
import re
import zlib
from typing import Any

from ..config import Options
from ..errors import IngestError
from ..model import Article, InputFailure
from ..outlets import registered_domain
from .html import article_from_html, looks_like_html
from .url import HTML_TYPES, decode_page, normalise_url, split_content_type

__all__ = ["WARC_SUFFIXES", "is_warc_path", "read_warc"]

#: File name endings read as web archives.
WARC_SUFFIXES = (".warc", ".warc.gz")

#: The longest WARC or HTTP header line read. Real ones (cookies, long URLs)
#: stay under a few KB; without a cap warcio reads a "line" of a file's
#: zeros whole, gigabytes of them.
MAX_LINE_BYTES = 65_536
#: How many times its compressed size a ``.warc.gz`` may decompress to. HTML
#: archives (CC-NEWS) expand about 5 times; a gzip bomb of zeros 1,000 times.
MAX_EXPANSION = 100
#: Decompressed bytes before ``MAX_EXPANSION`` is checked: a small archive of
#: repetitive pages may expand more than a big one without being a bomb.
EXPANSION_FLOOR = 64 * 1024 * 1024

logger = logging.getLogger(__name__)

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
    from warcio.exceptions import ArchiveLoadFailed

    options = options or Options()
    articles: list[Article] = []
    failures: list[InputFailure] = []
    try:
        fh = open(path, "rb")
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror or exc}); check the path and its permissions"
        return [], [InputFailure(path, reason)]
    with fh:
        archive = _archive_class()(fh)
        offset = archive.offset
        try:
            for record in archive:
                # The iterator moves its offset to a record's start before
                # yielding it and past it only when asked for the next one.
                offset = archive.offset
                failures.extend(_misaligned(path, archive))
                if record.format != "warc":
                    # warcio also reads ARC, the format before WARC, whose
                    # loose header line any text file's first line can pass for.
                    raise ArchiveLoadFailed(f"{record.format.upper()} record, not WARC")
                try:
                    page = _html_page(record, options.max_bytes)
                    cut = _cut_short(record)
                except IngestError as exc:
                    page, cut = None, _cut_short(record)
                    failures.append(_record_failure(path, offset, exc))
                except _CutShort as exc:
                    raise _CutShort(record) from exc
                if cut:
                    raise _CutShort(record)
                if page is not None:
                    try:
                        articles.append(_article(*page))
                    except IngestError as exc:
                        failures.append(_record_failure(path, offset, exc))
            failures.extend(_misaligned(path, archive))
        except _CutShort as exc:
            uri = None
            if exc.record is None:
                # Cut inside the headers of the record after the last one read.
                offset = archive.offset
            else:
                uri = exc.record.rec_headers.get_header("WARC-Target-URI")
            what = f" ({uri})" if uri else ""
            failures.append(
                InputFailure(
                    path,
                    f"is cut short in the record at offset {offset}{what}, a partial download "
                    "perhaps; the records before it were read; fetch the archive again",
                )
            )
        except (_Fault, ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            offset = archive.offset
            if offset == 0 and not articles:
                what, kept = "is not a WARC archive", ""
            else:
                what = f"is corrupt at the record at offset {offset}"
                kept = "; the records before it were read"
            if isinstance(exc, _Fault):
                what = f"cannot be read past the record at offset {offset}"
            failures.append(
                InputFailure(
                    path,
                    f"{what} ({_describe(exc)}){kept}; check the file, or fetch it again",
                )
            )
            return articles, failures
        # warcio trips over some broken headers with errors of its own making
        # (AttributeError on a response without a target URI); what it cannot
        # parse is a corrupt record, and it must not stop the other inputs.
        except Exception as exc:
            logger.debug("warcio failed on %s", path, exc_info=True)
            failures.append(
                InputFailure(
                    path,
                    f"is corrupt at the record at offset {archive.offset} (its headers could "
                    f"not be parsed: {type(exc).__name__}); the records before it were read; "
                    "check the file, or fetch it again",
                )
            )
    if not articles and not failures:
        failures.append(
            InputFailure(
                path,
                "holds no HTML pages served with HTTP 200; give a WARC of web pages "
                "(such as CC-NEWS)",
            )
        )
    return articles, failures


class _Fault(Exception):
    """The archive cannot be read on safely from here (its message says why)."""


@functools.cache
def _archive_class() -> type:
    """warcio's ArchiveIterator, with a reader that keeps the archive's bounds.

    Made on first use so that only archives pay for importing warcio.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader

    class BoundedReader(DecompressingBufferedReader):  # type: ignore[misc]
        """warcio's reader, with header lines capped, gzip faults raised, and
        the expansion of the archive bounded (``MAX_EXPANSION``)."""

        def readline(self, length: int | None = None) -> bytes:
            if length is not None and length <= MAX_LINE_BYTES:
                return super().readline(length)
            line = super().readline(MAX_LINE_BYTES + 1)
            if len(line) > MAX_LINE_BYTES:
                raise _Fault(f"a header line is longer than {MAX_LINE_BYTES:,} bytes")
            return line

        def _process_read(self, data: bytes) -> None:
            decomp = self.decompressor
            if not data and decomp is not None and self.num_block_read:
                if not getattr(decomp, "eof", True):
                    # The file ended inside a gzip member: warcio would read
                    # the member's part as if it were all there was.
                    raise _CutShort(None)
            super()._process_read(data)
            read_raw = self.stream.tell()
            if self.num_read > max(EXPANSION_FLOOR, MAX_EXPANSION * read_raw):
                raise _Fault(
                    f"it decompresses to more than {MAX_EXPANSION} times its size, "
                    "a gzip bomb perhaps"
                )

        def _decompress(self, data: bytes) -> bytes:
            if self.decompressor is not None and data and self.num_block_read:
                # warcio writes this fault to stderr and reads on as if the
                # member had ended; it is the end of what can be read.
                try:
                    return self.decompressor.decompress(data)
                except zlib.error as exc:
                    raise _Fault(f"its gzip data is corrupt: {exc}") from exc
            return super()._decompress(data)

    class BoundedIterator(ArchiveIterator):  # type: ignore[misc]
        """warcio's iterator, keeping (not printing) the offsets of records that
        do not end where their Content-Length says."""

        def __init__(self, fh: Any) -> None:
            super().__init__(fh)
            self.reader = BoundedReader(self.fh, block_size=self.reader.block_size)
            self.misaligned: list[int] = []

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            empty_size = 0
            first_line = True
            while True:
                line = self.reader.readline()
                if not line:
                    return None, empty_size
                if not line.rstrip() or first_line:
                    empty_size += len(line)
                    if line.rstrip():
                        self.misaligned.append(self.offset)
                    first_line = False
                    continue
                return line, empty_size

    return BoundedIterator


def _misaligned(path: str, archive: Any) -> list[InputFailure]:
    """One failure per record that did not end where its Content-Length said."""
    found = [
        InputFailure(
            path,
            f"the record at offset {offset} does not end where its Content-Length says, "
            "so its page may be incomplete or hold the start of the next record; "
            "check the file, or fetch it again",
        )
        for offset in archive.misaligned
    ]
    archive.misaligned.clear()
    return found


class _CutShort(Exception):
    """The archive ends inside a record (``record`` is None when it ends inside
    a gzip member, before warcio could make one)."""

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
        article.outlet = article.outlet or registered_domain(uri)
    if not article.published and date and _ISO_DATE.match(date.strip()):
        article.published = date.strip()[:10]
    return article


def _describe(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__
