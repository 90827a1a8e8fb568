"""Turn inputs (files, folders, records, Articles) into ``Article`` records.

``read_inputs`` is the one entry point. It never raises for a bad input:
each one becomes an ``InputFailure`` saying what happened and what to do,
and the other inputs are still read.

A string that starts with ``http://`` or ``https://`` is fetched once
(``fetch.Fetcher``: robots.txt, address checks, retries, size cap); an RSS or
Atom feed (by content type, or by its root element) is read entry by entry
(``feed.feed_from_response``), anything else as one page
(``url.article_from_response``).

Which reader reads a file:

1. ``.warc`` / ``.warc.gz``: every HTML page of the web archive
   (``warc.read_warc``).
2. ``.jsonl`` / ``.ndjson``: one record per line (``jsonl.read_jsonl``).
3. ``.json``: one record or a list of them (``jsonl.read_json``).
4. Content that opens with the root element of an RSS or Atom feed
   (``feed.xml``): the content its entries carry (``feed.read_feed_file``;
   its links are not fetched).
5. ``.html`` / ``.htm`` / ``.xhtml``, or content that opens like an HTML page
   or has a ``<body`` tag: ``html.article_from_html``.
6. Anything else (``.txt``, ``.md``, no extension): ``text.article_from_text``.

Whatever the reader, a text that cannot stand as a report is refused with
its reason (``text.check_report``): over ``MAX_REPORT_CHARS``, no words,
markup rather than prose, or a page that gives under ``MIN_PAGE_WORDS`` words.

Metadata of a text or HTML file is layered: what was extracted from the file,
then its sidecar JSON (``story.json``, ``story.txt.json`` or
``story.meta.json`` next to ``story.txt``), then ``meta`` (CLI flags); each
layer wins over the one before.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..config import Options
from ..errors import ConfigError, IngestError, has_surrogates, printable
from ..model import Article, InputFailure
from .feed import looks_like_feed_bytes
from .html import article_from_html, looks_like_html
from .jsonl import article_from_record, read_json, read_jsonl, read_jsonl_file
from .text import (
    MAX_REPORT_CHARS,
    article_from_text,
    check_report,
    decode_bytes,
    find_sidecar,
    read_bytes,
    read_sidecar,
)
from .text import sidecar_names as _sidecar_names
from .warc import is_warc_path

if TYPE_CHECKING:
    from .fetch import Fetcher

__all__ = ["META_OVERRIDES", "read_inputs"]

#: Keys ``read_inputs(meta=...)`` accepts (the CLI's --outlet, --published, ...).
META_OVERRIDES = ("outlet", "published", "url", "title")

_JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})
_URL_PREFIXES = ("http://", "https://")
# A string this long, or with a newline, given as a path was probably meant
# as article text; the failure says how to pass text instead.
_PATH_LOOKS_LIKE_TEXT = 260

Input = str | os.PathLike[str] | Article | dict[str, Any]


def read_inputs(
    inputs: Iterable[Input] | Input,
    options: Options | None = None,
    *,
    meta: dict[str, str | None] | None = None,
) -> tuple[list[Article], list[InputFailure]]:
    """Read every input into Articles, reporting the ones that cannot be read.

    Args:
        inputs: paths (files or folders, read recursively in sorted order,
            skipping hidden files and metadata sidecars), http(s) URLs of
            pages or RSS/Atom feeds, ``Article`` records
            (passed through) and dicts in the JSONL record form
            (``{"text": ..., "title": ..., "outlet": ..., "url": ...,
            "published": ..., "author": ..., "dateline": ...}``). A single
            input may be given without a list.
        options: ``max_bytes`` caps the size of each file and page; the
            ``fetch_*`` options, ``user_agent`` and ``allow_private_hosts``
            govern fetching URLs (one connection pool per call).
        meta: overrides for the articles read from files (outlet, published,
            url, title); they win over sidecars and extracted metadata.

    Returns:
        The articles in input order, and one ``InputFailure`` per input (or
        JSONL line, or sidecar) that could not be used. Article ids are
        unique: when two inputs give the same id (the same text, say), the
        later one gets ``-2``, ``-3``, ... appended; a passed-through Article
        whose id is taken is copied, never changed.

    Raises:
        ConfigError: ``meta`` has an unknown key or a value that is not a string.

    Example:
        >>> articles, failures = read_inputs(["reports/"], meta={"published": "2025-03-19"})
    """
    reader = _Reader(options or Options(), _check_meta(meta))
    if isinstance(inputs, (str, bytes, os.PathLike, Article, dict)):
        inputs = [inputs]
    try:
        for number, item in enumerate(inputs, 1):
            if isinstance(item, Article):
                reader.read_article(item)
            elif isinstance(item, dict):
                reader.read_record(item, f"<input {number}>")
            elif isinstance(item, str) and item.strip()[:8].lower().startswith(_URL_PREFIXES):
                reader.read_url(item.strip())
            elif isinstance(item, (str, bytes, os.PathLike)):
                reader.read_path(os.fsdecode(item))
            else:
                reader.failures.append(
                    InputFailure(
                        f"<input {number}>",
                        f"is a {type(item).__name__}; give a file or folder path, a URL, "
                        'an Article, or a dict such as {"text": "..."}',
                    )
                )
    finally:
        reader.close()
    return _unique_ids([_printable_names(a) for a in reader.articles]), reader.failures


def _check_meta(meta: dict[str, str | None] | None) -> dict[str, str]:
    if not meta:
        return {}
    unknown = sorted(set(meta) - set(META_OVERRIDES))
    if unknown:
        raise ConfigError(
            f"unknown metadata override(s) {', '.join(unknown)}. "
            f"Known: {', '.join(META_OVERRIDES)}."
        )
    checked = {}
    for key, value in meta.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"metadata override {key} must be a string, got {value!r}.")
        if value.strip():
            checked[key] = value.strip()
    return checked


class _Reader:
    """Collects articles and failures while the inputs are read."""

    def __init__(self, options: Options, overrides: dict[str, str]) -> None:
        self.options = options
        self.overrides = overrides
        self.articles: list[Article] = []
        self.failures: list[InputFailure] = []
        self._fetcher: Fetcher | None = None

    @property
    def fetcher(self) -> Fetcher:
        """The run's one Fetcher, made when the first URL comes."""
        if self._fetcher is None:
            # Imported here: reading files never loads the HTTP client.
            from .fetch import Fetcher

            self._fetcher = Fetcher(self.options)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def fail(self, source: str, reason: str) -> None:
        self.failures.append(InputFailure(source, reason))

    def read_article(self, article: Article) -> None:
        """Pass a caller's Article through, unless it is too long to analyse."""
        if len(article.text) > MAX_REPORT_CHARS:
            try:
                check_report(article.text, article.path or article.url or article.id)
            except IngestError as exc:
                self.fail(exc.source, exc.reason)
                return
        self.articles.append(article)

    def read_record(self, record: dict[str, Any], source: str) -> None:
        try:
            article, ignored = article_from_record(record, source)
        except IngestError as exc:
            self.fail(exc.source, exc.reason)
            return
        self.articles.append(article)
        self.failures.extend(ignored)

    def read_url(self, url: str) -> None:
        from .feed import feed_from_response, looks_like_feed
        from .url import article_from_response

        try:
            result = self.fetcher.fetch(url)
            if looks_like_feed(result):
                feed = feed_from_response(result, self.fetcher, self.options)
                self.failures.extend(feed.failures)
                self.articles.extend(self._override(a) for a in feed.articles)
                return
            article = article_from_response(result)
        except IngestError as exc:
            self.fail(exc.source, exc.reason)
            return
        self.articles.append(self._override(article))

    def read_warc(self, path: str) -> None:
        from .warc import read_warc

        articles, failures = read_warc(path, self.options)
        self.failures.extend(failures)
        self.articles.extend(self._override(a) for a in articles)

    def read_path(self, path: str) -> None:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            hint = ""
            if "\n" in path or len(path) > _PATH_LOOKS_LIKE_TEXT:
                hint = ' (to pass article text itself, give a dict such as {"text": "..."})'
            self.fail(_short(path), f"no such file or folder; check the path{hint}")
            return
        except OSError as exc:
            self.fail(
                path, f"cannot be read ({exc.strerror or exc}); check the path and its permissions"
            )
            return
        if stat.S_ISDIR(info.st_mode):
            self.read_folder(path)
        elif stat.S_ISREG(info.st_mode):
            self.read_file(path)
        else:
            self.fail(
                path,
                "is not a regular file (a device, pipe or socket); give a text, HTML or JSONL file",
            )

    def read_folder(self, top: str) -> None:
        found: list[tuple[tuple[str, ...], str]] = []

        def unreadable(exc: OSError) -> None:
            self.fail(
                exc.filename or top,
                f"folder cannot be read ({exc.strerror}); check its permissions",
            )

        for root, dirs, names in os.walk(top, onerror=unreadable):
            # Hidden folders (.git, .cache) hold no reports; pruning in place
            # keeps os.walk out of them.
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            visible = [n for n in names if not n.startswith(".")]
            sidecars = {
                s for n in visible if not n.lower().endswith(".json") for s in _sidecar_names(n)
            }
            rel = os.path.relpath(root, top)
            parts = () if rel == os.curdir else tuple(rel.split(os.sep))
            for name in visible:
                if name not in sidecars:
                    found.append(((*parts, name), os.path.join(root, name)))
        if not found:
            self.fail(
                top,
                "folder holds no files to read (hidden files and metadata sidecars are "
                "skipped); check the path",
            )
            return
        for _, path in sorted(found):
            self.read_path(path)

    def read_file(self, path: str) -> None:
        if is_warc_path(path):
            self.read_warc(path)
            return
        ext = os.path.splitext(path)[1].lower()
        if ext in _JSONL_EXTENSIONS and not _utf16(path):
            try:
                articles, failures = read_jsonl_file(path, self.options.max_bytes)
            except IngestError as exc:
                self.fail(exc.source, exc.reason)
                return
            self.failures.extend(failures)
            self.articles.extend(self._override(a) for a in articles)
            return
        try:
            data = read_bytes(path, self.options.max_bytes)
            if looks_like_feed_bytes(data):
                self.read_feed_file(path, data)
                return
            is_html = ext in _HTML_EXTENSIONS or _looks_like_html_bytes(data)
            raw = decode_bytes(data, path, html=is_html)
            if ext in _JSONL_EXTENSIONS or ext == ".json":
                text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
                if not text.strip():
                    raise IngestError(
                        path, "contains only whitespace; give one JSON record per line"
                    )
                reader = read_jsonl if ext in _JSONL_EXTENSIONS else read_json
                articles, failures = reader(text, path)
                self.failures.extend(failures)
                if not articles and not failures:
                    raise IngestError(path, "holds no records; give one JSON record per line")
                self.articles.extend(self._override(a) for a in articles)
                return
            if ext in _HTML_EXTENSIONS or looks_like_html(raw):
                article = article_from_html(raw, path=path, source=path)
            else:
                article = article_from_text(raw, path=path, source=path)
        except IngestError as exc:
            self.fail(exc.source, exc.reason)
            return
        self.articles.append(self._override(self._with_sidecar(article, path)))

    def read_feed_file(self, path: str, data: bytes) -> None:
        """A feed saved as a file: the content of its entries (links are not fetched).

        Raises:
            IngestError: the feed declares a DTD or cannot be parsed.
        """
        from .feed import read_feed_file

        feed = read_feed_file(path, data)
        self.failures.extend(feed.failures)
        self.articles.extend(self._override(a) for a in feed.articles)

    def _with_sidecar(self, article: Article, path: str) -> Article:
        # A broken sidecar costs only its metadata: the article is still read
        # and the sidecar gets its own failure entry. Dropping the article
        # would lose a good report over a typo in optional metadata.
        sidecar = find_sidecar(path)
        if sidecar is None:
            return article
        fields, failures = read_sidecar(sidecar, self.options.max_bytes)
        self.failures.extend(failures)
        return _apply(article, fields)

    def _override(self, article: Article) -> Article:
        return _apply(article, self.overrides)


