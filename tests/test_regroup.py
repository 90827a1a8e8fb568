"""Regrouping in a real store: reports that move, stories that end, ids that lead on.

The features are made by hand (the reports' words only have to be distinct),
so each case does exactly what it is built to: a second event whose first
report lands in the first event's story, and a report that bridges two stories.
"""

from __future__ import annotations

import numpy as np
import pytest
from clusterdata import event

from newsweave.cluster import DocFeatures
from newsweave.errors import NotFound
from newsweave.library import ANALYSIS_VERSION, Library
from newsweave.model import Article
from newsweave.store import Store


def _vector(values: list[float]) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def _event(tag: str, axis: int, n: int) -> list[tuple[str, DocFeatures]]:
    return [(f.article_id, f) for f in event(tag, axis, n)]


@pytest.fixture()
def library(engine, tmp_path):
    store = Store(tmp_path / "news.db")
    yield Library(store, engine, batch_size=4)
    store.close()


def _ingest(library: Library, engine, items, copy_of: dict[str, str] | None = None):  # noqa: ANN001, ANN202
    """Store reports named ``items`` with their hand-made features; a copy repeats
    its original's text under another URL. Returns (report, name -> stored id)."""
    texts = {}
    for name, _ in items:
        source = (copy_of or {}).get(name, name)
        texts[name] = (
            f"Report {source} on the island quake: the town of {source} counts its dead, "
            f"and rescuers in {source} dig through the night, officials in {source} said."
        )
    articles = [Article(text=texts[n], url=f"https://example.org/{n}", title=f"Quake {n}")
                for n, _ in items]
    analysed = engine.analyzer.analyze(articles)
    report = library.ingest_analyzed(analysed, features=[f for _, f in items])
    return report, {n: a.article.id for (n, _), a in zip(items, analysed, strict=True)}


def _story_of(library: Library) -> dict[str, str]:
    return {a["id"]: s["id"] for s in library.stories_dict()["stories"] for a in s["articles"]}


def test_a_report_moved_by_regrouping_moves_in_the_store(library, engine):
    a, b = _event("a", 1, 4), _event("b", 2, 4)
    first, ids = _ingest(library, engine, a[:1] + b[:1] + a[1:3])
    assert len(first.new_stories) == 1 and first.moved == {}
    [story_a] = first.new_stories
    second, more = _ingest(library, engine, a[3:] + b[1:])
    ids.update(more)
    # b1 went into the first event's story; its own event's reports took it out.
    assert second.moved == {ids["b1"]: "s" + ids["b1"]}
    assert second.new_stories == ["s" + ids["b1"]]
    assert second.updated_stories == [story_a] and second.merged == {}
    where = _story_of(library)
    assert {where[ids[n]] for n, _ in a} == {story_a}
    assert {where[ids[n]] for n, _ in b} == {"s" + ids["b1"]}
    # The store holds what the clusterer holds, and a new process reads it back.
    def by_id(states):  # noqa: ANN001, ANN202
        return sorted(states, key=lambda s: s["id"])

    assert by_id(library.store.story_states()) == by_id(library.clusterer.to_dict()["stories"])
    assert {s.id: sorted(s.article_ids) for s in library.store.stories()} == {
        s.id: sorted(s.members) for s in library.clusterer.stories
    }
    # Analyses made before the report had its stored id now name that id.
    stored = library.store.get_analysis(ids["b1"], ANALYSIS_VERSION)
    assert stored is not None and stored.claims
    assert all(c.article == ids["b1"] and c.id.startswith(ids["b1"]) for c in stored.claims)
    fresh = Library(library.store, engine)
    assert fresh.clusterer.to_dict() == library.clusterer.to_dict()
    assert library.describe_changes(second)[0] == f"1 earlier report regrouped into s{ids['b1']}"


def test_a_story_emptied_by_regrouping_leads_to_where_its_reports_went(library, engine):
    x = ("x", DocFeatures("", _vector([1, 0]), terms={"t1": 1.0}))
    y = ("y", DocFeatures("", _vector([0, 1]), terms={"t2": 1.0}))
    y_copy = ("y-copy", DocFeatures("", _vector([0, 1]), terms={"t2": 1.0}))
    bridge = ("z", DocFeatures("", _vector([1, 1]), terms={"t1": 1.0, "t2": 1.0}))
    first, ids = _ingest(library, engine, [x, y, y_copy], copy_of={"y-copy": "y"})
    sx, sy = "s" + ids["x"], "s" + ids["y"]
    assert first.new_stories == [sx, sy] and first.copies == {ids["y-copy"]: ids["y"]}
    assert _story_of(library)[ids["y-copy"]] == sy  # a copy sits with its original
    second, more = _ingest(library, engine, [bridge])
    ids.update(more)
    assert second.merged == {sy: sx}
    assert second.moved == {ids["y"]: sx}
    where = _story_of(library)
    assert set(where.values()) == {sx}, "the copy followed its original"
    assert len(where) == 4
    assert library.store.story_redirects() == {sy: sx}
    assert library.store.resolve_story(sy) == sx == library.store.resolve_story(sx)
    with pytest.raises(NotFound):
        library.store.resolve_story("s-never")
    assert f"story {sy} merged into {sx}" in library.describe_changes(second)
    # Re-clustering from scratch keeps the old id leading somewhere live.
    library.recluster()
    live = {s.id for s in library.store.stories()}
    assert library.store.resolve_story(sy) in live
    assert library.store.resolve_story(sx) in live
