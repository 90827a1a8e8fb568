"""The store: articles, their analyses, stories and search.

``open_store(db)`` opens the store ``--db`` names: a ``postgresql://`` URL is a
PostgreSQL database (``PostgresStore``), anything else a SQLite file (``Store(path)``,
created when missing). ``default_db_path()`` is where the CLI keeps it unless
``--db`` says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError
from .migrations import MIGRATIONS, Migrations, migration
from .sqlite import FailureRecord, SearchHit, Store, StoryRecord, StorySummary, article_key

__all__ = [
    "MIGRATIONS",
    "FailureRecord",
    "Migrations",
    "SearchHit",
    "Store",
    "StoryRecord",
    "StorySummary",
    "article_key",
    "default_db_path",
    "is_postgres_url",
    "migration",
    "open_store",
]

#: The URL schemes that name a PostgreSQL database rather than a SQLite file.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(db: str | os.PathLike[str]) -> bool:
    """Whether ``db`` names a PostgreSQL database (a ``postgresql://`` URL)."""
    return str(db).strip().lower().startswith(POSTGRES_SCHEMES)


def open_store(db: str | os.PathLike[str], **options: object) -> Store:
    """The store ``db`` names: a ``postgresql://`` (or ``postgres://``) URL opens a
    ``PostgresStore``, anything else the SQLite file at that path.

    ``options`` (``timeout``, ``read_timeout``, ``migrations``) go to the store.

    Raises:
        ConfigError: a PostgreSQL URL, but psycopg is not installed.
        StoreError: the store cannot be opened.
    """
    if not is_postgres_url(db):
        return Store(db, **options)  # type: ignore[arg-type]
    try:
        from .postgres import PostgresStore
    except ImportError as exc:
        raise ConfigError(
            f"a PostgreSQL store needs psycopg ({exc.name or 'psycopg'} is missing); install "
            "it with pip install 'newsweave[postgres]'"
        ) from exc
    return PostgresStore(str(db).strip(), **options)  # type: ignore[arg-type]


def default_db_path() -> Path:
    """Where the store lives by default.

    1. ``$NEWSWEAVE_DB``, when set and not empty (``~`` is expanded);
    2. ``$XDG_DATA_HOME/newsweave/newsweave.db``, when that is an absolute path
       (the XDG spec says to ignore a relative one);
    3. ``~/.local/share/newsweave/newsweave.db``.
    """
    # 1.
    env = os.environ.get("NEWSWEAVE_DB", "").strip()
    if env:
        return Path(env).expanduser()
    # 2.
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    if data_home and Path(data_home).is_absolute():
        return Path(data_home) / "newsweave" / "newsweave.db"
    # 3.
    return Path.home() / ".local" / "share" / "newsweave" / "newsweave.db"
