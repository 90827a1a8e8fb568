"""RSS and Atom feeds: every entry's page, fetched and extracted.

The feed is fetched by newsweave's ``Fetcher`` (robots.txt, address checks,
size cap) and only then parsed by feedparser, which never fetches anything
itself. Each entry's link is read like any URL (``url.article_from_url``);
the entry's own title, date and author fill what the page leaves out. A feed
saved as a file (``read_feed_file``) gives the content its entries carry; its
links are not fetched. A feed that declares a DTD or entities is refused
before it is parsed, fetched or read from a file.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..errors import IngestError
from ..model import Article, InputFailure
from .html import article_from_html
from .text import article_from_text
from .url import article_from_url, normalise_url

if TYPE_CHECKING:
    from ..config import Options
    from .fetch import Fetcher, FetchResult

__all__ = [
    "FEED_TYPES",
    "FeedResult",
    "feed_from_response",
    "looks_like_feed",
    "looks_like_feed_bytes",
    "read_feed",
    "read_feed_file",
]

logger = logging.getLogger(__name__)

#: Media types that are feeds whatever the content looks like.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
#: Bytes at the start of a response searched for a feed's root element.
FEED_SNIFF_BYTES = 2048

# The root element of RSS 2.0, Atom and RSS 1.0, after an optional byte-order
# mark, XML declaration, processing instructions (stylesheets), comments and
# doctype. Anchored at the start, so a web page that mentions "<rss" in its
# text is not a feed.
# A doctype may carry an internal subset in brackets (where XXE and
# billion-laughs feeds declare their entities).
_FEED_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*"
    rb"<(?:rss|feed|rdf:RDF)[\s>/]",
    re.S | re.I,
)
# The first element's start: what comes before it is the prolog.
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_NO_DTD = (
    "declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which newsweave does not read "
    "in feeds: entities can make an XML parser read local files (XXE) or expand without "
    "end (billion laughs); ask the publisher for a feed without a DOCTYPE"
)
_CONTENT_TYPES_HTML = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(slots=True)
class FeedResult:
    """What reading one feed gave.

    ``etag`` and ``last_modified`` are the validators to pass to the next
    ``read_feed`` of the same URL; when the feed has not changed since,
    ``not_modified`` is true and there are no articles.
    """

    articles: list[Article] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    feed_title: str | None = None


def looks_like_feed(result: FetchResult) -> bool:
    """Whether a fetched response is an RSS or Atom feed (by type, else by its start)."""
    if result.content_type in FEED_TYPES:
        return True
    return looks_like_feed_bytes(result.content)


def looks_like_feed_bytes(data: bytes) -> bool:
    """Whether a document opens with the root element of an RSS or Atom feed."""
    return _FEED_ROOT.match(data[:FEED_SNIFF_BYTES]) is not None


def read_feed_file(path: str, data: bytes, source: str | None = None) -> FeedResult:
    """Read the entries of a feed saved as a file.

    Only the content an entry carries is read: a feed file's links are not
    fetched (reading a file never goes on the network), and an entry with
    only a link gets a failure saying to give the feed's URL instead.

    Raises:
        IngestError: the file declares a DTD, or is no feed feedparser can read.
    """
    where = source or path
    parsed = _parse(data, None, where, base="")
    feed_title = _text(parsed.feed.get("title"))
    out = FeedResult(feed_title=feed_title)
    for number, entry in enumerate(parsed.entries, 1):
        link = _entry_link(entry, "")
        try:
            article = _content_article(entry, number, link, where)
        except IngestError as exc:
            out.failures.append(InputFailure(exc.source, exc.reason))
            continue
        article.path = path
        out.articles.append(_with_entry_fields(article, entry, feed_title))
    if not parsed.entries:
        out.failures.append(
            InputFailure(where, "the feed has no entries; there is nothing to read")
        )
    return out


def read_feed(
    url: str,
    fetcher: Fetcher,
    options: Options | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FeedResult:
    """Fetch a feed and read the article of every entry.

    Args:
        url: the feed's http or https URL.
        fetcher: fetches the feed and the entries' pages.
        options: passed on to the page reader.
        etag, last_modified: validators from the previous read of this feed.

    Returns:
        The entries' articles in feed order and one failure per entry that
        could not be read (named by its link); the other entries go on.

    Raises:
        IngestError: the feed itself could not be fetched or parsed.

    Example:
        >>> with Fetcher(options) as fetcher:
        ...     first = read_feed(url, fetcher, options)
        ...     later = read_feed(url, fetcher, options, etag=first.etag)
    """
    result = fetcher.fetch(url, etag=etag, last_modified=last_modified)
    return feed_from_response(result, fetcher, options)


def feed_from_response(
    result: FetchResult, fetcher: Fetcher, options: Options | None = None
) -> FeedResult:
    """Read the entries of an already fetched feed (see ``read_feed``).

    Raises:
        IngestError: the response is not a feed feedparser can read.
    """
    if result.not_modified:
        return FeedResult(etag=result.etag, last_modified=result.last_modified, not_modified=True)
    parsed = _parse(result.content, result.encoding, result.url, base=result.final_url)
    feed_title = _text(parsed.feed.get("title"))
    out = FeedResult(etag=result.etag, last_modified=result.last_modified, feed_title=feed_title)
    if not parsed.entries:
        out.failures.append(
            InputFailure(result.url, "the feed has no entries; check the URL or try again later")
        )
        return out
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, 1):
        link = _entry_link(entry, result.final_url)
        if link is not None:
            if normalise_url(link) in seen:
                continue
            seen.add(normalise_url(link))
        try:
            article = _entry_article(entry, number, link, result, fetcher, options)
        except IngestError as exc:
            out.failures.append(InputFailure(exc.source, exc.reason))
            continue
        out.articles.append(_with_entry_fields(article, entry, feed_title))
    return out


def _parse(content: bytes, encoding: str | None, source: str, *, base: str) -> Any:
    """feedparser's reading of a feed, once it is known to declare no DTD.

    Raises:
        IngestError: the feed declares a DTD or entities, or is broken.
    """
    first = _FIRST_ELEMENT.search(content)
    if _DTD.search(content, 0, first.start() if first else len(content)):
        raise IngestError(source, _NO_DTD)
    # Imported here: only feeds pay for loading it.
    import feedparser

    # The charset goes to feedparser, the media type does not: for text/xml
    # without a charset it would assume US-ASCII (RFC 3023) and give up.
    content_type = "application/xml"
    if encoding:
        content_type += f"; charset={encoding}"
    # A file object, never a string: feedparser fetches strings that look
    # like URLs or file names by itself.
    try:
        parsed = feedparser.parse(
            io.BytesIO(content),
            response_headers={"content-location": base, "content-type": content_type},
        )
    # feedparser catches what it expects; anything else (a UnicodeDecodeError
    # on an encoding declaration in bytes that are not UTF-8) is a feed it
    # cannot read, and one such feed must not stop the other inputs.
    except Exception as exc:
        logger.debug("feedparser failed on %s", source, exc_info=True)
        raise IngestError(
            source, f"is not an RSS or Atom feed feedparser can read (it failed: {exc!r})"
        ) from exc
    # A feed with small faults but entries is read (feedparser is lenient on
    # purpose); one with faults and no entries is broken or no feed at all.
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise IngestError(
            source,
            f"is not an RSS or Atom feed feedparser can read{detail}; check the "
            + ("URL" if source.startswith(("http://", "https://")) else "file"),
        )
    return parsed


def _entry_article(
    entry: Any,
    number: int,
    link: str | None,
    feed: FetchResult,
    fetcher: Fetcher,
    options: Options | None,
) -> Article:
    """The article of one entry.

    1. The page its link points to, fetched and extracted.
    2. When there is no link, or its page cannot be read, the full content
       the feed carries (``content:encoded``, Atom ``content``); summaries
       are too short to stand for the article and are not used.
    """
    content = _entry_content(entry)
    # 1.
    if link is not None:
        try:
            return article_from_url(link, fetcher, options)
        except IngestError as exc:
            if content is None:
                raise
            logger.info("%s: %s; using the content the feed carries", link, exc.reason)
    # 2.
    return _content_article(entry, number, link, feed.url)


def _content_article(entry: Any, number: int, link: str | None, feed: str) -> Article:
    """The article of the full content an entry carries (see ``_entry_article``)."""
    content = _entry_content(entry)
    title = _text(entry.get("title"))
    source = link or f"{feed} (entry {number}" + (f": {title})" if title else ")")
    if content is None:
        if link is not None and not feed.startswith(("http://", "https://")):
            raise IngestError(
                f"{feed} (entry {number})",
                f"carries no full content, only a link ({link}), and a feed file's links "
                "are not fetched; give the feed's URL to read the linked pages",
            )
        raise IngestError(
            source, "the feed entry has no link and no full content; there is nothing to read"
        )
    value, media = content
    if media in _CONTENT_TYPES_HTML:
        # trafilatura reads whole pages; give the fragment one to stand in.
        article = article_from_html(
            f"<html><body><article>{value}</article></body></html>", source=source
        )
    else:
        article = article_from_text(value, source=source)
    article.url = normalise_url(link) if link else None
    return article


def _with_entry_fields(article: Article, entry: Any, feed_title: str | None) -> Article:
    """Fill what the page did not say from the entry; the outlet from the feed.

    The outlet is the entry's ``<source>`` (aggregators name the original
    publisher there), else the feed's title, else what the page said: a feed
    names its publisher the same way in every entry, where pages vary.
    """
    article.title = article.title or _text(entry.get("title"))
    article.published = article.published or _entry_date(entry)
    article.author = article.author or _entry_author(entry)
    source = entry.get("source")
    source_title = _text(source.get("title")) if isinstance(source, dict) else None
    article.outlet = source_title or feed_title or article.outlet
    return article


def _entry_link(entry: Any, base: str) -> str | None:
    candidates = [entry.get("link")]
    candidates += [
        link.get("href")
        for link in entry.get("links", [])
        if isinstance(link, dict) and link.get("rel", "alternate") == "alternate"
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            try:
                url = urljoin(base, candidate.strip())
                scheme = urlsplit(url).scheme.lower()
            except ValueError:  # "Invalid IPv6 URL": a stray bracket in the host
                continue
            if scheme in ("http", "https"):
                return url
    return None


def _entry_content(entry: Any) -> tuple[str, str] | None:
    """The entry's full content and its media type, if it carries any."""
    for content in entry.get("content", []):
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str) and value.strip():
            media = (content.get("type") or "text/html").lower()
            return value, "text/plain" if media == "text/plain" else "text/html"
    return None


def _entry_date(entry: Any) -> str | None:
    """The entry's publication (else update) date as ``YYYY-MM-DD``.

    The date is taken in the time zone the feed wrote it in: an article
    published just after midnight in Auckland belongs to that day, not to the
    day before in UTC (which is what feedparser's parsed times give).
    """
    for key in ("published", "updated"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            when = _parse_date(raw.strip())
            if when is not None:
                return when.isoformat()
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
            except (AttributeError, ValueError):
                continue
    return None


def _parse_date(raw: str) -> dt.date | None:
    try:
        return email.utils.parsedate_to_datetime(raw).date()  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(raw).date()  # Atom: RFC 3339
    except ValueError:
        return None


def _entry_author(entry: Any) -> str | None:
    detail = entry.get("author_detail")
    if isinstance(detail, dict) and _text(detail.get("name")):
        return _text(detail.get("name"))
    return _text(entry.get("author"))


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None
