"""The PostgreSQL store: the same store as ``Store``, in a PostgreSQL database.

``PostgresStore("postgresql://user@host/db")`` is what ``open_store`` returns for a
``postgresql://`` (or ``postgres://``) URL. Every public method behaves as the SQLite
store's does (it inherits them: the SQL they run is plain enough for both); what
differs lives here:

- the schema: its own migrations (``PG_MIGRATIONS``), recorded in a ``migrations``
  table like SQLite's; text columns sort bytewise (``COLLATE "C"``), as SQLite's do;
- full-text search: a generated ``tsvector`` column (title weighted A, text B) with
  a GIN index (of a report's first 300,000 characters: a tsvector holds at most 1 MB,
  which a report of a million characters of distinct words would pass; news reports
  are a few thousand), in a text search configuration ``newsweave`` (the Snowball English
  stemmer without stop words, so ``and`` or ``the`` can be searched as FTS5 allows),
  queried with ``websearch_to_tsquery``. The query syntax is PostgreSQL's web search
  syntax (words, ``"phrases"``, ``OR``, ``-word``); a query that uses FTS5-only syntax
  (``( ) * ^ : { }``, ``AND``/``NOT``/``NEAR``) or does not hold together (an open
  quote, a dangling ``OR``) is searched as plain words, as the SQLite store does;
- writers: one connection per store writes, guarded by a lock as in SQLite; the
  outermost ``atomic()`` takes ``pg_advisory_xact_lock(WRITER_LOCK)``, so writes from
  every process are serialised (stories are placed by one ordered writer) while
  readers, on their own connections and snapshots, never wait for them; nested
  blocks are savepoints;
- read time limits: ``SET LOCAL statement_timeout``; a cancelled read is the same
  ``QueryTimeout`` the SQLite store raises.

Only this module imports psycopg (``pip install 'newsweave[postgres]'``).
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from ..errors import StoreError
from ..outlets import identify
from .migrations import Migrations, migration_failed, refuse_unknown
from .sqlite import _ORIGINAL_OUTLET, BUSY_TIMEOUT_S, SearchHit, Store, _first_line, _registry

__all__ = ["PG_MIGRATIONS", "WRITER_LOCK", "PostgresStore", "redact_dsn"]

log = logging.getLogger(__name__)

#: The advisory lock every writer of a newsweave database holds for its outermost
#: transaction (an arbitrary constant: "nwsw" in ASCII). Advisory locks are per
#: database, so two newsweave databases on one server do not wait for each other.
WRITER_LOCK = 0x6E777377
#: Words the search snippet shows around a match (FTS5's snippet shows 16 tokens).
SNIPPET_WORDS = 16
# What ts_headline puts around matches, replaced by the caller's ``highlight`` in
# Python so that no caller text is ever spliced into the options string.
_OPEN, _CLOSE = "\ue000", "\ue001"
# Title hits weigh twice body hits (ts_rank weights of D, C, B, A), as in SQLite.
_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
# Characters and words that are FTS5 syntax PostgreSQL's web search syntax lacks.
_FTS5_ONLY_CHARS = frozenset("()*^:{}")
_FTS5_ONLY_WORDS = frozenset({"AND", "NOT", "NEAR"})
_TSQUERY = "websearch_to_tsquery('newsweave', ?)"

# SQLite's listing join names an index; PostgreSQL picks its own.
_PG_SOURCES = (
    "articles a LEFT JOIN articles r ON r.id = a.copy_of "
    f"LEFT JOIN outlets o ON o.domain = {_ORIGINAL_OUTLET}"
)


# --- migrations ------------------------------------------------------------------------------

#: The migrations PostgreSQL databases are built from (their own list: SQLite's
#: history of five steps is one step here, the schema as it stands).
PG_MIGRATIONS = Migrations()

_INITIAL = """
CREATE TEXT SEARCH DICTIONARY newsweave_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION newsweave (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION newsweave ALTER MAPPING FOR
    asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH newsweave_stem;

CREATE TABLE stories (
    seq BIGSERIAL UNIQUE,
    id TEXT COLLATE "C" PRIMARY KEY,
    title TEXT,
    state TEXT NOT NULL DEFAULT '{}',
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX stories_updated_at ON stories(updated_at);

CREATE TABLE articles (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    url TEXT,
    path TEXT,
    outlet TEXT COLLATE "C",
    title TEXT,
    dateline TEXT,
    published TEXT COLLATE "C",
    author TEXT,
    text TEXT NOT NULL,
    body_start INTEGER NOT NULL DEFAULT 0,
    added_at TEXT COLLATE "C" NOT NULL,
    copy_of TEXT COLLATE "C" REFERENCES articles(id) ON DELETE SET NULL,
    story_id TEXT COLLATE "C" REFERENCES stories(id) ON DELETE SET NULL,
    outlet_id TEXT COLLATE "C",
    tsv TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('newsweave', left(coalesce(title, ''), 1000)), 'A')
        || setweight(to_tsvector('newsweave', left(text, 300000)), 'B')
    ) STORED
);
CREATE INDEX articles_story_id ON articles(story_id);
CREATE INDEX articles_copy_of ON articles(copy_of);
CREATE INDEX articles_outlet_id ON articles(outlet_id, outlet, story_id);
CREATE INDEX articles_story_listing
    ON articles(story_id, published, added_at, copy_of, id, outlet, outlet_id);
