"""Two processes ingesting into one store at once end in the stories of running them in turn,
on SQLite (one file) and on PostgreSQL (one database, writers serialised by an advisory lock)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from newsweave.config import Options
from newsweave.engine import Engine
from newsweave.library import Library
from newsweave.store import Store, open_store

EVENTS = 6
PER_EVENT = 8

# Shared by the writer script and the replay below: reports of six events in six
# places, a copy of one report (in the other writer's half), and each writer
# taking every other report so that their batches interleave.
MAKE = f"""
EVENTS, PER_EVENT = {EVENTS}, {PER_EVENT}
PLACES = ["Harrowgate", "Velmont", "Quarry Bay", "Ostrander", "Lindqvist Falls", "Tamsworth"]
WHAT = ["a warehouse fire", "a bridge collapse", "a ferry strike", "a chemical spill",
        "a school flood", "a power cut"]


WORDS = ("morning council river station market harbour school hospital street bridge "
         "truck police witness engineer budget report village minister weather train "
         "garden family neighbour tenant shop factory lawyer nurse driver farmer").split()


def make(i):
    import random
    from newsweave.model import Article
    e, k = divmod(i, PER_EVENT)
    place, what = PLACES[e], WHAT[e]
    pick = random.Random(i).choices
    sentences = [
        f"{{place}} {{' '.join(pick(WORDS, k=4))}} after {{what}}, {{' '.join(pick(WORDS, k=3))}}."
        for _ in range(6)
    ]
    return Article(text=f"Report {{i}}: " + " ".join(sentences),
                   title=f"{{what}} in {{place}} ({{i}})",
                   url=f"https://example.test/{{i}}", outlet=f"Outlet {{i % 5}}")


def copy_of(i):
    from dataclasses import replace
    a = make(i)
    return replace(a, url=a.url + "/reprint", outlet="Reprints Weekly")


def half(which):
    mine = [make(i) for i in range(which, EVENTS * PER_EVENT, 2)]
    # A reprint of the other writer's first report.
    return mine + [copy_of(1 - which)]
"""

WRITER = MAKE + """
import pathlib
import sys
import time

import pytest

from newsweave.config import Options
from newsweave.engine import Engine
from newsweave.library import Library
from newsweave.store import open_store

path, which, folder = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
engine = Engine.shared(Options(embed_model="hashing"))
engine.warm_up()
(folder / f"ready{which}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
with open_store(path) as store:
    Library(store, engine, batch_size=1).ingest_articles(half(which))
"""

namespace: dict[str, object] = {}
exec(MAKE, namespace)
make, copy_of = namespace["make"], namespace["copy_of"]


def _stories(store: Store, articles) -> set[frozenset[str]]:
    """The stories as sets of report urls (ids of stories differ between stores)."""
    url = {a.id: a.url for a in articles}
    return {frozenset(url[i] for i in s.article_ids) for s in store.stories() if s.article_ids}


def _check_state(store: Store, articles, copies) -> None:
    """The saved state counts every placed report, and every story state lists
    exactly the reports stored in that story."""
    assert store.article_ids_without_story() == []
    assert store.get_state("story_clusterer")["docs"] == len(articles) - len(copies)
    states = store.story_states()
    members = sorted(m for s in states for m in s["members"])
    assert members == sorted(a.id for a in articles if a.id not in copies)
    for s in states:
        assert set(s["members"]) <= set(store.get_story(s["id"]).article_ids)


@pytest.fixture(params=["sqlite", "postgres"])
def shared_db(request, tmp_path) -> str:
    """Where the writers store: a SQLite file, or a PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return request.getfixturevalue("postgres_url")


def test_two_writers_at_once_end_as_if_run_in_turn(tmp_path, shared_db):
    path = shared_db
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER))
    procs = [
        subprocess.Popen([sys.executable, str(script), str(path), str(w), str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in (0, 1)
    ]
    try:
        deadline = time.monotonic() + 180
        while not all((tmp_path / f"ready{w}").exists() for w in (0, 1)):
            assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs]
            assert time.monotonic() < deadline, "the writers did not load their models"
            time.sleep(0.05)
        (tmp_path / "go").touch()
        for p in procs:
            p.wait(timeout=300)
    finally:
        for p in procs:
            p.kill()
            p.wait()
    errors = [p.stderr.read() for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [p.returncode for p in procs] == [0, 0], errors

    total = EVENTS * PER_EVENT + 2
    with open_store(path) as store:
        articles = store.articles()  # in the order they were committed
        assert len(articles) == total
        # Both reprints were seen as copies, though each writer stored one original.
        copies = store.copies()
        url = {a.id: a.url for a in articles}
        assert sorted(sorted((url[c], url[o])) for c, o in copies.items()) == sorted(
            sorted((make(i).url, copy_of(i).url)) for i in (0, 1)
        )
        _check_state(store, articles, copies)
        concurrent = _stories(store, articles)
    # The writers' reports were interleaved ...
    writers = [int(a.url.split("/")[3]) % 2 for a in articles if "reprint" not in a.url]
    assert writers != sorted(writers) and writers != sorted(writers, reverse=True)
    # ... and the stories are those of one writer adding them in the order they
    # were committed.
    with Store(tmp_path / "replay.db") as replay:
        library = Library(replay, Engine.shared(Options(embed_model="hashing")), batch_size=1)
        for a in articles:
            library.ingest_articles([a])
        assert _stories(replay, replay.articles()) == concurrent


def test_the_web_app_places_reports_after_a_cli_ingest(tmp_path, shared_db):
    """``serve --token`` keeps its library open while the CLI ingests into the same
    store; what it adds afterwards starts from the stories the CLI made."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsweave.web import create_app

    path = shared_db
    first, second = namespace["half"](0), namespace["half"](1)
    auth = {"Authorization": "Bearer t0ken-for-tests"}

    def post(client, articles) -> None:
        body = {"articles": [{"text": a.text, "title": a.title, "url": a.url} for a in articles]}
        assert client.post("/api/articles", json=body, headers=auth).status_code == 200

    with open_store(path) as store:
        library = Library(store, Engine.shared(Options(embed_model="hashing")))
        with TestClient(create_app(library, token="t0ken-for-tests")) as client:
            post(client, first[:10])
            jsonl = tmp_path / "more.jsonl"
            jsonl.write_text("\n".join(
                json.dumps({"text": a.text, "title": a.title, "url": a.url}) for a in second
            ))
            done = subprocess.run(
                [sys.executable, "-m", "newsweave.cli", "--db", str(path), "ingest",
                 "--embed-model", "hashing", str(jsonl)],
                capture_output=True, text=True, timeout=300,
            )
            assert done.returncode == 0, done.stderr
            post(client, first[10:])
        articles = store.articles()
        assert len(articles) == len(first) + len(second)
        copies = store.copies()
        assert len(copies) == 2
        _check_state(store, articles, copies)
