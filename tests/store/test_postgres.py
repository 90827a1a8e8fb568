"""What only the PostgreSQL store has: its migrations, its search syntax, its time limit,
its connection errors, and the command line over it. The rest of the store's behaviour is
tested on both backends in test_store.py and test_writers.py."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsweave.errors import ConfigError, QueryTimeout, StoreError
from newsweave.model import Article
from newsweave.store import open_store

psycopg = pytest.importorskip("psycopg", reason="psycopg is missing: pip install -e '.[postgres]'")

from newsweave.store.postgres import PG_MIGRATIONS, PostgresStore, redact_dsn  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "newsweave" / "samples"


@pytest.fixture
def store(postgres_url):
    with PostgresStore(postgres_url) as s:
        yield s


# --- opening and migrations --------------------------------------------------------------------


def test_open_store_picks_the_backend_by_url(postgres_url, tmp_path):
    with open_store(postgres_url) as pg:
        assert isinstance(pg, PostgresStore)
    with open_store(tmp_path / "news.db") as lite:
        assert not isinstance(lite, PostgresStore)


def test_migrations_are_recorded_once_and_reopening_is_a_no_op(postgres_url):
    with PostgresStore(postgres_url) as store:
        assert store.newly_applied == PG_MIGRATIONS.names()
        first = store.migrations()
        store.put_articles([Article(text="The ferry resumed service.")])
    with PostgresStore(postgres_url) as store:
        assert store.newly_applied == []
        assert store.migrations() == first
        assert store.count_articles() == 1
    assert [name for name, _ in first] == PG_MIGRATIONS.names()


def test_two_stores_opening_a_new_database_at_once_apply_each_migration_once(postgres_url):
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresStore(postgres_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert sorted(n for s in opened for n in s.newly_applied) == PG_MIGRATIONS.names()
        assert [n for n, _ in opened[0].migrations()] == PG_MIGRATIONS.names()
    finally:
        for s in opened:
            s.close()


def test_a_newer_database_asks_to_upgrade(postgres_url):
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9999_future', 'x')")
    with pytest.raises(StoreError, match=r"newer newsweave.*9999_future.*upgrade"):
        PostgresStore(postgres_url)


def test_a_failing_migration_rolls_back_and_is_named(postgres_url):
    registry = PG_MIGRATIONS.copy()

    @registry.register("0091_boom")
    def _boom(conn):
        conn.execute("CREATE TABLE boom (x INTEGER)")
        raise RuntimeError("something broke")

    with pytest.raises(StoreError, match=r"0091_boom.*rolled back.*something broke"):
        PostgresStore(postgres_url, migrations=registry)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('boom')").fetchone()[0] is None
        assert conn.execute("SELECT to_regclass('articles')").fetchone()[0] is not None


def test_a_foreign_database_is_refused(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(StoreError, match="not a newsweave store.*photos"):
        PostgresStore(postgres_url)


def test_a_server_that_cannot_be_reached_is_named_without_the_password():
    # Port 1 on the loopback: nothing listens there.
    url = "postgresql://reporter:hunter2@127.0.0.1:1/news"
    with pytest.raises(StoreError) as info:
        open_store(url, timeout=1)
    message = str(info.value)
    assert "hunter2" not in message
    assert "postgresql://reporter@127.0.0.1:1/news" in message
    assert "check that the server is running" in message


def test_redact_dsn_drops_passwords_wherever_they_are():
    assert redact_dsn("postgresql://u:pw@h:5432/db") == "postgresql://u@h:5432/db"
    assert redact_dsn("postgres://h/db?password=pw&sslmode=require") == (
        "postgres://h/db?sslmode=require")
    assert redact_dsn("postgresql://u@/db?host=/run/pg") == "postgresql://u@/db?host=/run/pg"


def test_without_psycopg_a_postgres_url_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "newsweave.store.postgres", raising=False)
    with pytest.raises(ConfigError, match=r"pip install 'newsweave\[postgres\]'"):
        open_store("postgresql://u@h/db")


# --- search ------------------------------------------------------------------------------------


def test_web_search_syntax_keeps_its_operators(store):
    a, b = (k for k, _ in store.put_articles(
        [Article(text="The council met."), Article(text="The bridge reopened.")]))
    for query in ["council OR bridge", '"the council"', "bridge -council"]:
        assert store.search_expression(query) == (query, False), query
    assert {h.article_id for h in store.search("council OR bridge")} == {a, b}
    assert [h.article_id for h in store.search('"the council"')] == [a]
    assert [h.article_id for h in store.search("bridge -council")] == [b]
    assert [h.article_id for h in store.search("met")] == [a]  # stemmed: "met" stays "met"
    assert store.search_expression("council bridge") == ('"council" "bridge"', False)


@pytest.mark.parametrize(
    ("query", "found"),
    [("counc*", False), ("title:council", False), ("council AND met", True),
     ("(council)", True), ('"council', True), ("council OR", True), ("OR OR", True),
     ("(((", False)],
)
def test_fts5_syntax_and_broken_queries_are_searched_as_plain_words(store, query, found):
    [(key, _)] = store.put_articles(
        [Article(text="The council and the mayor met, or so it was said.", title="Council")])
    assert store.search_expression(query)[1] is True
    # "or" and "and" are words like any other: no stop words, as in FTS5.
    assert [h.article_id for h in store.search(query)] == ([key] if found else [])


def test_title_hits_rank_first_and_snippets_are_highlighted(store):
    body, title = (k for k, _ in store.put_articles([
        Article(text="A report on the harbour and, later, the harbour again.", title="Tides"),
        Article(text="A report on the tides.", title="Harbour news"),
    ]))
    hits = store.search("harbour", highlight=("<<", ">>"))
    assert [h.article_id for h in hits] == [title, body]
    assert hits[0].rank < hits[1].rank < 0
    assert "<<harbour>>" in hits[1].snippet


# --- read time limit ---------------------------------------------------------------------------


def test_statement_timeout_gives_query_timeout_and_the_store_stays_usable(store, postgres_url):
    store.put_articles([Article(text="The ferry resumed service.")])
    store.read_timeout = 0.2
    # Another session holds the table: the read waits for it until the time limit.
    with psycopg.connect(postgres_url) as blocker:
        blocker.execute("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(QueryTimeout, match=r"took longer than 0.2 s.*narrow the query") as info:
            store.articles()
        assert store.path in str(info.value) and info.value.http_status == 503
        blocker.rollback()
    assert len(store.articles()) == 1  # the reader was not left in a failed transaction
    store.put_articles([Article(text="The bridge reopened.")])
    assert store.count_articles() == 2


def test_a_writer_waits_for_another_process_writing(store, postgres_url):
    # One writer at a time across processes: a second store's write waits for the first.
    with PostgresStore(postgres_url, timeout=0.3) as other:
        with store.atomic():
            store.put_articles([Article(text="First writer.")])
            with pytest.raises(StoreError, match="another newsweave process may be writing"):
                other.put_articles([Article(text="Second writer.")])
            assert other.count_articles() == 0  # readers do not wait
        other.put_articles([Article(text="Second writer.")])
        assert other.count_articles() == 2


# --- the command line over PostgreSQL ----------------------------------------------------------


def _newsweave(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsweave.cli", *args],
                          capture_output=True, text=True, timeout=600)


def test_cli_ingests_the_samples_and_lists_their_stories(postgres_url):
    samples = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    done = _newsweave("--db", postgres_url, "ingest", "--embed-model", "hashing", *samples)
    assert done.returncode == 0, done.stderr
    listed = _newsweave("--db", postgres_url, "stories", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    stories = json.loads(listed.stdout)["stories"]
    assert sum(len(s["articles"]) for s in stories) == len(samples)
    assert len(stories[0]["articles"]) > 1  # the samples report one event
    again = _newsweave("--db", postgres_url, "ingest", "--embed-model", "hashing", *samples)
    assert again.returncode == 0, again.stderr
    with PostgresStore(postgres_url) as store:
        assert store.count_articles() == len(samples)


def test_cli_says_when_the_server_cannot_be_reached():
    done = _newsweave("--db", "postgresql://u:pw@127.0.0.1:1/news", "stories")
    assert done.returncode != 0
    assert "cannot reach the PostgreSQL server" in done.stderr and "pw" not in done.stderr


def test_a_nul_in_a_report_is_stored_in_its_place(postgres_url):
    """PostgreSQL text cannot hold NUL, which a report may (SQLite keeps it): it is
    stored as U+FFFD, one character for one, so claim offsets still point right."""
    text = "The pier closed on Monday.\x00 The council voted to rebuild it next year."
    with PostgresStore(postgres_url) as store:
        [(article_id, added)] = store.put_articles([Article(text=text, title="Pier\x00")])
        assert added
        stored = store.get_article(article_id)
    assert stored.text == text.replace("\x00", "\ufffd") and len(stored.text) == len(text)
    assert stored.title == "Pier\ufffd"


def test_the_longest_report_is_stored_and_found(postgres_url):
    """A tsvector holds at most 1 MB: a report of a million characters of distinct words
    would pass it. Its opening is indexed, and it is stored whole."""
    words = [f"w{n:08d}x" for n in range(99_000)]
    text = "Harbour " + " ".join(words)
    with PostgresStore(postgres_url) as store:
        [(article_id, added)] = store.put_articles([Article(text=text)])
        assert added and len(store.get_article(article_id).text) == len(text)
        assert [h.article_id for h in store.search("harbour")] == [article_id]
