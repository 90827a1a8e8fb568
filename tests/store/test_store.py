"""The store, against real databases: SQLite files and (where a server can be started)
PostgreSQL databases. Tests of what only SQLite has (its files, WAL, FTS5 operators,
its read time limit) take ``sqlite_store``."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

import numpy as np
import pytest

from newsweave.errors import NotFound, QueryError, QueryTimeout, StoreError
from newsweave.model import AnalyzedArticle, Article, Claim, EntityMention, Quantity, Sentence
from newsweave.store import MIGRATIONS, Store, article_key, default_db_path, open_store
from newsweave.store.migrations import run_script


def _article(n: int, **meta: str) -> Article:
    return Article(
        text=f"Report {n}. The council voted to delay the bridge repairs by {n} weeks.",
        title=meta.pop("title", f"Council delays repairs ({n})"),
        **meta,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """A new store of each backend: a SQLite file, a PostgreSQL database."""
    db = tmp_path / "news.db" if request.param == "sqlite" else request.getfixturevalue(
        "postgres_url")
    with open_store(db) as s:
        yield s


@pytest.fixture
def sqlite_store(tmp_path):
    """A new SQLite store, for what only SQLite has."""
    with Store(tmp_path / "news.db") as s:
        yield s


# --- opening and migrations --------------------------------------------------------------------
# SQLite files (WAL, foreign files, its migration ledger); PostgreSQL's opening and
# migrations are tested in test_postgres.py.


def test_open_creates_folders_and_uses_wal(tmp_path):
    path = tmp_path / "a" / "b" / "news.db"
    with Store(path):
        pass
    assert path.is_file()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_migrations_are_recorded_once_and_reopening_is_a_no_op(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        assert store.newly_applied == MIGRATIONS.names()
        first = store.migrations()
    with Store(path) as store:
        assert store.newly_applied == []
        assert store.migrations() == first
    assert [name for name, _ in first] == MIGRATIONS.names()


def test_a_newer_database_asks_to_upgrade(tmp_path):
    path = tmp_path / "news.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO migrations (name, applied_at) VALUES ('9999_future', '2099-01-01')"
        )
    conn.close()
    with pytest.raises(StoreError, match=r"newer newsweave.*9999_future.*upgrade"):
        Store(path)


def test_a_failing_migration_rolls_back_and_is_named(tmp_path):
    path = tmp_path / "news.db"
    registry = MIGRATIONS.copy()

    @registry.register("0090_fine")
    def _fine(conn):
        conn.execute("CREATE TABLE fine (x INTEGER)")

    @registry.register("0091_boom")
    def _boom(conn):
        run_script(conn, "CREATE TABLE boom (x INTEGER);\nINSERT INTO boom VALUES (1);")
        conn.execute("UPDATE articles SET title = 'changed'")
        raise RuntimeError("something broke")

    with Store(path) as store:
        store.put_articles([_article(1)])
    with pytest.raises(StoreError, match=r"0091_boom.*rolled back.*something broke"):
        Store(path, migrations=registry)
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        applied = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
        titles = [r[0] for r in conn.execute("SELECT title FROM articles")]
    finally:
        conn.close()
    assert "fine" in tables and "boom" not in tables
    assert applied == [*MIGRATIONS.names(), "0090_fine"]
    assert titles == ["Council delays repairs (1)"]


def test_migration_names_must_be_new_and_in_order():
    registry = MIGRATIONS.copy()
    with pytest.raises(StoreError, match="registered twice"):
        registry.register("0001_initial")(lambda conn: None)
    with pytest.raises(StoreError, match="must sort after"):
        registry.register("0000_early")(lambda conn: None)


def test_a_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a newsweave store.*photos"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def test_default_db_path(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("NEWSWEAVE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "newsweave" / "newsweave.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local/share/newsweave/newsweave.db"


def test_a_closed_store_says_so(tmp_path):
    store = Store(tmp_path / "news.db")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count_articles()


def test_in_memory_store():
    with Store(":memory:") as store:
        store.put_articles([_article(1)])
        assert store.count_articles() == 1


# --- articles ----------------------------------------------------------------------------------


def test_the_same_article_twice_is_one_row_with_one_id(store):
    first = _article(1, url="https://example.com/a", outlet="Courier")
    again = _article(1, url="https://example.com/a", outlet="Courier")
    [(key, new)] = store.put_articles([first])
    assert new and first.id == key
    assert store.put_articles([again]) == [(key, False)]
    assert again.id == key
    assert store.count_articles() == 1
    got = store.get_article(key)
    # Read back with its outlet identified: the name given, and the id made of it.
    assert got.to_dict() == first.identify().to_dict()
    assert (got.outlet, got.outlet_id) == ("Courier", "courier")


def test_ids_are_derived_from_url_and_text(store):
    text = "Rain fell all day.\n\nThe river rose."
    keys = store.put_articles(
        [
            Article(text=text, url="https://one.example/story"),
            Article(text=text, url="https://two.example/story"),
            Article(text=text),
            Article(
                text="  Rain fell all day. The river   rose. ", url="HTTPS://ONE.example/story#top"
            ),
        ]
    )
    ids = [k for k, _ in keys]
    assert len(set(ids[:3])) == 3
    assert ids[3] == ids[0]
    assert [new for _, new in keys] == [True, True, True, False]
    assert ids[2] == article_key(None, text) == article_key("", text)
    assert len(ids[0]) == 16 and int(ids[0], 16) >= 0


def test_reading_articles(store):
    arts = [_article(i, outlet=f"Outlet {i}", published=f"2025-03-1{i}") for i in range(3)]
    ids = [k for k, _ in store.put_articles(arts)]
    assert [a.id for a in store.articles()] == ids
    assert [a.id for a in store.articles([ids[2], ids[0]])] == [ids[2], ids[0]]
    assert store.articles([]) == []
    assert store.count_articles() == 3
    with pytest.raises(NotFound, match="no article 'feedfeedfeedfeed'.*--db"):
        store.get_article("feedfeedfeedfeed")
    with pytest.raises(NotFound, match="feedfeedfeedfeed"):
        store.articles([ids[0], "feedfeedfeedfeed"])


def test_copies(store):
    a, b = (k for k, _ in store.put_articles([_article(1), _article(2)]))
    store.set_copy_of(b, a)
    assert store.copies() == {b: a}
    # Only the copies among the ids asked for (the ingest asks per match).
    assert store.copies([a, b]) == {b: a}
    assert store.copies([a]) == {}
    assert store.copies([]) == {}
    store.set_copy_of(b, None)
    assert store.copies() == {}
    with pytest.raises(NotFound):
        store.set_copy_of(b, "0000000000000000")
    with pytest.raises(StoreError, match="itself"):
        store.set_copy_of(a, a)


# --- analysis, vectors, state ------------------------------------------------------------------


def _analyzed(article: Article) -> AnalyzedArticle:
    text = article.text
    start = text.index("The council")
    weeks = text.index("weeks") + len("weeks")
    number = text.index(" by ") + len(" by ")
    return AnalyzedArticle(
        article=article,
        sentences=[
            Sentence(0, start - 1, text[: start - 1]),
            Sentence(start, len(text), text[start:]),
        ],
        entities=[EntityMention("ORG", start + 4, start + 11, "council", key="council")],
        quantities=[Quantity("duration", number, weeks, text[number:weeks], 1209600.0)],
        claims=[
            Claim(
                id="c1",
                article=article.id,
                sentence=1,
                start=start,
                end=len(text),
                text=text[start:],
                predicate="vote",
                quantities=[Quantity("duration", number, weeks, text[number:weeks], 1209600.0)],
                entities=[EntityMention("ORG", start + 4, start + 11, "council")],
                lemmas=["council", "vote", "delay"],
            )
        ],
    )


def test_analysis_round_trip(store):
    article = _article(2, outlet="Courier")
    [(key, _)] = store.put_articles([article])
    analyzed = _analyzed(article)
    store.put_analysis(key, analyzed, "v1")
    analyzed.article.identify()  # read back with its outlet identified
    assert store.get_analysis(key, "v1") == analyzed
    assert store.get_analysis(key, "v2") is None
    assert store.get_analysis("0000000000000000", "v1") is None


def test_analysis_of_another_text_is_refused(store):
    article = _article(2)
    [(key, _)] = store.put_articles([article])
    other = Article(text=article.text + " More.", id=key)
    with pytest.raises(StoreError, match="different text"):
        store.put_analysis(key, AnalyzedArticle(article=other), "v1")
    with pytest.raises(StoreError, match="not '0000000000000000'"):
        store.put_analysis("0000000000000000", AnalyzedArticle(article=article), "v1")


def test_vectors_round_trip(store):
    a, b = (k for k, _ in store.put_articles([_article(1), _article(2)]))
    emb = np.linspace(-1, 1, 384)
    store.put_vector(a, "embedding", emb)
    store.put_vector(b, "embedding", emb[::-1])
    sig = np.array([2**64 - 1, 0, 12345678901234567890], dtype=np.uint64)
    store.put_vectors("minhash", {a: sig})
    got = store.get_vectors("embedding")
    assert list(got) == [a, b]
    assert got[a].dtype == np.float32 and np.allclose(got[a], emb, atol=1e-6)
    assert list(store.get_vectors("embedding", [b, "0000000000000000"])) == [b]
    mh = store.get_vectors("minhash")[a]
    assert mh.dtype == np.uint64 and (mh == sig).all()
    store.put_vector(a, "embedding", np.zeros(3))
    assert store.get_vectors("embedding", [a])[a].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(StoreError, match="1-D"):
        store.put_vector(a, "embedding", np.zeros((2, 2)))
    with pytest.raises(NotFound):
        store.put_vector("0000000000000000", "embedding", emb)


def test_cluster_document_frequencies_add_up(store):
    assert store.cluster_df() == {}
    store.add_cluster_df({"quake": 2, "chile": 1})
    store.add_cluster_df({"quake": 1, "turkey": 1})
    assert store.cluster_df() == {"quake": 3, "chile": 1, "turkey": 1}
    store.put_story("s1", "t", {"id": "s1"})
    store.clear_cluster_state()
    assert store.cluster_df() == {} and store.story_states() == []


def test_state_round_trip(store):
    assert store.get_state("clusterer") is None
    store.put_state("clusterer", {"next": 3, "centroids": {"s1": [0.5, 0.25]}, "name": "é"})
    assert store.get_state("clusterer") == {
        "next": 3,
        "centroids": {"s1": [0.5, 0.25]},
        "name": "é",
    }
    store.put_state("clusterer", {"next": 4})
    assert store.get_state("clusterer") == {"next": 4}
    with pytest.raises(StoreError, match="JSON"):
        store.put_state("bad", {"array": np.zeros(2)})
    with pytest.raises(StoreError, match="must be a dict"):
        store.put_state("bad", [1, 2])  # type: ignore[arg-type]


# --- stories -----------------------------------------------------------------------------------


def test_stories(store):
    keys = [
        k
        for k, _ in store.put_articles(
            [
                _article(1, published="2025-03-19"),
                _article(2, published="2025-03-17"),
                _article(3),
                _article(4, published="2025-03-20"),
            ]
        )
    ]
    store.put_story("s1", "Bridge repairs", {"centroid": [0.1, 0.2]})
    store.put_story("s2", "Other")
    assert store.article_ids_without_story() == keys
    for key in keys[:3]:
        store.assign_story(key, "s1")
    store.assign_story(keys[3], "s2")
    assert store.article_ids_without_story() == []

    listed = store.stories()
    assert [s.id for s in listed] == ["s2", "s1"]
    s2, s1 = listed
    assert s1.article_ids == keys[:3]
    assert (s1.first_published, s1.last_published) == ("2025-03-17", "2025-03-19")
    assert s1.state is None
    assert store.get_story("s1").state == {"centroid": [0.1, 0.2]}
    assert store.story_title("s1") == "Bridge repairs"
    assert store.story_title("no-such-story") is None
    assert [a.id for a in store.story_articles("s2")] == [keys[3]]
    # A title update keeps the clusterer's state; states are replaced by id.
    store.put_story("s1", "Bridge repairs, day two")
    assert store.get_story("s1").state == {"centroid": [0.1, 0.2]}
    store.put_story_states({"s2": {"id": "s2"}, "s1": {"id": "s1"}})
    assert store.story_states() == [{"id": "s1"}, {"id": "s2"}]
    with pytest.raises(NotFound, match="no story 's9'"):
        store.put_story_states({"s9": {"id": "s9"}})

    # Moving an article updates both stories, and it stays in exactly one.
    store.assign_story(keys[0], "s2")
    assert [s.id for s in store.stories()] in (["s1", "s2"], ["s2", "s1"])
    members = [k for s in store.stories() for k in s.article_ids]
    assert sorted(members) == sorted(keys)
    assert store.get_story("s2").article_ids == [keys[0], keys[3]]

    store.put_story("s1", "Bridge repairs, day 2")
    newest = store.stories()[0]
    assert newest.id == "s1" and newest.title == "Bridge repairs, day 2"
    assert [s.id for s in store.stories(since=newest.updated_at)] == ["s1"]
    assert [s.id for s in store.stories(since="2000-01-01")] == ["s1", "s2"]
    assert store.stories(since="2999-01-01T00:00:00+02:00") == []
    with pytest.raises(StoreError, match="ISO date"):
        store.stories(since="last tuesday")


def test_undated_reports_stay_undated_in_story_summaries(store):
    """A report without a date is never given the day it was stored: a story of
    undated reports has no dates, lists after every dated story and matches no
    date filter."""
    keys = [
        k
        for k, _ in store.put_articles(
            [
                _article(1),
                _article(2),
                _article(3, published="2020-05-01"),
                _article(4),
                _article(5, published="2019-01-02T08:00:00+00:00"),
            ]
        )
    ]
    for story_id, members in {"undated": keys[:2], "mixed": keys[2:4], "old": keys[4:]}.items():
        store.put_story(story_id, story_id)
        for key in members:
            store.assign_story(key, story_id)

    rows, total = store.story_summaries()
    assert total == 3
    assert [r.id for r in rows] == ["mixed", "old", "undated"]
    days = {r.id: (r.first_published, r.last_published) for r in rows}
    assert days == {"mixed": ("2020-05-01", "2020-05-01"), "old": ("2019-01-02", "2019-01-02"),
                    "undated": (None, None)}
    summary = store.story_summary("undated")
    assert (summary.first_published, summary.last_published) == (None, None)
    assert store.story_summary("mixed").first_published == "2020-05-01"
    # Undated reports match no day, today's included.
    today = date.today().isoformat()
    assert [r.id for r in store.story_summaries(since="2020-01-01")[0]] == ["mixed"]
    assert [r.id for r in store.story_summaries(since=today)[0]] == []
    assert [r.id for r in store.story_summaries(until=today)[0]] == ["mixed", "old"]


def test_since_after_until_is_refused(store):
    with pytest.raises(QueryError, match=r"since \(2025-05-01\) is after until \(2025-04-01\)"):
        store.story_summaries(since="2025-05-01", until="2025-04-01")
    assert store.story_summaries(since="2025-04-01", until="2025-04-01") == ([], 0)


def test_missing_stories(store):
    [(key, _)] = store.put_articles([_article(1)])
    with pytest.raises(NotFound, match="no story 'nope'.*newsweave stories"):
        store.get_story("nope")
    with pytest.raises(NotFound):
        store.story_articles("nope")
    with pytest.raises(NotFound):
        store.assign_story(key, "nope")
    store.put_story("s1", None)
    with pytest.raises(NotFound):
        store.assign_story("0000000000000000", "s1")
    assert store.get_story("s1").article_ids == []


# --- search ------------------------------------------------------------------------------------


def test_search_finds_words(store):
    a, b = (
        k
        for k, _ in store.put_articles(
            [
                Article(
                    text="Ceasefire talks resumed in Geneva on Tuesday with U.S. envoys.",
                    title="Talks resume",
                    outlet="Courier",
                ),
                Article(text="The bridge over the Tidewater reopened.", title="Bridge reopens"),
            ]
        )
    )
    hits = store.search("geneva")
    assert [h.article_id for h in hits] == [a]
    assert hits[0].outlet == "Courier" and "[Geneva]" in hits[0].snippet
    assert [h.article_id for h in store.search("talk")] == [a]  # stemmed
    assert [h.article_id for h in store.search("U.S. envoys")] == [a]
    assert [h.article_id for h in store.search('"bridge over"')] == [b]
    assert {h.article_id for h in store.search("geneva OR bridge")} == {a, b}
    assert store.search("geneva bridge") == []
    assert len(store.search("the", limit=1)) == 1


def test_fts5_column_filters(sqlite_store):
    # FTS5 syntax; the PostgreSQL store reads it as plain words (tests/store/test_postgres.py).
    [_, b] = [k for k, _ in sqlite_store.put_articles(
        [Article(text="Talks resumed.", title="Talks"), Article(text="It reopened.",
                                                                 title="Bridge reopens")])]
    assert [h.article_id for h in sqlite_store.search("title:bridge")] == [b]


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "(", ")", "AND", "NEAR(", "*", "foo:bar", "^", "a OR", '""', "-", "'", "{x}"],
)
def test_search_odd_input_never_leaks_sqlite_errors(store, query):
    store.put_articles([_article(1)])
    try:
        hits = store.search(query)
    except StoreError as exc:
        assert "search query" in str(exc)
        assert isinstance(exc.__cause__, type(store)._db_errors)
    else:
        assert isinstance(hits, list)


def test_search_edge_cases(store):
    store.put_articles([_article(1)])
    assert store.search("") == [] and store.search("   ") == []
    with pytest.raises(StoreError, match="positive"):
        store.search("council", limit=0)


@pytest.mark.parametrize(
    ("query", "found"),
    [("NEAR(", True), ("AND", True), ("(((", False), ("*", False), ('"', False),
     ('"council', True), ("council AND", True), ("the:council", True), ("a OR", False)],
)
def test_a_query_that_does_not_parse_is_searched_as_plain_words(store, query, found):
    [(key, _)] = store.put_articles(
        [Article(text="The council met near the bridge and voted to delay repairs.")]
    )
    store.put_story("s1", "Repairs")
    store.assign_story(key, "s1")
    assert store.search_expression(query)[1] is True
    assert [h.article_id for h in store.search(query)] == ([key] if found else [])
    stories, total = store.story_summaries(query=query)
    assert total == (1 if found else 0)


def test_a_query_that_parses_keeps_its_operators(sqlite_store):
    # FTS5 operators; PostgreSQL's web search syntax is tested in test_postgres.py.
    store = sqlite_store
    a, b = (k for k, _ in store.put_articles(
        [Article(text="The council met."), Article(text="The bridge reopened.")]))
    for query in ["council OR bridge", '"the council"', "counc*", "text:bridge",
                  "bridge NOT council"]:
        assert store.search_expression(query)[1] is False, query
    assert {h.article_id for h in store.search("council OR bridge")} == {a, b}
    assert [h.article_id for h in store.search("counc*")] == [a]
    assert [h.article_id for h in store.search("bridge NOT council")] == [b]
    assert store.search_expression("council bridge") == ('"council" "bridge"', False)


def test_the_index_follows_the_rows_in_the_same_transaction(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.put_articles([Article(text="A zeppelin landed.")])
            assert len(store.search("zeppelin")) == 1
            raise RuntimeError("undo")
    assert store.search("zeppelin") == []
    assert store.check() == []


# --- failures ----------------------------------------------------------------------------------


def test_failures_upsert(store):
    store.record_failure("https://a.example/feed", "timed out")
    store.record_failure("b.txt", "empty file")
    [first] = [f for f in store.failures() if f.source == "https://a.example/feed"]
    store.record_failure("https://a.example/feed", "HTTP 503")
    listed = store.failures()
    assert [f.source for f in listed] == ["https://a.example/feed", "b.txt"]
    again = listed[0]
    assert again.count == 2 and again.reason == "HTTP 503"
    assert again.first_seen == first.first_seen and again.last_seen > first.last_seen
    store.clear_failures(["https://a.example/feed", "never-failed"])
    assert [f.source for f in store.failures()] == ["b.txt"]


# --- transactions and threads ------------------------------------------------------------------


def test_atomic_nesting(store):
    with store.atomic():
        store.put_articles([_article(1)])
        with pytest.raises(RuntimeError):
            with store.atomic():
                store.put_articles([_article(2)])
                assert store.count_articles() == 2
                raise RuntimeError("inner fails")
        with store.atomic():
            store.put_state("k", {"v": 1})
        assert store.count_articles() == 1
    assert [a.title for a in store.articles()] == ["Council delays repairs (1)"]
    assert store.get_state("k") == {"v": 1}

    with pytest.raises(RuntimeError):
        with store.atomic():
            store.put_articles([_article(3)])
            with store.atomic():
                store.put_articles([_article(4)])
            raise RuntimeError("outer fails")
    assert store.count_articles() == 1


def test_readers_see_committed_data_while_a_write_is_open(store):
    store.put_articles([_article(1)])
    seen: list[int] = []
    with store.atomic():
        store.put_articles([_article(2)])
        reader = threading.Thread(target=lambda: seen.append(store.count_articles()))
        reader.start()
        reader.join(timeout=10)
        assert store.count_articles() == 2  # the writer sees its own changes
    assert seen == [1]
    reader = threading.Thread(target=lambda: seen.append(store.count_articles()))
    reader.start()
    reader.join(timeout=10)
    assert seen == [1, 2]


def test_concurrent_writers_from_threads(store):
    errors: list[BaseException] = []

    def write(base: int) -> None:
        try:
            for i in range(20):
                store.put_articles([_article(base + i)])
                store.count_articles()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n * 100,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert store.count_articles() == 80
    assert store.check() == []


# --- read time limit ---------------------------------------------------------------------------


def test_read_time_limit_stops_a_long_read_and_leaves_the_store_usable(sqlite_store):
    # SQLite's progress handler stops a read past its first check; PostgreSQL's shortest
    # statement_timeout is 1 ms, so test_postgres.py holds a read up with a lock instead.
    store = sqlite_store
    store.put_articles([_article(n) for n in range(2000)])
    store.read_timeout = 1e-9  # every read that runs past the first check is over time
    with pytest.raises(QueryTimeout, match=r"took longer than 1e-09 s.*narrow the query") as info:
        store.articles()
    assert str(store.path) in str(info.value)
    assert info.value.http_status == 503
    with pytest.raises(QueryTimeout):
        store.search("council")
    # The reader connection is not left in a transaction, and nothing was lost.
    store.read_timeout = None
    assert len(store.articles()) == 2000
    assert len(store.search("council", limit=5)) == 5
    store.put_articles([_article(5000)])
    assert store.count_articles() == 2001
    # A generous limit does not get in the way.
    store.read_timeout = 60.0
    assert len(store.articles()) == 2001


def test_processes_opening_a_new_store_at_once_all_open_it(tmp_path):
    """Two `newsweave ingest` started at once on a new file race to switch it to WAL;
    SQLite tells the loser "database is locked" without waiting. Each opens it."""
    for attempt in range(40):
        path = tmp_path / f"new{attempt}.db"
        start = threading.Barrier(8)
        errors: list[BaseException] = []

        def open_it(path=path, start=start, errors=errors) -> None:
            start.wait()
            try:
                with Store(path) as store:
                    store.count_articles()
            except StoreError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], errors
