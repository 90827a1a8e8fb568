"""The embedded store: articles, their analyses, stories and search, in one SQLite file.

``Store(path)`` opens (or creates) a store; ``default_db_path()`` is where the
CLI keeps it unless ``--db`` says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    "migration",
]


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
