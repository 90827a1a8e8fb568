"""Web pages read from their URL, and the one way newsweave writes a URL down.

``normalise_url`` is what ids and comparisons of URLs go through (the store
derives ids from it); ``article_from_url`` fetches a page and extracts it
with the same path as a saved HTML file.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import IngestError
from ..model import Article
from ..outlets import registered_domain
from .html import article_from_html, looks_like_html
from .text import article_from_text, decode_bytes

if TYPE_CHECKING:
    from ..config import Options
    from .fetch import Fetcher, FetchResult

__all__ = [
    "HTML_TYPES",
    "TRACKING_PARAMS",
    "article_from_response",
    "article_from_url",
    "decode_page",
    "normalise_url",
    "split_content_type",
]

#: Media types read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Query parameters that say how a reader arrived, not what they read; any
#: ``utm_*`` parameter is dropped as well. Click ids of the big ad networks
#: (Facebook, Google, Microsoft, Yandex) and Mailchimp's campaign ids.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid"}
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Declared charsets that servers send by default whatever the page holds;
# bytes that are valid UTF-8 are far likelier UTF-8 than one of these.
_DEFAULT_CHARSETS = frozenset({"ascii", "us-ascii", "iso-8859-1", "latin-1", "latin1", "cp1252"})
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def normalise_url(url: str) -> str:
    """The URL written the one way newsweave compares and stores it.

    Lowercases the scheme and host, drops the default port, the fragment and
    tracking parameters (``utm_*``, ``fbclid``, ``gclid``, see
    ``TRACKING_PARAMS``), and writes an empty path as ``/``. Everything else,
    the order and spelling of the other parameters included, stays as it was.
    Normalising twice changes nothing.

    Example:
        >>> normalise_url("HTTPS://News.Example.org:443/a?utm_source=x&id=7#top")
        'https://news.example.org/a?id=7'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:  # a malformed port or IPv6 host: leave it as given
        return url
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if host is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"[{host}]" if ":" in host else host
        if port is not None and _DEFAULT_PORTS.get(scheme) != port:
            netloc += f":{port}"
        if userinfo:
            netloc = f"{userinfo}@{netloc}"
    path = parts.path or ("/" if netloc else "")
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.split("=", 1)[0]).lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def split_content_type(header: str) -> tuple[str | None, str | None]:
    """(media type, charset) of a ``Content-Type`` header, both lowercased.

    Example:
        >>> split_content_type('text/HTML; Charset="ISO-8859-1"')
        ('text/html', 'iso-8859-1')
    """
    media, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        value = value.strip().strip("\"'").strip()
        if key.strip().lower() == "charset" and value:
            charset = value.lower()
            break
    return media.strip().lower() or None, charset


def article_from_url(url: str, fetcher: Fetcher, options: Options | None = None) -> Article:
    """Fetch a web page and extract its article.

    Args:
        url: an http or https URL.
        fetcher: does the fetching (timeouts, retries, robots.txt, size cap).
        options: accepted for symmetry with the other readers; the fetching
            options are the ones ``fetcher`` was built with.

    Returns:
        The Article, with ``url`` set to the normalised address the page was
        finally fetched from (after redirects).

    Raises:
        IngestError: the page could not be fetched, is not a web page, or
            holds no article text (``ExtractionError``).
    """
    return article_from_response(fetcher.fetch(url))


def article_from_response(result: FetchResult) -> Article:
    """Extract the article of a fetched page (HTML, or plain text).

    Raises:
        IngestError: the response is not a page, or holds no article text.
    """
    source = result.url
    if result.not_modified:
        raise IngestError(source, "has not changed since it was last fetched (HTTP 304)")
    media = result.content_type
    is_html = media in HTML_TYPES
    if media is not None and not is_html and not media.startswith("text/"):
        raise IngestError(
            source, f"is {media}, not a web page; give the address of an article page"
        )
    if not result.content.strip():
        raise IngestError(source, "the server sent an empty page; check the URL")
    text = decode_page(result.content, result.encoding, source)
    if is_html or looks_like_html(text):
        article = article_from_html(text, source=source)
    else:
        article = article_from_text(text, source=source)
    article.url = normalise_url(result.final_url)
    article.outlet = article.outlet or registered_domain(result.final_url)
    return article


def decode_page(data: bytes, declared: str | None, source: str) -> str:
    """Decode a web page's bytes.

    1. A byte-order mark decides.
    2. The charset the server declared, except that bytes which are valid
       UTF-8 stay UTF-8 when the declaration is one of the defaults servers
       send unasked (``ISO-8859-1``, ``US-ASCII``).
    3. Otherwise as a saved HTML file: UTF-8, the ``<meta>`` charset, then
       a confident guess (``text.decode_bytes``).

    Raises:
        IngestError: no decoding could be trusted.
    """
    # 1.
    if data.startswith(_BOMS):
        return decode_bytes(data, source, html=True)
    # 2.
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = None
        if codec is not None:
            if declared.lower() in _DEFAULT_CHARSETS or codec in ("ascii", "latin-1", "cp1252"):
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    pass
                # Browsers read ISO-8859-1 as its superset cp1252 (WHATWG).
                codec = "cp1252" if codec in ("ascii", "latin-1") else codec
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    # 3.
    return decode_bytes(data, source, html=True)