def _looks_like_html_bytes(data: bytes) -> bool:
    """Whether undecoded bytes open like an HTML page (for charset sniffing only)."""
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def _apply(article: Article, fields: dict[str, str]) -> Article:
    for key, value in fields.items():
        setattr(article, key, value)
    return article


def _printable_names(article: Article) -> Article:
    """The article, its path and url escaped where they are not valid Unicode.

    A file name that is not UTF-8 (``bad\\xff.txt`` on Linux) is read by its
    real name but stored and shown as ``bad\\\\xff.txt``: its undecodable
    bytes cannot be written to the store or a terminal as they are.
    """
    names = {
        key: printable(value)
        for key in ("path", "url", "id")
        if isinstance(value := getattr(article, key), str) and has_surrogates(value)
    }
    # replace() copies: a caller's Article is never changed in place.
    return dataclasses.replace(article, **names) if names else article


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Make ids unique in input order: a later duplicate gets ``-2``, ``-3``, ...

    Exact copies stay separate reports here; copy detection comes later.
    """
    taken = {a.id for a in articles}
    seen: set[str] = set()
    result = []
    for article in articles:
        if article.id in seen:
            n = 2
            while f"{article.id}-{n}" in taken:
                n += 1
            new_id = f"{article.id}-{n}"
            taken.add(new_id)
            # replace() copies: a caller's Article is never changed in place.
            article = dataclasses.replace(article, id=new_id)
        seen.add(article.id)
        result.append(article)
    return result


def _short(path: str) -> str:
    return path if len(path) <= _PATH_LOOKS_LIKE_TEXT else path[:60] + "..."


def _utf16(path: str) -> bool:
    """Whether a file starts with a UTF-16 or UTF-32 byte-order mark (read whole, decoded)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))
