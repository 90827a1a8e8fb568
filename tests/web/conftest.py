"""One real store for the web tests: the fixture stories and hostile reports, ingested once
through the real library (real models), shared by the API and the browser tests."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from webdata import FOLDERS, HOSTILE, STORIES, WIDE  # noqa: E402

from newsweave.library import Library  # noqa: E402
from newsweave.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def web_library(engine, tmp_path_factory):
    """A real SQLite store filled through ``Library.ingest``; closed at the end."""
    store = Store(tmp_path_factory.mktemp("web") / "news.db")
    library = Library(store, engine)
    report = library.ingest([STORIES / name for name in FOLDERS] + HOSTILE + WIDE)
    assert report.failures == [], report.failures
    yield library
    store.close()


@pytest.fixture(scope="session")
def outlet_library(engine, tmp_path_factory):
    """A store of three fictional stories with an outlet registry (``webdata.outlet_store``):
    ``(library, story ids by name)``; closed at the end."""
    from webdata import outlet_store

    store = Store(tmp_path_factory.mktemp("outlets") / "news.db")
    ids = outlet_store(store)
    yield Library(store, engine), ids
    store.close()
