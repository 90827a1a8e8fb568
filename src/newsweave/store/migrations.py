"""Schema migrations: registered, named functions applied in name order.

Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with
the insert into ``migrations(name, applied_at)`` that records it, so a
migration is either fully applied and recorded or not at all. To change the
schema, add a function::

    @migration("0002_story_labels")
    def _story_labels(conn: sqlite3.Connection) -> None:
        run_script(conn, "ALTER TABLE stories ADD COLUMN label TEXT;")

Never edit a migration that has shipped: databases that already ran it will
not run it again. Names must sort after every name registered before them.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator

from ..errors import StoreError

__all__ = ["MIGRATIONS", "Migration", "Migrations", "apply", "migration", "run_script"]

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]


class Migrations:
    """An ordered registry of named migrations."""

    def __init__(self) -> None:
        self._items: dict[str, Migration] = {}

    def register(self, name: str) -> Callable[[Migration], Migration]:
        """Decorator registering ``fn(conn)`` as the migration called ``name``.

        Raises:
            StoreError: the name is taken, or does not sort after the last one.
        """

        def decorate(fn: Migration) -> Migration:
            if name in self._items:
                raise StoreError(f"migration {name!r} is registered twice; give it a new name")
            last = next(reversed(self._items), None)
            if last is not None and name <= last:
                raise StoreError(
                    f"migration {name!r} must sort after {last!r}, the last one registered; "
                    "number it after the existing ones"
                )
            self._items[name] = fn
            return fn

        return decorate

    def copy(self) -> Migrations:
        """A new registry with the same migrations (to add more in tests or tools)."""
        other = Migrations()
        other._items = dict(self._items)
        return other

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, Migration]]:
        return list(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


#: The migrations newsweave's own schema is built from.
MIGRATIONS = Migrations()
migration = MIGRATIONS.register


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute the SQL statements in ``script`` one by one.

    Unlike ``Connection.executescript``, which commits any open transaction
    first, this keeps every statement inside the caller's transaction.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    leftover = [
        ln for ln in statement.splitlines() if ln.strip() and not ln.lstrip().startswith("--")
    ]
    if leftover:
        raise StoreError(
            f"migration SQL ends with an unterminated statement: {statement.strip()!r}"
        )


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


def apply(
    conn: sqlite3.Connection, registry: Migrations, now: Callable[[], str], *, where: str
) -> list[str]:
    """Apply the migrations of ``registry`` that ``conn``'s database has not run yet.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the
    names applied, in order. ``where`` names the database in messages.

    Raises:
        StoreError: the database is not a newsweave store, was written by a
            newer newsweave (it records migrations this code does not know),
            or a migration failed (it is rolled back, and named).
    """
    applied = _bootstrap(conn, registry, where)
    done: list[str] = []
    for name, fn in registry.items():
        if name in applied:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(
                f"could not lock {where} to apply migration {name!r}: {exc}; "
                "another newsweave process may be writing, try again"
            ) from exc
        try:
            # Another process may have applied it while this one waited for the lock.
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")
                continue
            fn(conn)
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
            conn.execute("COMMIT")
        except Exception as exc:
            _rollback(conn)
            raise migration_failed(name, where, exc) from exc
        except BaseException:  # KeyboardInterrupt: undo, and let it through
            _rollback(conn)
            raise
        log.info("applied migration %s to %s", name, where)
        done.append(name)
    return done


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _bootstrap(conn: sqlite3.Connection, registry: Migrations, where: str) -> set[str]:
    """Create the ledger if needed; return the names it records; refuse foreign or newer DBs."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        has_ledger = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone()
        if not has_ledger:
            other = conn.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 3"
            ).fetchall()
            if other:
                names = ", ".join(r[0] for r in other)
                raise StoreError(
                    f"{where} is a SQLite database but not a newsweave store (it holds {names}); "
                    "pass another --db path or set NEWSWEAVE_DB"
                )
            conn.execute(_CREATE_LEDGER)
        applied = {r[0] for r in conn.execute("SELECT name FROM migrations")}
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    refuse_unknown(applied, registry, where)
    return applied


def refuse_unknown(applied: set[str], registry: Migrations, where: str) -> None:
    """A database that records migrations this code does not know was written by a
    newer newsweave: refused (every backend)."""
    unknown = sorted(applied - set(registry))
    if unknown:
        raise StoreError(
            f"{where} was written by a newer newsweave (it has migrations this version does "
            f"not know: {', '.join(unknown)}); upgrade newsweave to open it"
        )


def migration_failed(name: str, where: str, exc: BaseException) -> StoreError:
    """The error for a migration that failed and was rolled back (every backend)."""
    return StoreError(
        f"migration {name!r} failed on {where} and was rolled back: {exc}; "
        "the store is unchanged by it, report this with the message above"
    )


