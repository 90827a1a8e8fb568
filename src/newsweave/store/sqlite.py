"""The SQLite store: articles, analyses, vectors, stories, state, failures, search.

Plain records go in and come out; no analysis happens here. The tables (see
``migrations.py`` for the schema):

- ``articles``: one row per report, keyed by ``article_key(url, text)``, so
  storing the same report twice is harmless. ``copy_of`` points at the
  original of a (near-)copy; ``story_id`` at the story it belongs to.
- ``articles_fts``: an FTS5 index over title and text, kept in step with
  ``articles`` by triggers, inside the same transaction.
- ``analyses``: ``AnalyzedArticle`` JSON per (article, analysis version),
  without the article itself, which is rebuilt from its row.
- ``vectors``: 1-D numeric arrays per (kind, article): embeddings, MinHash
  signatures.
- ``stories``: id, title and the clusterer's per-story state.
- ``state``: JSON documents by key (clusterer state, feed ETags, ...).
- ``failures``: inputs that could not be read, upserted by source.
- ``comparisons``: each story's comparison as JSON, with the fingerprint of
  the reports it was made from (the library decides when it is stale).

Concurrency: one connection writes, guarded by a lock (``atomic()``); each
other thread reads through its own connection, which WAL lets run beside the
writer. A thread inside ``atomic()`` reads through the writer, so it sees its
own uncommitted changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from ..errors import NotFound, QueryError, QueryTimeout, StoreError
from ..model import AnalyzedArticle, Article
from ..outlets import Registry, RegistryRow, identify, outlet_key
from .migrations import MIGRATIONS, Migrations
from .migrations import apply as apply_migrations

__all__ = [
    "FailureRecord",
    "OutletRecord",
    "SearchHit",
    "Store",
    "StoryRecord",
    "StorySummary",
    "article_key",
    "normalise_url",
]

log = logging.getLogger(__name__)

#: Seconds a writer waits for another process's lock before giving up with
#: StoreError. Ingest transactions are short (one batch), so five seconds
#: covers a busy neighbour without hanging an interactive command for long.
BUSY_TIMEOUT_S = 5.0
#: Pause between tries at switching a new file to WAL while another process does.
WAL_RETRY_S = 0.02
#: SQLite virtual-machine steps between two checks of a read's time limit.
READ_CHECK_STEPS = 10_000

# Ids per ``IN (...)`` query; far below SQLite's host-parameter limit.
_CHUNK = 500
# The most stories one listing page may ask for.
_MAX_PAGE = 1000
# Which independent source each report counts as (``outlets.independence_key``): its
# copy original's owner where the registry knows one, else that original's outlet, else
# the original itself. ``_SOURCES`` joins what it needs to articles ``a``: the original
# ``r`` (copies only) and the registry row ``o`` of the original's outlet.
_ORIGINAL_OUTLET = "CASE WHEN a.copy_of IS NULL THEN a.outlet_id ELSE r.outlet_id END"
_SOURCE = (
    f"coalesce('owner:' || o.owner_key, 'outlet:' || {_ORIGINAL_OUTLET}, "
    "'report:' || coalesce(a.copy_of, a.id))"
)
_INDEPENDENT = f"count(DISTINCT {_SOURCE})"
_SOURCES = (
    "articles a LEFT JOIN articles r INDEXED BY articles_id_outlet ON r.id = a.copy_of "
    f"LEFT JOIN outlets o ON o.domain = {_ORIGINAL_OUTLET}"
)
# Newest first (the day of a story's latest report; stories with no dated report
# last), then the most covered.
_LISTING_ORDER = (
    "agg.last_day IS NULL, agg.last_day DESC, agg.independent DESC, agg.reports DESC, "
    "agg.story_id"
)

_ARTICLE_COLUMNS = "id, url, path, outlet, title, dateline, published, author, text, body_start"

# Characters and words that make a search query FTS5 syntax rather than plain words.
_FTS_SYNTAX_CHARS = frozenset('"()*^:{}')
_FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# How FTS5 words the errors of a malformed query (as of SQLite 3.40).
_FTS_QUERY_ERRORS = (
    "fts5:",
    "syntax error",
    "unterminated string",
    "no such column",
    "unknown special query",
    "expected integer",
)


# --- keys ------------------------------------------------------------------------------------


def normalise_url(url: str) -> str:
    """Normalise a URL just enough for ``article_key``.

    The ingest layer normalises URLs before articles reach the store (it drops
    tracking parameters and the like); this only removes differences that never
    change what a URL points at: surrounding whitespace, the case of the scheme
    and host, a default port and the fragment. Applying it to its own output
    changes nothing, so keys stay stable whichever layer normalised first.
    """
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if parts.hostname:
        userinfo, _, hostport = netloc.rpartition("@")
        host = hostport.lower()
        if (scheme, port) in {("http", 80), ("https", 443)}:
            host = host.rsplit(":", 1)[0]
        netloc = f"{userinfo}@{host}" if userinfo else host
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def article_key(url: str | None, text: str) -> str:
    """The content-derived id of a report: 16 hex characters.

    It is the start of the SHA-256 of the normalised URL (or ``""`` when there
    is none), a newline, and the SHA-256 of the whitespace-normalised text. The
    same text from two URLs gives two ids (two publications, to be linked as
    copies by dedup); the same text and URL give the same id however often it
    is ingested.

    Note: changing this function changes every id; stored databases would need
    a migration that rewrites them.
    """
    fingerprint = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
    base = (normalise_url(url) if url else "") + "\n" + fingerprint
    return hashlib.sha256(base.encode("utf-8")).hexdigest()[:16]


# --- records ---------------------------------------------------------------------------------


@dataclass(slots=True)
class StoryRecord:
    """A stored story: its articles (in the order they were stored) and dates.

    ``first_published``/``last_published`` are the earliest and latest
    ``published`` of its articles (``None`` when none has one). ``state`` is the
    clusterer's state for the story; only ``Store.get_story`` fills it.
    """

    id: str
    title: str | None
    article_ids: list[str]
    first_published: str | None
    last_published: str | None
    updated_at: str
    state: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class StorySummary:
    """What a listing shows of a story, counted in the store (no comparison needed).

    ``first_published``/``last_published`` are the days (``YYYY-MM-DD``) of its
    earliest and latest dated report; ``None`` when no report has a ``published``
    date (an undated report is never given the day it was stored).
    ``independent_sources`` counts owners where the outlet registry knows them, else
    outlets, else reports; a copy counts as its original. ``outlets`` are names.
    ``comparison_fingerprint``, ``claims`` and ``conflicts`` come from the cached
    comparison (``None`` when the story was never compared); whether that cache
    is still current is for the caller to decide.
    """

    id: str
    title: str | None
    reports: int
    independent_sources: int
    outlets: list[str]
    first_published: str | None
    last_published: str | None
    updated_at: str
    article_ids: list[str]
    comparison_fingerprint: str | None = None
    claims: int | None = None
    conflicts: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class OutletRecord:
    """An outlet: what the registry says of it (``registered``) and its stored reports."""

    id: str
    name: str
    owner: str | None
    country: str | None
    lean: str | None
    aliases: list[str]
    registered: bool
    reports: int
    stories: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class FailureRecord:
    """An input that could not be read: first and last time, and how often."""

    source: str
    reason: str
    first_seen: str
    last_seen: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SearchHit:
    """One search result; ``rank`` is FTS5's bm25 (lower is better)."""

    article_id: str
    title: str | None
    outlet: str | None
    snippet: str
    rank: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the store -------------------------------------------------------------------------------


