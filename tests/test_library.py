"""The library over a real SQLite store: ingest, stories, copies, crash and resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsweave.errors import ConfigError, StoreError
from newsweave.library import Library
from newsweave.render.json import validate
from newsweave.store import Store

STORIES = Path(__file__).parent / "fixtures" / "stories"
FOLDERS = ["copy", "number-conflict", "role-conflict", "shared-name-different-facts"]


@pytest.fixture()
def library(engine, tmp_path):
    store = Store(tmp_path / "news.db")
    yield Library(store, engine, batch_size=3)
    store.close()


def test_ingest_groups_reports_into_stories(library):
    report = library.ingest([STORIES / name for name in FOLDERS])
    assert report.failures == []
    assert len(report.added) == 9
    data = library.stories_dict()
    ids = [a["id"] for s in data["stories"] for a in s["articles"]]
    assert sorted(ids) == sorted(report.added), "every article in exactly one story"
    # The reprint points to its original, inside the original's story.
    copies = {a["id"]: a["copy_of"] for s in data["stories"] for a in s["articles"]}
    assert sum(1 for v in copies.values() if v) == 1
    for st in data["stories"]:
        members = {a["id"] for a in st["articles"]}
        for a in st["articles"]:
            if a["copy_of"]:
                assert a["copy_of"] in members
    # Each folder is one story: its reports share one, and no story mixes
    # folders. (shared-name-different-facts holds two events of one person on
    # one day: one story or two are both defensible, so it is left out.)
    folder_of = {}
    for st in data["stories"]:
        folders = {Path(a["path"]).parent.name for a in st["articles"]}
        assert len(folders) == 1, f"story {st['id']} mixes {folders}"
        folder_of.setdefault(folders.pop(), []).append(st["id"])
    folder_of.pop("shared-name-different-facts", None)
    assert all(len(v) == 1 for v in folder_of.values()), folder_of


def test_ingesting_again_changes_nothing(library, tmp_path):
    first = library.ingest([STORIES / "copy"])
    before = library.stories_dict()
    again = library.ingest([STORIES / "copy"])
    assert again.added == [] and sorted(again.existing) == sorted(first.added)
    assert library.stories_dict() == before
    assert library.store.count_articles() == 3


def test_story_comparison_follows_the_contract(library):
    library.ingest([STORIES / "number-conflict"])
    (story,) = library.stories_dict()["stories"]
    comparison = library.compare_story(story["id"])
    obj = comparison.to_dict(with_text=True)
    validate(obj)
    assert any(c["status"] == "conflicting" for c in obj["claims"])


def test_failures_are_recorded_and_the_rest_goes_on(library, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    report = library.ingest([bad, STORIES / "copy"])
    assert len(report.added) == 3
    assert [f.source for f in library.store.failures()] == [str(bad)]


def test_search_finds_stored_reports(library):
    library.ingest([STORIES / "copy"])
    hits = library.store.search("landslide")
    assert hits and all(h.article_id for h in hits)


def test_recluster_keeps_every_article_in_one_story(library):
    library.ingest([STORIES / name for name in FOLDERS])
    assignment = library.recluster()
    assert len(assignment) == library.store.count_articles()
    data = library.stories_dict()
    ids = [a["id"] for s in data["stories"] for a in s["articles"]]
    assert len(ids) == len(set(ids)) == library.store.count_articles()


def test_a_new_process_resumes_the_stories_from_the_store(library, engine):
    folder = STORIES / "number-conflict"
    first, *rest = sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    library.ingest([first])
    [story] = library.store.stories()
    # The clusterer's state lives in the store: the story's row, the counts.
    assert library.store.story_states()[0]["members"] == story.article_ids
    assert library.store.cluster_df()
    # Another Library on the same file (as the next command would open it)
    # places the other reports of the story into the same story.
    again = Library(Store(library.store.path), engine)
    try:
        report = again.ingest(rest)
        assert report.new_stories == [] and report.updated_stories == [story.id]
        assert [s.id for s in again.store.stories()] == [story.id]
        assert again.clusterer.to_dict() == Library(again.store, engine).clusterer.to_dict()
    finally:
        again.store.close()


def test_reports_analysed_elsewhere_land_as_if_ingested(library, engine, tmp_path):
    from newsweave.ingest import read_inputs

    sources = [STORIES / name for name in FOLDERS]
    library.ingest(sources)
    articles, failures = read_inputs(sources, engine.options)
    assert failures == []
    other = Library(Store(tmp_path / "other.db"), engine, batch_size=3)
    try:
        report = other.ingest_analyzed(engine.analyzer.analyze(articles))
        assert sorted(report.added) == sorted(a.id for a in library.store.articles())
        assert other.stories_dict() == library.stories_dict()
        assert other.ingest_analyzed(engine.analyzer.analyze(articles[:2])).added == []
        with pytest.raises(ConfigError, match="1 features given for 2 reports"):
            other.ingest_analyzed(engine.analyzer.analyze(articles[:2]), features=[None])
    finally:
        other.store.close()


def test_state_of_an_older_version_asks_for_recluster(library):
    library.ingest([STORIES / "copy"])
    # A store written by that version: the whole state in one document.
    library.store.delete_state("story_clusterer")
    library.store.put_state("clusterer", {"stories": []})
    fresh = Library(library.store, library.engine)
    with pytest.raises(StoreError, match="newsweave recluster"):
        fresh.ingest([STORIES / "role-conflict"])
    fresh.recluster()
    assert library.store.get_state("clusterer") is None
    assert fresh.ingest([STORIES / "role-conflict"]).added


def _cli(*args: str, db: Path) -> list[str]:
    return [sys.executable, "-m", "newsweave.cli", "--db", str(db), *args]


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path):
    """SIGKILL in the middle of an ingest, then the same ingest again."""
    db = tmp_path / "crash.db"
    sources = [str(STORIES / name) for name in sorted(os.listdir(STORIES))
               if (STORIES / name).is_dir()]
    proc = subprocess.Popen(
        _cli("ingest", "--quiet", "--batch-size", "2", *sources, db=db),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                stored = 0
        if stored >= 4:
            break
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert killed, "the ingest finished before it could be killed; make the test input larger"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every stored report was stored whole: analysed and in a story.
        unplaced = conn.execute("SELECT count(*) FROM articles WHERE story_id IS NULL")
        assert unplaced.fetchone()[0] == 0
    again = subprocess.run(
        _cli("ingest", "--quiet", *sources, db=db), capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    listing = subprocess.run(
        _cli("stories", "--format", "json", db=db), capture_output=True, text=True, timeout=300
    )
    data = json.loads(listing.stdout)
    ids = [a["id"] for s in data["stories"] for a in s["articles"]]
    expected = sum(1 for name in sources for _ in Path(name).glob("*.txt"))
    assert len(ids) == len(set(ids)) == expected


def test_an_untitled_story_is_named_by_its_opening_not_a_link(library, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(
        "https://example.org/harbour/2011/ferry-resumes?print\n"
        "Ferry resumes after week of repairs\n"
        "The harbour ferry resumed service on Tuesday after a week of repairs.\n",
        encoding="utf-8")
    library.ingest([tmp_path / "in"])
    [story] = library.stories_dict()["stories"]
    assert story["title"] == "Ferry resumes after week of repairs", story["title"]
