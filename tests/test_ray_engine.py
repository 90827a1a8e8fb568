"""``ingest --engine ray``: the same stories as a plain ingest, each report analysed
once, nothing lost or stored twice when an actor or the ingest itself is killed.

One local Ray of two CPUs serves the module (it starts in about five seconds;
each Ray ingest starts two actors, which load the models once each).
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsweave.cli import cli
from newsweave.library import Library
from newsweave.store import Store

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]'")
pytest.importorskip("ray.data", reason="Ray Data is not installed: pip install -e '.[ray]'")

from newsweave.distributed import INSTALL_HINT, RayStats, ray_ingest  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsweave" / "samples"
SRC = Path(__file__).resolve().parents[1] / "src"
#: Actors in the module's Ray (and CPUs it has).
WORKERS = 2

# Fictional reports of one fictional event, and one of another.
FERRY = (
    "The Marrow Sound ferry will stop running for three weeks from Monday while its "
    "landing ramp at Pell Harbour is rebuilt, the island council said on {day}. "
    "Councillor Edna Rusk said a replacement boat would carry foot passengers twice a day. "
    "{extra}"
)
REPORTS = {
    "ferry-islander.txt": FERRY.format(
        day="Thursday", extra="Lorry drivers were told to book the freight barge early."),
    "ferry-sound-echo.txt": FERRY.format(
        day="Friday", extra="Shops on the island said they had ordered extra stock."),
    "orchard-weekly.txt": (
        "The apple harvest at Brindle Farm was the largest in twenty years, its owner "
        "Tomas Wyke said on Saturday, after a wet spring and a warm August. "
        "Pickers from three villages worked through the weekend."
    ),
}
WARC_PAGES = {
    "https://pellharbour-news.example/ferry-ramp": (
        "<html><head><title>Ferry ramp works begin</title></head><body><article>"
        "<h1>Ferry ramp works begin</h1><p>PELL HARBOUR - Work on the ferry landing ramp "
        "began on Monday and the Marrow Sound ferry will not run for three weeks, the "
        "island council said.</p><p>Councillor Edna Rusk said a smaller boat would carry "
        "foot passengers in the meantime.</p></article></body></html>"
    ),
    "https://brindle-gazette.example/choir": (
        "<html><head><title>Village choir wins cup</title></head><body><article>"
        "<h1>Village choir wins cup</h1><p>The Brindle village choir won the county cup "
        "on Sunday with a programme of old sea songs, its conductor Ada Fenn said.</p>"
        "<p>It was the choir's first win since it was founded in 1952.</p>"
        "</article></body></html>"
    ),
}


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of two CPUs for the module; stopped at its end."""
    import logging

    ray.init(num_cpus=WORKERS, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[str]:
    """The shipped samples, a folder of our reports (one given twice) and a WARC."""
    top = tmp_path_factory.mktemp("sources")
    folder = top / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    archive = top / "pages.warc.gz"
    with open(archive, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, page in WARC_PAGES.items():
            body = page.encode("utf-8")
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2025-05-12T08:00:00Z"}))
    return [str(SAMPLES), str(folder), str(archive), str(folder / "orchard-weekly.txt")]


#: Distinct reports in ``sources``: four samples, three of ours, two pages.
EXPECTED = 9


def _stored(db: Path) -> tuple[list[str], set[frozenset[str]], dict[str, str]]:
    """Every stored id, the stories as sets of ids, and the copies -> their originals."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, story_id, copy_of FROM articles").fetchall()
    stories: dict[str, set[str]] = {}
    for article_id, story_id, _ in rows:
        assert story_id is not None, f"{article_id} is in no story"
        stories.setdefault(story_id, set()).add(article_id)
    copies = {i: c for i, _, c in rows if c}
    return [i for i, _, _ in rows], {frozenset(s) for s in stories.values()}, copies


def _library(engine, db: Path, batch_size: int = 2) -> Library:
    return Library(Store(db), engine, batch_size=batch_size)


def test_ray_ingest_ends_as_a_plain_ingest(local_ray, engine, sources, tmp_path):
    plain = _library(engine, tmp_path / "plain.db")
    expected_report = plain.ingest(sources)
    plain.store.close()
    on_ray = _library(engine, tmp_path / "ray.db")
    stats = RayStats()
    report = ray_ingest(on_ray, sources, workers=WORKERS, stats=stats)
    on_ray.store.close()

    assert len(report.added) == EXPECTED
    assert report.added == expected_report.added  # same ids, same order
    assert report.copies == expected_report.copies
    # Every report analysed once, the one given twice too.
    assert sorted(stats.analysed) == sorted(report.added)
    assert sum(stats.per_worker.values()) == EXPECTED
    # One Ray task per WARC file, its two pages read.
    assert list(stats.files.values()) == [2]
    ids, stories, copies = _stored(tmp_path / "ray.db")
    plain_ids, plain_stories, plain_copies = _stored(tmp_path / "plain.db")
    assert sorted(ids) == sorted(plain_ids)
    assert stories == plain_stories
    assert copies == plain_copies
    # The ferry reports (two files, one page) make one story.
    assert any(len(s) >= 3 for s in stories)


def test_a_killed_actor_loses_nothing(local_ray, engine, sources, tmp_path):
    """SIGKILL an analysing actor's process mid-run: its batch is redone elsewhere."""
    library = _library(engine, tmp_path / "kill.db", batch_size=1)
    stats = RayStats()
    first_batch = threading.Event()
    state: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        first_batch.set()

    def run() -> None:
        try:
            state["report"] = ray_ingest(library, sources, workers=WORKERS, stats=stats,
                                         progress=progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            state["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    assert first_batch.wait(timeout=240), "no batch came back"
    victim = next(iter(stats.per_worker))
    done_at_kill = state["done"]
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=300)
    assert not thread.is_alive(), "the ingest did not finish after the kill"
    assert "error" not in state, state.get("error")
    assert done_at_kill < EXPECTED, "the ingest finished before an actor could be killed"
    library.store.close()
    ids, stories, _ = _stored(tmp_path / "kill.db")
    assert len(ids) == len(set(ids)) == EXPECTED
    assert sum(len(s) for s in stories) == EXPECTED
    assert len(state["report"].added) == EXPECTED
    # The lost batch was redone, and no batch came back twice.
    assert sorted(stats.analysed) == sorted(ids)


class _Interrupted(Exception):
    """Stands for Ctrl-C or a kill after the first stored batch."""


def test_an_interrupted_ingest_rerun_stores_nothing_twice(local_ray, engine, sources, tmp_path):
    db = tmp_path / "resume.db"
    library = _library(engine, db)

    def stop(done: int, total: int) -> None:
        raise _Interrupted

    with pytest.raises(_Interrupted):
        ray_ingest(library, sources, workers=WORKERS, progress=stop)
    library.store.close()
    first, _, _ = _stored(db)
    assert 0 < len(first) < EXPECTED

    library = _library(engine, db)
    stats = RayStats()
    report = ray_ingest(library, sources, workers=WORKERS, stats=stats)
    library.store.close()
    assert sorted(report.existing) == sorted(first)
    assert not set(stats.analysed) & set(first), "a stored report was analysed again"
    ids, stories, _ = _stored(db)
    assert len(ids) == len(set(ids)) == EXPECTED
    assert sum(len(s) for s in stories) == EXPECTED


def test_engine_ray_without_ray_says_how_to_install_it(tmp_path):
    fake = tmp_path / "no-ray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("no module named ray (test)")\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), str(SRC)])}
    done = subprocess.run(
        [sys.executable, "-m", "newsweave.cli", "--db", str(tmp_path / "x.db"), "ingest",
         "--engine", "ray", str(SAMPLES)],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 2, done.stderr
    assert INSTALL_HINT in done.stderr


def test_cli_engine_ray_end_to_end(local_ray, engine, sources, tmp_path):
    db = tmp_path / "cli.db"
    runner = CliRunner(env={"COLUMNS": "400"})
    args = ["--db", str(db), "ingest", "--quiet", "--engine", "ray", "--workers", "2",
            "--batch-size", "3", *sources]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{EXPECTED} added, 0 already stored" in result.output
    again = runner.invoke(cli, args, catch_exceptions=False)
    assert f"0 added, {EXPECTED} already stored" in again.output
    listing = runner.invoke(cli, ["--db", str(db), "stories", "--format", "json"],
                            catch_exceptions=False)
    data = json.loads(listing.stdout)
    ids = [a["id"] for s in data["stories"] for a in s["articles"]]
    assert len(ids) == len(set(ids)) == EXPECTED
