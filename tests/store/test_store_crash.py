"""A writer killed mid-way leaves a sound store, and re-running it loses and doubles nothing."""

# SQLite only: a killed writer's half-written file is the embedded store's concern; a
# PostgreSQL server rolls back a dead client's transaction itself.

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from newsweave.store import Store

# Enough articles that the writer is still busy when the test kills it.
TOTAL = 2000
KILL_AFTER = 50

# Shared by the writer script and the checks below.
MAKE = """
def make(i):
    from newsweave.model import Article
    body = " ".join(f"Paragraph {p} of report {i} on the flood defences." for p in range(20))
    return Article(
        text=f"marker{i:05d} opens report {i}. {body}",
        title=f"Report {i}",
        url=f"https://example.test/reports/{i}",
        outlet=f"Outlet {i % 7}",
        published="2025-03-19",
    )
"""

WRITER = (
    MAKE
    + """
import sys
from newsweave.store import Store

path, total = sys.argv[1], int(sys.argv[2])
added = 0
with Store(path) as store:
    for i in range(total):
        [(_, new)] = store.put_articles([make(i)])  # one transaction per article
        added += new
print(added)
"""
)

namespace: dict[str, object] = {}
exec(MAKE, namespace)
make = namespace["make"]


def _count(path) -> int | None:
    """Committed articles, read without creating or locking anything; None before the schema."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _check_complete(path, expected: int) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # One indexed document per article.
        assert conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == expected
    finally:
        conn.close()
    with Store(path) as store:
        assert store.check() == []
        articles = store.articles()
        assert len(articles) == store.count_articles() == expected
        assert len({a.id for a in articles}) == expected
        for article in articles:
            i = int(article.url.rsplit("/", 1)[1])
            want = make(i)
            assert (article.text, article.title, article.outlet) == (
                want.text,
                want.title,
                want.outlet,
            )
            hits = store.search(f"marker{i:05d}")
            assert [h.article_id for h in hits] == [article.id]


def test_killed_writer_leaves_a_sound_store(tmp_path):
    path = tmp_path / "crash.db"
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER))
    cmd = [sys.executable, str(script), str(path), str(TOTAL)]

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while (_count(path) or 0) < KILL_AFTER:
            if proc.poll() is not None:
                pytest.fail(f"the writer ended before it was killed: {proc.stderr.read()!r}")
            if time.monotonic() > deadline:
                pytest.fail("the writer did not store 50 articles in two minutes")
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    committed = _count(path)
    assert committed is not None and KILL_AFTER <= committed < TOTAL
    _check_complete(path, committed)

    # Running the same inserts again completes: nothing lost, nothing doubled.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) == TOTAL - committed
    _check_complete(path, TOTAL)