CREATE INDEX articles_tsv ON articles USING GIN (tsv);

CREATE TABLE analyses (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version TEXT COLLATE "C" NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE vectors (
    kind TEXT COLLATE "C" NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    dtype TEXT NOT NULL,
    dim INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (kind, article_id)
);
CREATE INDEX vectors_article_id ON vectors(article_id);

CREATE TABLE state (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE failures (
    source TEXT COLLATE "C" PRIMARY KEY,
    reason TEXT NOT NULL,
    first_seen TEXT COLLATE "C" NOT NULL,
    last_seen TEXT COLLATE "C" NOT NULL,
    count INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cluster_df (
    key TEXT COLLATE "C" PRIMARY KEY,
    df INTEGER NOT NULL
);

CREATE TABLE comparisons (
    story_id TEXT COLLATE "C" PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL,
    claims INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE story_redirects (
    old_id TEXT COLLATE "C" PRIMARY KEY,
    new_id TEXT COLLATE "C" NOT NULL
);

CREATE TABLE outlets (
    domain TEXT COLLATE "C" PRIMARY KEY,
    name TEXT,
    owner TEXT,
    owner_key TEXT,
    country TEXT,
    lean TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
);
"""


@PG_MIGRATIONS.register("0001_initial")
def _initial(conn: psycopg.Connection) -> None:
    # psycopg sends a parameterless string as one simple query: every statement runs
    # inside the caller's transaction.
    conn.execute(_INITIAL)


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS migrations (
    name TEXT COLLATE "C" PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


def apply_migrations(
    conn: psycopg.Connection, registry: Migrations, now: Callable[[], str], *, where: str
) -> list[str]:
    """Apply the migrations of ``registry`` that the database has not run yet.

    Each runs in one transaction with the row that records it, holding the writer
    lock, so two processes opening a new database at once apply each migration once.

    Raises:
        StoreError: the schema holds tables but is not a newsweave store, it was
            written by a newer newsweave, or a migration failed (it is rolled back).
    """
    applied = _bootstrap(conn, registry, where)
    done: list[str] = []
    for name, fn in registry.items():
        if name in applied:
            continue
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                # Another process may have applied it while this one waited for the lock.
                if conn.execute("SELECT 1 FROM migrations WHERE name = %s", (name,)).fetchone():
                    continue
                fn(conn)
                conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (%s, %s)", (name, now())
                )
        except Exception as exc:  # the transaction was rolled back on the way out
            raise migration_failed(name, where, exc) from exc
        log.info("applied migration %s to %s", name, where)
        done.append(name)
    return done


def _bootstrap(conn: psycopg.Connection, registry: Migrations, where: str) -> set[str]:
    """Create the ledger if needed; return the names it records; refuse foreign or newer DBs."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
        has_ledger = conn.execute("SELECT to_regclass('migrations')").fetchone()[0]
        if has_ledger is None:
            other = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY table_name LIMIT 3"
            ).fetchall()
            if other:
                names = ", ".join(r[0] for r in other)
                raise StoreError(
                    f"{where} is a PostgreSQL database but not a newsweave store (it holds "
                    f"{names}); create an empty database for newsweave and pass its URL to --db"
                )
            conn.execute(_CREATE_LEDGER)
        applied = {r[0] for r in conn.execute("SELECT name FROM migrations")}
    refuse_unknown(applied, registry, where)
    return applied


# --- connections -----------------------------------------------------------------------------


def redact_dsn(dsn: str) -> str:
    """The connection URL without its password, to name the database in messages."""
    parts = urlsplit(dsn)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.split(':', 1)[0]}@{hostport}"
    query = "&".join(p for p in parts.query.split("&") if not p.startswith("password="))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _storable(params: Sequence[Any] | None) -> list[Any] | None:
    """``params`` as PostgreSQL takes them: its text cannot hold NUL, which a report's
    text may (SQLite keeps it); each becomes U+FFFD, so every offset into the text
    stays where it was."""
    if params is None:
        return None
    return [p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p
            for p in params]


class _Conn:
    """A psycopg connection that runs the SQLite store's SQL: ``?`` marks become ``%s``.

    The inherited methods only use ``execute``, ``executemany`` and ``in_transaction``;
    their SQL has no ``?`` or ``%`` inside a string literal.
    """

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw

    @staticmethod
    def _sql(sql: str, params: Sequence[Any] | None) -> str:
        return sql if params is None else sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        return self.raw.execute(self._sql(sql, params or None), _storable(params) or None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> psycopg.Cursor:
        cur = self.raw.cursor()
        rows = [_storable(r) for r in rows]
        if rows:
            cur.executemany(self._sql(sql, rows[0]), rows)
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


# --- the store -------------------------------------------------------------------------------


class PostgresStore(Store):
    """A newsweave store in a PostgreSQL database (same API as ``Store``).

    Args:
        dsn: a ``postgresql://user[:password]@host[:port]/database`` URL (``?host=/dir``
            for a unix socket); the database must exist (``createdb``) and be empty or
            a newsweave store.
        timeout: seconds a writer waits for another process's transaction.
        read_timeout: seconds a read may run before it is cancelled (``QueryTimeout``).
        migrations: the migrations to apply (default: ``PG_MIGRATIONS``).

    Attributes:
        path: the URL without its password (named in messages).
        newly_applied: names of the migrations this opening applied.

    Raises:
        StoreError: the server cannot be reached, the database is not a newsweave
            store or is newer, or a migration failed.
    """

    _db_errors = (psycopg.Error,)
    _sources = _PG_SOURCES
    _match_stories = f"agg.story_id IN (SELECT story_id FROM articles WHERE tsv @@ {_TSQUERY})"

    def __init__(
        self,
        dsn: str,
        *,
        timeout: float = BUSY_TIMEOUT_S,
        read_timeout: float | None = None,
        migrations: Migrations | None = None,
    ) -> None:
        self._dsn = dsn
        self._memory = False
        self.path = redact_dsn(dsn)  # type: ignore[assignment] - a URL, not a file
        self._init_state(timeout, read_timeout)
        self._writer = self._connect(readonly=False)  # type: ignore[assignment]
        self._closed = False
        self._migrate(lambda: apply_migrations(self._writer.raw, migrations or PG_MIGRATIONS,
                                               self._now, where=self.path))

    # --- connections and transactions ---------------------------------------------------------

    def _open_message(self, exc: BaseException) -> str:
        return (
            f"cannot use the PostgreSQL database {self.path}: {_first_line(exc)}; check that "
            "it is a newsweave database this user may write to, or pass another --db"
        )

    def _connect(self, *, readonly: bool) -> _Conn:  # type: ignore[override]
        try:
            raw = psycopg.connect(
                self._dsn,
                autocommit=True,
                connect_timeout=max(1, math.ceil(self._timeout)),
                application_name="newsweave",
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot reach the PostgreSQL server of {self.path}: {_first_line(exc)}; "
                "check that the server is running and that the URL's user, host, port and "
                "database are right (create the database with `createdb`), or pass another --db"
            ) from exc
        return _Conn(raw)

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    def _begin(self, conn: _Conn, depth: int, savepoint: str) -> None:
        """The outermost block takes the writer lock of every process (waiting at most
        ``timeout`` seconds for it); a nested one is a savepoint."""
        if depth:
            conn.execute(f"SAVEPOINT {savepoint}")
            return
        conn.execute("BEGIN")
        conn.execute(f"SET LOCAL lock_timeout = {max(1, math.ceil(self._timeout * 1000))}")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
        conn.execute("SET LOCAL lock_timeout = 0")

    @contextmanager
    def _reading(self) -> Iterator[_Conn]:  # type: ignore[override]
        """A connection for reads, seeing one snapshot for the whole block."""
        self._check_open()
        if self._owner == threading.get_ident():
            with self._lock:
                yield self._writer
            return
        local = self._local
        conn: _Conn | None = getattr(local, "conn", None)
        if conn is None or conn.raw.closed:
            conn = self._connect(readonly=True)
            local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        if conn.in_transaction:  # a read inside another read
            yield conn
            return
        limit = self.read_timeout
        conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            if limit:
                # 0 would mean no limit: the shortest PostgreSQL takes is 1 ms.
                ms = max(1, math.ceil(limit * 1000))
                conn.raw.execute(f"SET LOCAL statement_timeout = {ms}")
            yield conn
        except pg_errors.QueryCanceled as exc:
            raise self._timed_out(limit) from exc
        finally:
            if conn.in_transaction and not conn.raw.closed:
                try:
                    conn.raw.execute("ROLLBACK")  # read only: nothing to keep
                except psycopg.Error as exc:
                    log.warning("ending a read on %s: %s", self.path, exc)

    def check(self) -> list[str]:
        """Check the database and the search index; return the problems (empty: fine).

        PostgreSQL enforces the foreign keys and keeps the generated search column
        itself; this checks what a hand edit could still break: the search index
        covers every report, and the ledger knows every migration.
        """
        problems: list[str] = []
        with self._errors("check the database"), self.atomic():
            conn = self._writer
            missing = conn.execute("SELECT count(*) FROM articles WHERE tsv IS NULL").fetchone()[0]
            if missing:
                problems.append(f"search index: {missing} reports are not indexed")
            known = {r[0] for r in conn.execute("SELECT name FROM migrations")}
            problems.extend(
                f"migration {name} is not recorded" for name in PG_MIGRATIONS if name not in known
            )
        return problems

    def story_states(self) -> list[dict[str, Any]]:
        """The clusterer's state of every story that has one, in order of creation."""
        with self._errors("read story states"), self._reading() as conn:
            rows = conn.execute(
                "SELECT state FROM stories WHERE state != '{}' ORDER BY seq"
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    # --- search -----------------------------------------------------------------------------

    @staticmethod
    def _query_error(query: str | None, exc: BaseException) -> None:
        """websearch_to_tsquery accepts any text: no error is the query's fault."""
        return None

    def search_expression(self, query: str) -> tuple[str, bool]:
        """The web search query a search runs as, and whether it was read as plain words.

        Plain words become a quoted word each (all must match; punctuation is kept
        within the word, so ``U.S.`` works). A query in PostgreSQL's web search
        syntax (``"phrase"``, ``OR``, ``-word``) runs as written when it holds
        together; FTS5-only syntax or a broken query is searched as plain words.
        """
        self._check_open()
        return _websearch_query(query)

    def search(
        self, query: str, limit: int = 20, *, highlight: tuple[str, str] = ("[", "]")
    ) -> list[SearchHit]:
        """Full-text search over titles and texts, best first (see ``search_expression``).

        ``rank`` is minus PostgreSQL's ``ts_rank`` with title hits weighing double,
        so lower is better, as with the SQLite store's bm25.

        Raises:
            StoreError: ``limit`` is not a positive number, or the store cannot be read.
        """
        match = self._search_match(query, limit)
        if not match:
            return []
        options = (
            f'StartSel="{_OPEN}", StopSel="{_CLOSE}", MaxWords={SNIPPET_WORDS}, '
            f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, HighlightAll=false"
        )
        with self._errors("search"), self._reading() as conn:
            rows = conn.execute(
                "SELECT a.id, a.title, a.outlet, a.url, "
                f"ts_headline('newsweave', a.text, q, ?), -ts_rank(?, a.tsv, q) AS rank "
                f"FROM articles a, {_TSQUERY} q WHERE a.tsv @@ q "
                "ORDER BY rank, a.seq LIMIT ?",
                (options, _RANK_WEIGHTS, match, limit),
            ).fetchall()
            registry = _registry(conn)
        open_, close = highlight
        return [
            SearchHit(
                r[0], r[1], identify(r[2], r[3], registry).name,
                r[4].replace(_OPEN, open_).replace(_CLOSE, close), float(r[5]),
            )
            for r in rows
        ]


# --- helpers ---------------------------------------------------------------------------------


def _websearch_query(query: str) -> tuple[str, bool]:
    """The ``websearch_to_tsquery`` text for a search query, and whether it was read
    as plain words because it was not web search syntax that holds together."""
    words = query.split()
    if not words:
        return "", False
    fts5_only = any(ch in _FTS5_ONLY_CHARS for ch in query) or any(
        w in _FTS5_ONLY_WORDS or w.startswith("NEAR(") for w in words
    )
    if fts5_only:
        return _plain_words(query), True
    syntax = '"' in query or any(w == "OR" or (w.startswith("-") and len(w) > 1) for w in words)
    if not syntax:
        return _plain_words(query), False
    if not _holds_together(words, query):
        return _plain_words(query), True
    return query, False


def _holds_together(words: list[str], query: str) -> bool:
    """Whether a web search query means what it says: its quotes are closed, and
    every ``OR`` stands between two terms."""
    if query.count('"') % 2:
        return False
    ors = [i for i, w in enumerate(words) if w == "OR"]
    return all(0 < i < len(words) - 1 and words[i + 1] != "OR" for i in ors)


def _plain_words(query: str) -> str:
    """Each word of a query quoted (a phrase of its tokens), all required. Quote marks
    inside a word are dropped; a word of punctuation alone matches nothing."""
    return " ".join('"' + w.replace('"', "") + '"' for w in query.split())