# --- newsweave's schema -----------------------------------------------------------------------

_INITIAL = """
-- seq is an explicit INTEGER PRIMARY KEY so rowids survive VACUUM: the
-- external-content FTS index refers to articles by rowid.
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    path TEXT,
    outlet TEXT,
    title TEXT,
    dateline TEXT,
    published TEXT,
    author TEXT,
    text TEXT NOT NULL,
    body_start INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL,
    copy_of TEXT REFERENCES articles(id) ON DELETE SET NULL,
    story_id TEXT REFERENCES stories(id) ON DELETE SET NULL
);
CREATE INDEX articles_story_id ON articles(story_id);
CREATE INDEX articles_copy_of ON articles(copy_of);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    state TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_updated_at ON stories(updated_at);

CREATE TABLE analyses (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE vectors (
    kind TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    dtype TEXT NOT NULL,
    dim INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, article_id)
);
CREATE INDEX vectors_article_id ON vectors(article_id);

CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE failures (
    source TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 1
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text,
    content='articles', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
-- A title hit weighs twice a body hit in the default ranking.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)');

-- The triggers keep the index in the same transaction as the row change.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
"""


@migration("0001_initial")
def _initial(conn: sqlite3.Connection) -> None:
    run_script(conn, _INITIAL)


_CLUSTER_DF = """
-- How many stored reports carry each entity, term or amount key: the document
-- frequencies behind the story clusterer's idf weights. Kept as a table so an
-- ingest adds its increments instead of rewriting them all.
CREATE TABLE cluster_df (
    key TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
"""


@migration("0002_cluster_df")
def _cluster_df(conn: sqlite3.Connection) -> None:
    run_script(conn, _CLUSTER_DF)


_COMPARISONS = """
-- Each story's comparison (the JSON contract, plus what the web pages show), cached
-- because comparing a story takes seconds. ``fingerprint`` says which reports and which
-- analysis version it was made from: a cached comparison is used only while it matches.
-- ``conflicts`` and ``claims`` are copied out of ``data`` so a story listing can show
-- them without parsing every comparison.
CREATE TABLE comparisons (
    story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL,
    claims INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
-- Covers the per-story counts of a story listing (reports, copy groups, days, outlets), so
-- listing 10,000 reports reads this index instead of every row and its text.
CREATE INDEX articles_story_listing
    ON articles(story_id, published, added_at, copy_of, id, outlet);
"""


@migration("0003_comparisons")
def _comparisons(conn: sqlite3.Connection) -> None:
    run_script(conn, _COMPARISONS)


_STORY_REDIRECTS = """
-- Story ids that ended because the stories were regrouped (their reports went to
-- another story): each old id leads to the live story that took most of its reports,
-- so a link or a script holding the old id still finds the story.
CREATE TABLE story_redirects (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL
) WITHOUT ROWID;
"""


@migration("0004_story_redirects")
def _story_redirects(conn: sqlite3.Connection) -> None:
    run_script(conn, _STORY_REDIRECTS)


_OUTLETS = """
-- The outlet registry (``newsweave outlets add FILE``): one row per outlet, keyed by its
-- registered domain. ``owner_key`` is ``outlets.outlet_key(owner)``: reports of outlets
-- with one owner key count as one independent source.
CREATE TABLE outlets (
    domain TEXT PRIMARY KEY,
    name TEXT,
    owner TEXT,
    owner_key TEXT,
    country TEXT,
    lean TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
) WITHOUT ROWID;
-- Each report's outlet id (``outlets.identify`` of its outlet name and URL under the
-- registry): set when it is stored, and again for every report when the registry changes.
ALTER TABLE articles ADD COLUMN outlet_id TEXT;
-- Covers the outlet listing (names and counts) and the stories of one outlet.
CREATE INDEX articles_outlet_id ON articles(outlet_id, outlet, story_id);
-- The story listing counts independent sources by outlet: its covering index has it.
DROP INDEX articles_story_listing;
CREATE INDEX articles_story_listing
    ON articles(story_id, published, added_at, copy_of, id, outlet, outlet_id);
-- A copy's source is its original's outlet.
CREATE INDEX articles_id_outlet ON articles(id, outlet_id);
"""


@migration("0005_outlets")
def _outlets(conn: sqlite3.Connection) -> None:
    from ..outlets import identify

    run_script(conn, _OUTLETS)
    rows = conn.execute("SELECT seq, outlet, url FROM articles").fetchall()
    conn.executemany(
        "UPDATE articles SET outlet_id = ? WHERE seq = ?",
        [(identify(outlet, url).id, seq) for seq, outlet, url in rows],
    )