class Store:
    """A newsweave store in one SQLite file.

    Args:
        path: the database file; created (with its folders) when missing.
            ``":memory:"`` gives a private in-memory store (tests, one-offs).
        timeout: seconds to wait for another writer's lock.
        migrations: the migrations to apply (default: newsweave's own).

    Attributes:
        path: the database file.
        newly_applied: names of the migrations this opening applied.

    Raises:
        StoreError: the file cannot be opened or created, is not a newsweave
            store, was written by a newer newsweave, or a migration failed.

    Example:
        >>> with Store(tmp_path / "news.db") as store:  # doctest: +SKIP
        ...     [(key, new)] = store.put_articles([Article(text="...")])
    """

    #: The driver's errors, caught and turned into StoreError (a backend overrides it).
    _db_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    #: The articles ``a`` joined to what ``_SOURCE`` needs (see the module constants).
    _sources = _SOURCES
    #: A listing filter: the stories with a report matching the full-text expression ``?``.
    _match_stories = (
        "agg.story_id IN (SELECT a.story_id FROM articles_fts "
        "JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?)"
    )

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        timeout: float = BUSY_TIMEOUT_S,
        read_timeout: float | None = None,
        migrations: Migrations | None = None,
    ) -> None:
        self._memory = str(path) == ":memory:"
        self.path = Path(path)
        self._init_state(timeout, read_timeout)
        if not self._memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder for the store at {self.path}: {exc}; "
                    "pass another --db path or set NEWSWEAVE_DB"
                ) from exc
        self._writer = self._connect(readonly=False)
        self._closed = False
        self._migrate(lambda: apply_migrations(self._writer, migrations or MIGRATIONS, self._now,
                                               where=str(self.path)))

    def _init_state(self, timeout: float, read_timeout: float | None) -> None:
        """What every backend's store holds before it connects."""
        self._timeout = timeout
        #: Seconds a read (one ``_reading`` block on a reader thread) may run
        #: before the database stops it with ``QueryTimeout``; None: no limit. A
        #: server sets it so that one costly query cannot hold a worker.
        self.read_timeout = read_timeout
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None
        self._local = threading.local()
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()
        self._last_now = ""
        self._closed = True

    def _migrate(self, apply: Callable[[], list[str]]) -> None:
        """Run ``apply`` (the migrations) on the writer; a failure closes the store."""
        try:
            with self._lock:
                self.newly_applied = apply()
        except self._db_errors as exc:
            self.close()
            raise StoreError(self._open_message(exc)) from exc
        except BaseException:
            self.close()
            raise

    # --- connections and transactions ---------------------------------------------------------

    def _open_message(self, exc: BaseException) -> str:
        return (
            f"cannot open the store at {self.path}: {exc}; check that it is a newsweave "
            "database you may write to, or pass another --db path"
        )

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        target = ":memory:" if self._memory else str(self.path)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                target, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            if readonly:
                conn.execute("PRAGMA query_only = ON")
            else:
                mode = self._wal(conn)
                if mode != "wal" and not self._memory:
                    log.warning("%s: journal mode is %s, not WAL", self.path, mode)
                # WAL + NORMAL: a power cut may lose the last commits, never corrupt.
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(self._open_message(exc)) from exc
        return conn

    def _wal(self, conn: sqlite3.Connection) -> str:
        """Switch to WAL; the journal mode it ends in. Two processes opening a new file
        at once race for the switch, and SQLite answers the loser "database is locked"
        at once, without waiting: it tries again until ``timeout``."""
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(WAL_RETRY_S)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed; open a new Store")

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with self._readers_lock:
                readers, self._readers = self._readers, []
            for conn in [*readers, self._writer]:
                try:
                    conn.close()
                except self._db_errors as exc:  # closing must not hide the real error
                    log.warning("closing %s: %s", self.path, exc)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction: ``BEGIN IMMEDIATE`` outermost, a savepoint when nested.

        Everything inside commits together, or is rolled back when the block
        raises; a failing nested block rolls back only its own changes (the
        exception still propagates). Other threads wait to write until the
        outermost block ends.

        Raises:
            StoreError: the database is locked by another process for longer
                than the timeout, or the commit failed.
        """
        with self._lock:
            self._check_open()
            conn = self._writer
            depth = self._depth
            savepoint = f"nw_sp{depth}"
            try:
                self._begin(conn, depth, savepoint)
            except self._db_errors as exc:
                if depth == 0:
                    self._rollback(depth, savepoint)  # begun, but not its lock (PostgreSQL)
                raise StoreError(
                    f"could not start a transaction on {self.path}: {_first_line(exc)}; "
                    "another newsweave process may be writing, try again"
                ) from exc
            self._depth += 1
            self._owner = threading.get_ident()
            try:
                yield
            except BaseException:
                self._end(depth)
                self._rollback(depth, savepoint)
                raise
            self._end(depth)
            try:
                conn.execute("COMMIT" if depth == 0 else f"RELEASE SAVEPOINT {savepoint}")
            except self._db_errors as exc:
                self._rollback(depth, savepoint)
                raise StoreError(f"could not commit to {self.path}: {exc}; try again") from exc

    def _begin(self, conn: Any, depth: int, savepoint: str) -> None:
        """Open the outermost transaction (the writer's lock with it), or a savepoint."""
        conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}")

    def _end(self, depth: int) -> None:
        self._depth = depth
        if depth == 0:
            self._owner = None

    def _rollback(self, depth: int, savepoint: str) -> None:
        conn = self._writer
        # SQLite rolls a transaction back by itself after some errors (disk
        # full, say); then there is nothing left to roll back.
        if not conn.in_transaction:
            return
        try:
            if depth == 0:
                conn.execute("ROLLBACK")
            else:
                conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                conn.execute(f"RELEASE SAVEPOINT {savepoint}")
        except self._db_errors as exc:
            log.warning("rolling back on %s: %s", self.path, exc)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads, seeing one snapshot for the whole block."""
        self._check_open()
        if self._memory or self._owner == threading.get_ident():
            with self._lock:
                yield self._writer
            return
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = self._connect(readonly=True)
            conn.set_progress_handler(self._over_time, READ_CHECK_STEPS)
            local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        if conn.in_transaction:  # a read inside another read
            yield conn
            return
        limit = self.read_timeout
        local.deadline = time.monotonic() + limit if limit else None
        local.timed_out = False
        conn.execute("BEGIN")
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            if local.timed_out:
                raise self._timed_out(limit) from exc
            raise
        finally:
            local.deadline = None
            if conn.in_transaction:
                conn.execute("COMMIT")

    def _timed_out(self, limit: float) -> QueryTimeout:
        """The error for a read stopped after ``limit`` seconds (every backend)."""
        advice = "narrow the query (fewer words, a date range) or try again later"
        return QueryTimeout(
            f"reading {self.path} took longer than {limit:g} s and was stopped; " + advice,
            public=f"reading the reports took longer than {limit:g} s and was stopped; "
            + advice,
        )

    def _over_time(self) -> int:
        """SQLite's progress handler on reader connections: non-zero stops the query."""
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            self._local.timed_out = True
            return 1
        return 0

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn a raw sqlite3 error into a StoreError saying what was being done."""
        try:
            yield
        except self._db_errors as exc:
            raise StoreError(f"could not {doing} in {self.path}: {exc}") from exc

    def _now(self) -> str:
        """A UTC ISO timestamp, strictly increasing within this Store."""
        with self._lock:
            now = datetime.now(UTC)
            stamp = now.isoformat(timespec="microseconds")
            if stamp <= self._last_now:
                last = datetime.fromisoformat(self._last_now)
                stamp = (last + timedelta(microseconds=1)).isoformat(timespec="microseconds")
            self._last_now = stamp
            return stamp

    def migrations(self) -> list[tuple[str, str]]:
        """The migrations this database has run: (name, applied_at), in order."""
        with self._errors("list migrations"), self._reading() as conn:
            return [
                tuple(r)
                for r in conn.execute("SELECT name, applied_at FROM migrations ORDER BY name")
            ]

    def check(self) -> list[str]:
        """Check the database and the search index; return the problems (empty: fine)."""
        problems: list[str] = []
        with self._errors("check the database"), self.atomic():
            rows = [r[0] for r in self._writer.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                problems.extend(rows)
            try:
                self._writer.execute(
                    "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')"
                )
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index: {exc}")
            problems.extend(
                f"foreign key: {table} row {rowid} points at a missing {parent}"
                for table, rowid, parent, _ in self._writer.execute("PRAGMA foreign_key_check")
            )
        return problems

    # --- articles ---------------------------------------------------------------------------

    def put_articles(self, articles: Iterable[Article]) -> list[tuple[str, bool]]:
        """Store reports; return ``(id, newly_added)`` for each, in order.

        Each article's ``id`` is set to its ``article_key`` (the records passed
        in are updated, so later stages use the stored ids). A report stored
        before is left exactly as it was (``newly_added`` is False). All the
        articles are stored in one transaction.
        """
        out: list[tuple[str, bool]] = []
        with self._errors("store articles"), self.atomic():
            added_at = self._now()
            registry = _registry(self._writer)
            for article in articles:
                key = article_key(article.url, article.text)
                cur = self._writer.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLUMNS}, added_at, outlet_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (
                        key,
                        article.url,
                        article.path,
                        article.outlet,
                        article.title,
                        article.dateline,
                        article.published,
                        article.author,
                        article.text,
                        article.body_start,
                        added_at,
                        identify(article.outlet, article.url, registry).id,
                    ),
                )
                article.id = key
                out.append((key, cur.rowcount == 1))
        return out

    def get_article(self, article_id: str) -> Article:
        """The stored article ``article_id``.

        Raises:
            NotFound: no article has that id.
        """
        with self._errors("read an article"), self._reading() as conn:
            row = conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            registry = _registry(conn)
        if row is None:
            raise self._article_not_found([article_id])
        return _article(row, registry)

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles: all of them in the order stored, or ``ids`` in that order.

        Raises:
            NotFound: one of ``ids`` is not stored.
        """
        with self._errors("read articles"), self._reading() as conn:
            registry = _registry(conn)
            if ids is None:
                return [
                    _article(r, registry)
                    for r in conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq")
                ]
            found = {
                r[0]: _article(r, registry)
                for r in _select_in(conn, f"SELECT {_ARTICLE_COLUMNS} FROM articles", "id", ids)
            }
        missing = [i for i in ids if i not in found]
        if missing:
            raise self._article_not_found(missing)
        return [found[i] for i in ids]

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        with self._errors("read articles"), self._reading() as conn:
            return {r[0] for r in _select_in(conn, "SELECT id FROM articles", "id", ids)}

    def placed_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored and placed in a story."""
        select = "SELECT id FROM articles WHERE story_id IS NOT NULL"
        with self._errors("read articles"), self._reading() as conn:
            return {r[0] for r in _select_in(conn, select, "id", ids)}

    def count_articles(self) -> int:
        with self._errors("count articles"), self._reading() as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def set_copy_of(self, article_id: str, original_id: str | None) -> None:
        """Mark ``article_id`` as a copy of ``original_id`` (``None``: not a copy).

        Raises:
            NotFound: either article is not stored.
            StoreError: an article cannot be a copy of itself.
        """
        if article_id == original_id:
            raise StoreError(f"article {article_id!r} cannot be a copy of itself")
        with self._errors("mark a copy"), self.atomic():
            wanted = [article_id] if original_id is None else [article_id, original_id]
            self._require_articles(wanted)
            self._writer.execute(
                "UPDATE articles SET copy_of = ? WHERE id = ?", (original_id, article_id)
            )

    def copies(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Every article marked as a copy (or those among ``ids``), mapped to its original."""
        select = "SELECT id, copy_of FROM articles WHERE copy_of IS NOT NULL"
        with self._errors("read copies"), self._reading() as conn:
            if ids is not None:
                return dict(_select_in(conn, select, "id", ids))
            return dict(conn.execute(f"{select} ORDER BY seq").fetchall())

    def copies_of(self, originals: Sequence[str]) -> dict[str, str]:
        """The articles marked as copies of any of ``originals``, mapped to their original."""
        select = "SELECT id, copy_of FROM articles"
        with self._errors("read copies"), self._reading() as conn:
            return dict(_select_in(conn, select, "copy_of", originals))

    def article_ids_without_story(self) -> list[str]:
        """Ids of the articles not yet in a story, in the order they were stored."""
        with self._errors("read articles"), self._reading() as conn:
            return [
                r[0]
                for r in conn.execute("SELECT id FROM articles WHERE story_id IS NULL ORDER BY seq")
            ]

    def _require_articles(self, ids: Sequence[str]) -> None:
        found = {r[0] for r in _select_in(self._writer, "SELECT id FROM articles", "id", ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise self._article_not_found(missing)

    def _article_not_found(self, ids: Sequence[str]) -> NotFound:
        shown = ", ".join(repr(i) for i in ids[:5]) + (" ..." if len(ids) > 5 else "")
        noun = "article" if len(ids) == 1 else f"{len(ids)} articles"
        return NotFound(
            f"no {noun} {shown} in the store at {self.path}; check the id, or that --db "
            "(NEWSWEAVE_DB) points at the store that holds it",
            public=f"there is no report {shown} here; it may have been removed, or the "
            "link is mistyped" if len(ids) == 1 else f"there are no {noun} {shown} here",
        )

    # --- analysis cache ---------------------------------------------------------------------

    def put_analysis(self, article_id: str, analyzed: AnalyzedArticle, version: str) -> None:
        """Cache an article's analysis under an analysis ``version`` (replacing it).

        Only the analysis is stored; ``get_analysis`` rebuilds the article from
        its row, so the analysis must have been made on that very text.

        Raises:
            NotFound: the article is not stored.
            StoreError: the analysis belongs to another article id or text.
        """
        data = analyzed.to_dict()
        article = data.pop("article")
        if article["id"] != article_id:
            raise StoreError(
                f"the analysis is of article {article['id']!r}, not {article_id!r}; "
                "analyse the articles put_articles returned (their ids are the stored ones)"
            )
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self._errors("store an analysis"), self.atomic():
            row = self._writer.execute(
                "SELECT text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise self._article_not_found([article_id])
            if row[0] != article["text"]:
                raise StoreError(
                    f"the analysis of article {article_id!r} was made on a different text than "
                    "the stored one, so its offsets would point at the wrong places; "
                    "analyse the stored article"
                )
            self._writer.execute(
                "INSERT INTO analyses (article_id, version, data, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id, version) DO UPDATE SET "
                "data = excluded.data, created_at = excluded.created_at",
                (article_id, version, payload, self._now()),
            )

    def get_analysis(self, article_id: str, version: str) -> AnalyzedArticle | None:
        """The cached analysis of an article for ``version``, or None."""
        with self._errors("read an analysis"), self._reading() as conn:
            row = conn.execute(
                f"SELECT an.data, {', '.join('a.' + c for c in _ARTICLE_COLUMNS.split(', '))} "
                "FROM analyses an JOIN articles a ON a.id = an.article_id "
                "WHERE an.article_id = ? AND an.version = ?",
                (article_id, version),
            ).fetchone()
            registry = _registry(conn)
        if row is None:
            return None
        data = json.loads(row[0])
        data["article"] = _article(row[1:], registry).to_dict()
        return AnalyzedArticle.from_dict(data)

    # --- vectors ----------------------------------------------------------------------------

    def put_vector(self, article_id: str, kind: str, vector: np.ndarray) -> None:
        """Store one 1-D vector of ``kind`` for an article (replacing the old one).

        Floats are stored as float32; integer arrays (MinHash signatures) keep
        their integer type, so uint64 hash values survive exactly.

        Raises:
            NotFound: the article is not stored.
            StoreError: the vector is not a 1-D numeric array.
        """
        self.put_vectors(kind, {article_id: vector})

    def put_vectors(self, kind: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store many vectors of one ``kind`` in one transaction (see ``put_vector``)."""
        rows = [(kind, aid, *_encode_vector(aid, v)) for aid, v in vectors.items()]
        with self._errors("store vectors"), self.atomic():
            self._require_articles(list(vectors))
            self._writer.executemany(
                "INSERT INTO vectors (kind, article_id, dtype, dim, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, article_id) DO UPDATE SET "
                "dtype = excluded.dtype, dim = excluded.dim, data = excluded.data",
                rows,
            )

    def get_vectors(self, kind: str, ids: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Vectors of ``kind`` by article id: all of them, or those of ``ids`` that exist."""
        with self._errors("read vectors"), self._reading() as conn:
            if ids is None:
                rows = conn.execute(
                    "SELECT v.article_id, v.dtype, v.data FROM vectors v "
                    "JOIN articles a ON a.id = v.article_id WHERE v.kind = ? ORDER BY a.seq",
                    (kind,),
                ).fetchall()
            else:
                rows = _select_in(
                    conn,
                    "SELECT article_id, dtype, data FROM vectors WHERE kind = ?",
                    "article_id",
                    ids,
                    (kind,),
                )
        return {aid: np.frombuffer(blob, dtype=np.dtype(dtype)).copy() for aid, dtype, blob in rows}

    # --- stories ----------------------------------------------------------------------------

    def put_story(
        self, story_id: str, title: str | None, state: dict[str, Any] | None = None
    ) -> None:
        """Create or update a story: its title and (unless ``None``) the clusterer's state."""
        payload = None if state is None else _dump_json(state, f"the state of story {story_id!r}")
        with self._errors("store a story"), self.atomic():
            # A story that had this id once and was retired: the id is live again.
            self._writer.execute("DELETE FROM story_redirects WHERE old_id = ?", (story_id,))
            now = self._now()
            self._writer.execute(
                "INSERT INTO stories (id, title, state, created_at, updated_at) "
                "VALUES (?, ?, coalesce(?, '{}'), ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "title = excluded.title, state = coalesce(?, stories.state), "
                "updated_at = excluded.updated_at",
                (story_id, title, payload, now, now, payload),
            )

    def put_story_states(self, states: Mapping[str, dict[str, Any]]) -> None:
        """Replace the clusterer's state of stored stories, by story id.

        Raises:
            NotFound: a story is not stored.
        """
        rows = [(_dump_json(v, f"the state of story {k!r}"), k) for k, v in states.items()]
        with self._errors("store story states"), self.atomic():
            for payload, story_id in rows:
                cur = self._writer.execute(
                    "UPDATE stories SET state = ? WHERE id = ?", (payload, story_id)
                )
                if not cur.rowcount:
                    raise self._story_not_found(story_id)

    def story_states(self) -> list[dict[str, Any]]:
        """The clusterer's state of every story that has one, in order of creation."""
        with self._errors("read story states"), self._reading() as conn:
            rows = conn.execute(
                "SELECT state FROM stories WHERE state != '{}' ORDER BY rowid"
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def add_cluster_df(self, increments: Mapping[str, int]) -> None:
        """Add ``increments`` to the stored document frequencies of keys."""
        with self._errors("store document frequencies"), self.atomic():
            self._writer.executemany(
                "INSERT INTO cluster_df (key, df) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET df = cluster_df.df + excluded.df",
                list(increments.items()),
            )

    def cluster_df(self) -> dict[str, int]:
        """Document frequencies of the keys the story clusterer weighs."""
        with self._errors("read document frequencies"), self._reading() as conn:
            return dict(conn.execute("SELECT key, df FROM cluster_df"))

    def clear_cluster_state(self) -> None:
        """Forget the clusterer's state (before re-clustering writes a new one)."""
        with self._errors("clear the clustering state"), self.atomic():
            self._writer.execute("UPDATE stories SET state = '{}'")
            self._writer.execute("DELETE FROM cluster_df")

    def assign_story(self, article_id: str, story_id: str) -> None:
        """Put an article in a story (moving it out of the one it was in, if any).

        Both stories count as updated.

        Raises:
            NotFound: the article or the story is not stored.
        """
        with self._errors("assign an article to a story"), self.atomic():
            row = self._writer.execute(
                "SELECT story_id FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise self._article_not_found([article_id])
            if not self._writer.execute(
                "SELECT 1 FROM stories WHERE id = ?", (story_id,)
            ).fetchone():
                raise self._story_not_found(story_id)
            old = row[0]
            if old == story_id:
                return
            self._writer.execute(
                "UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id)
            )
            self._writer.execute(
                "UPDATE stories SET updated_at = ? WHERE id IN (?, ?)", (self._now(), story_id, old)
            )

    def get_article_story(self, article_id: str) -> str | None:
        """The story an article is in (``None``: not placed yet).

        Raises:
            NotFound: the article is not stored.
        """
        with self._errors("read an article's story"), self._reading() as conn:
            row = conn.execute(
                "SELECT story_id FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        if row is None:
            raise self._article_not_found([article_id])
        return row[0]

    def delete_empty_stories(self) -> int:
        """Remove stories no article is in (left behind by re-clustering)."""
        with self._errors("delete empty stories"), self.atomic():
            cur = self._writer.execute(
                "DELETE FROM stories WHERE id NOT IN "
                "(SELECT story_id FROM articles WHERE story_id IS NOT NULL)"
            )
            return cur.rowcount

    def retire_stories(self, redirects: Mapping[str, str]) -> None:
        """End stories whose reports all went elsewhere: old id -> the story it leads to.

        The old rows go (with their cached comparisons); each old id, and any id
        that led to it, now leads to the new one.

        Raises:
            StoreError: an old story still has reports, or a new one is not stored.
        """
        with self._errors("retire stories"), self.atomic():
            for old, new in redirects.items():
                self._require_story(self._writer, new)
                if self._writer.execute(
                    "SELECT 1 FROM articles WHERE story_id = ? LIMIT 1", (old,)
                ).fetchone():
                    raise StoreError(
                        f"story {old!r} in {self.path} still has reports and cannot be "
                        f"retired into {new!r}; this is a bug: please report it"
                    )
                self._writer.execute("DELETE FROM stories WHERE id = ?", (old,))
                self._writer.execute(
                    "UPDATE story_redirects SET new_id = ? WHERE new_id = ?", (new, old)
                )
                self._writer.execute(
                    "INSERT INTO story_redirects (old_id, new_id) VALUES (?, ?) "
                    "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
                    (old, new),
                )

    def story_redirects(self) -> dict[str, str]:
        """Every retired story id -> the live story it leads to."""
        with self._errors("read story redirects"), self._reading() as conn:
            return dict(conn.execute("SELECT old_id, new_id FROM story_redirects"))

    def resolve_story(self, story_id: str) -> str:
        """The live id for ``story_id``: itself, or the story a retired id leads to.

        Raises:
            NotFound: no story has, or had, that id.
        """
        with self._errors("read a story"), self._reading() as conn:
            if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
                return story_id
            row = conn.execute(
                "SELECT new_id FROM story_redirects WHERE old_id = ?", (story_id,)
            ).fetchone()
        if row is None:
            raise self._story_not_found(story_id)
        return row[0]

    def get_story(self, story_id: str) -> StoryRecord:
        """One story, with the clusterer's state.

        Raises:
            NotFound: no story has that id.
        """
        with self._errors("read a story"), self._reading() as conn:
            row = conn.execute(
                "SELECT id, title, updated_at, state FROM stories WHERE id = ?", (story_id,)
            ).fetchone()
            if row is None:
                raise self._story_not_found(story_id)
            members = conn.execute(
                "SELECT story_id, id, published FROM articles WHERE story_id = ? ORDER BY seq",
                (story_id,),
            ).fetchall()
        [record] = _story_records([row[:3]], members)
        record.state = json.loads(row[3])
        return record

    def story_title(self, story_id: str) -> str | None:
        """A story's title; None when no story has that id (or it has no title)."""
        with self._errors("read a story"), self._reading() as conn:
            row = conn.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def stories(self, since: str | None = None) -> list[StoryRecord]:
        """Stories, most recently updated first (without their clusterer state).

        Args:
            since: only stories updated at or after this ISO date or datetime
                (a time without a zone is taken as UTC).

        Raises:
            StoreError: ``since`` is not an ISO date or datetime.
        """
        where, params = "", ()
        if since is not None:
            where, params = "WHERE s.updated_at >= ?", (_utc_stamp(since),)
        with self._errors("list stories"), self._reading() as conn:
            rows = conn.execute(
                f"SELECT s.id, s.title, s.updated_at FROM stories s {where} "
                "ORDER BY s.updated_at DESC, s.id",
                params,
            ).fetchall()
            members = conn.execute(
                "SELECT a.story_id, a.id, a.published FROM articles a "
                f"JOIN stories s ON s.id = a.story_id {where} ORDER BY a.seq",
                params,
            ).fetchall()
        return _story_records(rows, members)

    def story_articles(self, story_id: str) -> list[Article]:
        """The articles of a story, in the order they were stored.

        Raises:
            NotFound: no story has that id.
        """
        with self._errors("read a story's articles"), self._reading() as conn:
            self._require_story(conn, story_id)
            registry = _registry(conn)
            return [
                _article(r, registry)
                for r in conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id = ? ORDER BY seq",
                    (story_id,),
                )
            ]

    # --- story listings and cached comparisons -----------------------------------------------

    def story_summaries(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        outlet: str | None = None,
    ) -> tuple[list[StorySummary], int]:
        """One page of stories, newest and most covered first, and how many match in all.

        Stories are ordered by the day of their latest dated report (newest first;
        stories with no dated report after every dated one), then by independent
        sources and reports (most first), then by id.

        Args:
            limit: at most this many stories (1 to 1000).
            offset: skip this many first.
            since: only stories with a dated report on or after this day
                (``YYYY-MM-DD``); undated reports match no day.
            until: only stories with a dated report on or before this day.
            query: only stories with a report matching this full-text query
                (the syntax of ``search``; read as plain words when it does not parse).
            outlet: only stories with a report of this outlet (its id).

        Raises:
            QueryError: a bad limit, offset, day or query, or ``since`` after ``until``
                (the message says which).
        """
        if not isinstance(limit, int) or not 1 <= limit <= _MAX_PAGE:
            raise QueryError(f"limit must be a whole number from 1 to {_MAX_PAGE}, not {limit!r}")
        if not isinstance(offset, int) or offset < 0:
            raise QueryError(f"offset must be a whole number, 0 or more, not {offset!r}")
        where: list[str] = []
        params: list[Any] = []
        since_day = _day(since, "since") if since else None
        until_day = _day(until, "until") if until else None
        if since_day and until_day and since_day > until_day:
            raise QueryError(
                f"since ({since_day}) is after until ({until_day}): no day can be both; "
                "give a since on or before until"
            )
        if since_day:
            where.append("agg.last_day >= ?")
            params.append(since_day)
        if until_day:
            where.append("agg.first_day <= ?")
            params.append(until_day)
        match = self.search_expression(query)[0] if query else ""
        if match:
            where.append(self._match_stories)
            params.append(match)
        if outlet:
            where.append("agg.story_id IN (SELECT story_id FROM articles WHERE outlet_id = ?)")
            params.append(outlet)
        sql = (
            f"WITH agg AS (SELECT a.story_id, count(*) AS reports, {_INDEPENDENT} AS independent, "
            "min(substr(nullif(a.published, ''), 1, 10)) AS first_day, "
            "max(substr(nullif(a.published, ''), 1, 10)) AS last_day "
            f"FROM {self._sources} WHERE a.story_id IS NOT NULL GROUP BY a.story_id), "
            # The page is cut from the counts alone; only its stories' rows are read.
            "page AS (SELECT agg.*, count(*) OVER () AS total FROM agg "
            + ("WHERE " + " AND ".join(where) + " " if where else "")
            + f"ORDER BY {_LISTING_ORDER} LIMIT ? OFFSET ?) "
            "SELECT s.id, s.title, agg.reports, agg.independent, agg.first_day, agg.last_day, "
            "s.updated_at, c.fingerprint, c.claims, c.conflicts, agg.total "
            "FROM page agg JOIN stories s ON s.id = agg.story_id "
            f"LEFT JOIN comparisons c ON c.story_id = s.id ORDER BY {_LISTING_ORDER}"
        )
        try:
            with self._reading() as conn:
                rows = conn.execute(sql, (*params, limit, offset)).fetchall()
                members = _select_in(
                    conn,
                    "SELECT story_id, id, outlet, url FROM articles",
                    "story_id",
                    [r[0] for r in rows],
                ) if rows else []
                total = rows[0][-1] if rows else self._count_stories(conn, sql, params, offset)
                registry = _registry(conn)
        except self._db_errors as exc:
            raise self._query_error(query, exc) or StoreError(
                f"could not list stories in {self.path}: {exc}"
            ) from exc
        ids: dict[str, list[str]] = {}
        outlets: dict[str, dict[str, None]] = {}
        for story_id, article_id, outlet, url in sorted(members, key=lambda m: m[1]):
            ids.setdefault(story_id, []).append(article_id)
            name = identify(outlet, url, registry).name
            if name:
                outlets.setdefault(story_id, {})[name] = None
        out = [
            StorySummary(
                id=r[0],
                title=r[1],
                reports=r[2],
                independent_sources=r[3],
                outlets=sorted(outlets.get(r[0], {})),
                first_published=r[4],
                last_published=r[5],
                updated_at=r[6],
                article_ids=ids.get(r[0], []),
                comparison_fingerprint=r[7],
                claims=r[8],
                conflicts=r[9],
            )
            for r in rows
        ]
        return out, int(total)

    @staticmethod
    def _query_error(query: str | None, exc: BaseException) -> QueryError | None:
        """The error to raise when the database refused a full-text query, else None."""
        return _query_error(query, exc)

    @staticmethod
    def _count_stories(
        conn: sqlite3.Connection, sql: str, params: Sequence[Any], offset: int
    ) -> int:
        """The total of a listing whose page came back empty (an offset past the end)."""
        if offset == 0:
            return 0
        row = conn.execute(sql, (*params, 1, 0)).fetchone()
        return int(row[-1]) if row else 0

    def story_summary(self, story_id: str) -> StorySummary:
        """The listing entry of one story (see ``story_summaries``).

        Raises:
            NotFound: no story has that id.
        """
        with self._errors("read a story"), self._reading() as conn:
            row = conn.execute(
                "SELECT s.id, s.title, s.updated_at, c.fingerprint, c.claims, c.conflicts "
                "FROM stories s LEFT JOIN comparisons c ON c.story_id = s.id WHERE s.id = ?",
                (story_id,),
            ).fetchone()
            if row is None:
                raise self._story_not_found(story_id)
            members = conn.execute(
                f"SELECT a.id, a.outlet, a.url, substr(nullif(a.published, ''), 1, 10), "
                f"{_SOURCE} FROM {self._sources} WHERE a.story_id = ? ORDER BY a.id",
                (story_id,),
            ).fetchall()
            registry = _registry(conn)
        days = [m[3] for m in members if m[3]]
        names = (identify(m[1], m[2], registry).name for m in members)
        return StorySummary(
            id=row[0],
            title=row[1],
            reports=len(members),
            independent_sources=len({m[4] for m in members}),
            outlets=sorted({n for n in names if n}),
            first_published=min(days) if days else None,
            last_published=max(days) if days else None,
            updated_at=row[2],
            article_ids=[m[0] for m in members],
            comparison_fingerprint=row[3],
            claims=row[4],
            conflicts=row[5],
        )

    def put_comparison(
        self, story_id: str, fingerprint: str, data: str, *, claims: int, conflicts: int
    ) -> None:
        """Cache a story's comparison (JSON text), replacing the one cached before.

        Args:
            fingerprint: what the comparison was made from (reports, analysis version).
            claims: how many claim groups it has; conflicts: how many disagreements
                (conflicts) they hold.

        Raises:
            NotFound: the story is not stored.
        """
        with self._errors("store a comparison"), self.atomic():
            self._require_story(self._writer, story_id)
            self._writer.execute(
                "INSERT INTO comparisons (story_id, fingerprint, data, claims, conflicts, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, data = excluded.data, "
                "claims = excluded.claims, conflicts = excluded.conflicts, "
                "created_at = excluded.created_at",
                (story_id, fingerprint, data, claims, conflicts, self._now()),
            )

    def get_comparison(self, story_id: str) -> tuple[str, str] | None:
        """The cached comparison of a story as ``(fingerprint, JSON text)``, or None."""
        with self._errors("read a comparison"), self._reading() as conn:
            row = conn.execute(
                "SELECT fingerprint, data FROM comparisons WHERE story_id = ?", (story_id,)
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def story_member_ids(self, story_id: str) -> list[str]:
        """Ids of a story's articles, sorted.

        Raises:
            NotFound: no story has that id.
        """
        with self._errors("read a story's articles"), self._reading() as conn:
            self._require_story(conn, story_id)
            return [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM articles WHERE story_id = ? ORDER BY id", (story_id,)
                )
            ]

    def copy_family(self, article_id: str) -> tuple[str | None, list[str]]:
        """What ``article_id`` copies (``None``: it is an original) and the copies of it.

        Raises:
            NotFound: the article is not stored.
        """
        with self._errors("read copies"), self._reading() as conn:
            row = conn.execute(
                "SELECT copy_of FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise self._article_not_found([article_id])
            copies = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM articles WHERE copy_of = ? ORDER BY seq", (article_id,)
                )
            ]
        return row[0], copies

    def _require_story(self, conn: sqlite3.Connection, story_id: str) -> None:
        if not conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
            raise self._story_not_found(story_id)

    def _story_not_found(self, story_id: str) -> NotFound:
        return NotFound(
            f"no story {story_id!r} in the store at {self.path}; list the stories with "
            "`newsweave stories`, or check that --db (NEWSWEAVE_DB) is the right store",
            public=f"there is no story {story_id!r} here; it may have been removed, or the "
            "link is mistyped",
        )

    # --- outlets ----------------------------------------------------------------------------

    def registry(self) -> Registry:
        """The outlet registry."""
        with self._errors("read the outlet registry"), self._reading() as conn:
            return _registry(conn)

    def add_outlets(self, rows: Iterable[RegistryRow]) -> tuple[int, int]:
        """Add registry rows, or replace the rows of their domains; return (added, changed).

        Every stored report's outlet is identified again under the new registry, in the
        same transaction: a row applies to the reports stored before it too.
        """
        added = changed = 0
        with self._errors("store the outlet registry"), self.atomic():
            old = _registry(self._writer).rows
            now = self._now()
            for row in rows:
                if old.get(row.domain) == row:
                    continue
                added += row.domain not in old
                changed += row.domain in old
                self._writer.execute(
                    "INSERT INTO outlets (domain, name, owner, owner_key, country, lean, "
                    "aliases, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (domain) "
                    "DO UPDATE SET name = excluded.name, owner = excluded.owner, "
                    "owner_key = excluded.owner_key, country = excluded.country, "
                    "lean = excluded.lean, aliases = excluded.aliases",
                    (row.domain, row.name, row.owner, outlet_key(row.owner) if row.owner else None,
                     row.country, row.lean, json.dumps(list(row.aliases), ensure_ascii=False),
                     now),
                )
            if added or changed:
                registry = _registry(self._writer)
                updates = []
                for seq, outlet, url, current in self._writer.execute(
                    "SELECT seq, outlet, url, outlet_id FROM articles"
                ):
                    found = identify(outlet, url, registry).id
                    if found != current:
                        updates.append((found, seq))
                self._writer.executemany("UPDATE articles SET outlet_id = ? WHERE seq = ?",
                                         updates)
        return added, changed

    def outlets_stamp(self) -> str:
        """Changes whenever the registry does (cached comparisons count owners by it)."""
        with self._errors("read the outlet registry"), self._reading() as conn:
            rows = conn.execute(
                "SELECT domain, name, owner_key, country, lean, aliases FROM outlets "
                "ORDER BY domain").fetchall()
        return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()[:16]

    def outlets(self) -> tuple[list[OutletRecord], int]:
        """Every outlet the registry or a stored report names, most reports first, and
        how many stored reports have no known outlet."""
        with self._errors("list outlets"), self._reading() as conn:
            registry = _registry(conn)
            counts = conn.execute(
                "SELECT outlet_id, count(*), count(DISTINCT story_id) FROM articles "
                "GROUP BY outlet_id").fetchall()
            names = _outlet_names(conn, None)
        unknown = sum(n for oid, n, _ in counts if oid is None)
        seen = {oid: (n, stories) for oid, n, stories in counts if oid is not None}
        ids = list(dict.fromkeys([*seen, *registry.rows]))
        out = [_outlet_record(i, registry, names, *seen.get(i, (0, 0))) for i in ids]
        out.sort(key=lambda o: (-o.reports, (o.name or o.id).casefold(), o.id))
        return out, unknown

    def outlet(self, outlet_id: str) -> OutletRecord:
        """One outlet (see ``outlets``).

        Raises:
            NotFound: neither the registry nor any stored report names it.
        """
        with self._errors("read an outlet"), self._reading() as conn:
            registry = _registry(conn)
            n, stories = conn.execute(
                "SELECT count(*), count(DISTINCT story_id) FROM articles WHERE outlet_id = ?",
                (outlet_id,)).fetchone()
            names = _outlet_names(conn, outlet_id)
        if not n and outlet_id not in registry.rows:
            raise NotFound(
                f"no outlet {outlet_id!r} in the store at {self.path}; list them with "
                "`newsweave outlets`",
                public=f"there is no outlet {outlet_id!r} here; the link may be mistyped")
        return _outlet_record(outlet_id, registry, names, n, stories)

    # --- key-value state --------------------------------------------------------------------

    def get_state(self, key: str) -> dict[str, Any] | None:
        """The JSON document stored under ``key``, or None."""
        with self._errors("read state"), self._reading() as conn:
            row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Store a JSON document under ``key``, replacing the old one.

        Raises:
            StoreError: ``value`` is not a dict of JSON-serialisable values.
        """
        if not isinstance(value, dict):
            raise StoreError(f"state {key!r} must be a dict, not {type(value).__name__}")
        payload = _dump_json(value, f"state {key!r}")
        with self._errors("store state"), self.atomic():
            self._writer.execute(
                "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, payload, self._now()),
            )

    def delete_state(self, key: str) -> None:
        """Remove the document stored under ``key`` (nothing happens if there is none)."""
        with self._errors("delete state"), self.atomic():
            self._writer.execute("DELETE FROM state WHERE key = ?", (key,))

    # --- failures ---------------------------------------------------------------------------

    def record_failure(self, source: str, reason: str) -> None:
        """Note that ``source`` could not be read; again: update reason, last_seen, count."""
        with self._errors("record a failure"), self.atomic():
            now = self._now()
            self._writer.execute(
                "INSERT INTO failures (source, reason, first_seen, last_seen, count) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (source) DO UPDATE SET "
                "reason = excluded.reason, last_seen = excluded.last_seen, "
                "count = failures.count + 1",
                (source, reason, now, now),
            )

    def failures(self) -> list[FailureRecord]:
        """Inputs that could not be read, most recent first."""
        with self._errors("list failures"), self._reading() as conn:
            return [
                FailureRecord(*r)
                for r in conn.execute(
                    "SELECT source, reason, first_seen, last_seen, count FROM failures "
                    "ORDER BY last_seen DESC, source"
                )
            ]

    def clear_failures(self, sources: Iterable[str]) -> None:
        """Forget the failures of ``sources`` (they were read since); no-op for others."""
        with self._errors("clear failures"), self.atomic():
            self._writer.executemany(
                "DELETE FROM failures WHERE source = ?", [(s,) for s in sources]
            )

    # --- search -----------------------------------------------------------------------------

    def search_expression(self, query: str) -> tuple[str, bool]:
        """The FTS5 expression a search query runs as, and whether it was read as
        plain words because FTS5 could not parse it.

        Plain words become a phrase each (all must match). A query with FTS5 syntax
        runs as written when FTS5 accepts it, so its operators keep working;
        otherwise each of its words (as split at spaces) is searched as written,
        quote marks and all: ``NEAR(`` finds "near", ``(((`` finds nothing.

        Raises:
            QueryTimeout: checking the query took longer than the read time limit.
            StoreError: the store cannot be read.
        """
        match, syntax = _fts_query(query)
        if not syntax:
            return match, False
        try:
            with self._reading() as conn:
                # FTS5 parses the expression when the query first steps, not before.
                conn.execute(
                    "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (match,)
                ).fetchall()
        except sqlite3.Error as exc:
            if _query_error(query, exc) is None:
                raise StoreError(f"could not search {self.path}: {exc}") from exc
            return _plain_words(query), True
        return match, False

    def _search_match(self, query: str, limit: int) -> str:
        """The expression ``search`` matches (empty: nothing to search), once ``limit``
        is known to be a positive whole number."""
        if not isinstance(limit, int) or limit < 1:
            raise StoreError(f"search limit must be a positive whole number, not {limit!r}")
        return self.search_expression(query)[0]

    def search(
        self, query: str, limit: int = 20, *, highlight: tuple[str, str] = ("[", "]")
    ) -> list[SearchHit]:
        """Full-text search over article titles and texts, best first.

        Plain words find articles with all of them (``talks ceasefire``; any
        punctuation is taken literally, so ``U.S.`` works). A query with FTS5
        syntax (``"exact phrase"``, ``OR``, ``NOT``, ``NEAR``, ``prefix*``,
        ``title:word``, parentheses) is passed to FTS5 as written; when FTS5
        cannot parse it (``NEAR(``, a lone ``AND`` or ``"``), its words are
        searched as plain words instead (``search_expression`` says which).
        Words are stemmed, so ``talk`` finds ``talks``.

        Args:
            query: the words or FTS5 query.
            limit: at most this many hits.
            highlight: what to put around matched words in the snippet.

        Raises:
            StoreError: ``limit`` is not a positive number, or the store cannot be read.
        """
        match = self._search_match(query, limit)
        if not match:
            return []
        open_, close = highlight
        try:
            with self._reading() as conn:
                rows = conn.execute(
                    "SELECT a.id, a.title, a.outlet, a.url, "
                    "snippet(articles_fts, -1, ?, ?, '…', 16), articles_fts.rank "
                    "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
                    "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank, a.seq LIMIT ?",
                    (open_, close, match, limit),
                ).fetchall()
                registry = _registry(conn)
        except sqlite3.Error as exc:
            raise _query_error(query, exc) or StoreError(
                f"could not search {self.path}: {exc}"
            ) from exc
        return [SearchHit(r[0], r[1], identify(r[2], r[3], registry).name, r[4], float(r[5]))
                for r in rows]


# --- helpers ---------------------------------------------------------------------------------


def _query_error(query: str | None, exc: sqlite3.Error) -> QueryError | None:
    """The error to raise when SQLite refused a full-text query's syntax, else None."""
    message = str(exc)
    if not query or not any(marker in message for marker in _FTS_QUERY_ERRORS):
        return None
    return QueryError(
        f"search query {query!r} is not valid: {message}. Close every double "
        "quote and parenthesis, use only title: or text: before a colon, or "
        'search plain words (without " ( ) * ^ : and upper-case AND/OR/NOT/NEAR)'
    )


def _outlet_names(conn: sqlite3.Connection, outlet_id: str | None) -> dict[str, str]:
    """The name its reports give each outlet id most often (of one outlet, or of all);
    the id itself when they give none (the outlet is known by its URL's domain). The
    registry's name, where it has one, is put first by ``_outlet_record``."""
    where, params = ("WHERE outlet_id = ?", (outlet_id,)) if outlet_id else (
        "WHERE outlet_id IS NOT NULL", ())
    best: dict[str, tuple[int, str]] = {}
    for oid, outlet, n in conn.execute(
        f"SELECT outlet_id, outlet, count(*) FROM articles {where} GROUP BY outlet_id, outlet",
        params,
    ):
        name = (outlet or "").strip() or oid
        if oid not in best or (n, name) > best[oid]:
            best[oid] = (n, name)
    return {oid: name for oid, (_, name) in best.items()}


def _outlet_record(
    outlet_id: str, registry: Registry, names: dict[str, str], reports: int, stories: int
) -> OutletRecord:
    row = registry.rows.get(outlet_id)
    if row is None:
        return OutletRecord(outlet_id, names.get(outlet_id, outlet_id), None, None, None, [],
                            False, reports, stories)
    return OutletRecord(outlet_id, row.name or names.get(outlet_id, outlet_id), row.owner,
                        row.country, row.lean, list(row.aliases), True, reports, stories)


def _registry(conn: sqlite3.Connection) -> Registry:
    """The outlet registry as stored (read in the caller's transaction)."""
    return Registry.of(
        RegistryRow(domain, name, owner, country, lean, tuple(json.loads(aliases)))
        for domain, name, owner, country, lean, aliases in conn.execute(
            "SELECT domain, name, owner, country, lean, aliases FROM outlets ORDER BY domain"
        )
    )


def _article(row: Sequence[Any], registry: Registry) -> Article:
    """An article from its row, its outlet identified under the registry."""
    aid, url, path, outlet, title, dateline, published, author, text, body_start = row
    return Article(
        text=text,
        id=aid,
        path=path,
        url=url,
        outlet=outlet,
        title=title,
        dateline=dateline,
        published=published,
        author=author,
        body_start=body_start,
    ).identify(registry)


def _select_in(
    conn: sqlite3.Connection,
    select: str,
    column: str,
    values: Sequence[str],
    params: tuple[Any, ...] = (),
) -> list[tuple[Any, ...]]:
    """Run ``select`` restricted to ``column IN values``, in chunks."""
    joiner = " AND " if " WHERE " in select else " WHERE "
    rows: list[tuple[Any, ...]] = []
    unique = list(dict.fromkeys(values))
    for i in range(0, len(unique), _CHUNK):
        chunk = unique[i : i + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows.extend(conn.execute(f"{select}{joiner}{column} IN ({marks})", (*params, *chunk)))
    return rows


def _story_records(
    rows: Sequence[tuple[str, str | None, str]], members: Iterable[tuple[str, str, str | None]]
) -> list[StoryRecord]:
    records = {
        sid: StoryRecord(sid, title, [], None, None, updated) for sid, title, updated in rows
    }
    for story_id, article_id, published in members:
        record = records.get(story_id)
        if record is None:
            continue
        record.article_ids.append(article_id)
        if published:
            if record.first_published is None or published < record.first_published:
                record.first_published = published
            if record.last_published is None or published > record.last_published:
                record.last_published = published
    return list(records.values())


def _encode_vector(article_id: str, vector: np.ndarray) -> tuple[str, int, bytes]:
    arr = np.asarray(vector)
    if arr.ndim != 1:
        raise StoreError(
            f"the vector for article {article_id!r} has shape {arr.shape}; store 1-D vectors"
        )
    if np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype("<f4")
    elif np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    else:
        raise StoreError(
            f"the vector for article {article_id!r} holds {arr.dtype}; store floats or integers"
        )
    return arr.dtype.str, int(arr.shape[0]), arr.tobytes()


def _dump_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what} cannot be stored as JSON: {exc}; convert arrays to lists and "
            "numbers to plain floats or ints"
        ) from exc


def _utc_stamp(value: str) -> str:
    """An ISO date or datetime as a UTC timestamp comparable with the stored ones."""
    try:
        when = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise StoreError(
            f"{value!r} is not an ISO date or datetime; write it like 2025-03-19 or "
            "2025-03-19T14:30:00+00:00"
        ) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _day(value: str, name: str) -> str:
    """A ``YYYY-MM-DD`` day, checked."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except (ValueError, AttributeError) as exc:
        raise QueryError(f"{name} must be a day written like 2025-03-19, not {value!r}") from exc


def _fts_query(query: str) -> tuple[str, bool]:
    """The FTS5 MATCH expression for a search query, and whether it is FTS5 syntax
    (passed as written) rather than plain words (see ``Store.search``)."""
    words = query.split()
    if not words:
        return "", False
    if any(ch in _FTS_SYNTAX_CHARS for ch in query) or any(
        w in _FTS_OPERATORS or w.startswith("NEAR(") for w in words
    ):
        return query, True
    return _plain_words(query), False


def _plain_words(query: str) -> str:
    """Each word of a query as an FTS5 string (a phrase of its tokens), all required.
    A word of punctuation alone is an empty phrase, which matches nothing."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in query.split())


def _first_line(exc: BaseException) -> str:
    """A driver error's first line (PostgreSQL's carry a context block after it)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
