"""Story clustering: same event together, same topic but another event apart.

Every report here is made up for these tests. The earthquakes are two events
of one topic, worded alike on purpose; the rehab check-ins are two more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import numpy as np
import pytest
from clusterdata import event

from newsweave.cluster import (
    MAX_GAP_DAYS,
    Crowding,
    DocFeatures,
    Neighbourhood,
    OnlineClusterer,
    StoryState,
    features_batch,
    features_of,
    grouping_similarity,
    neighbourhood_similarity,
    pair_similarity,
    recluster,
    similarity_matrix,
)
from newsweave.errors import ConfigError, StoreError
from newsweave.model import Article

REPORTS = {
    # Quake one, northern Chile, early March: two outlets the same day, in
    # their own words, and a follow-up two days later.
    "chile-wire": (
        "2025-03-03",
        "Quake kills 14 in northern Chile",
        "ANTOFAGASTA, Chile – A magnitude 6.8 earthquake struck near the port city of "
        "Antofagasta early on Monday, killing at least 14 people and damaging hundreds of "
        "homes, Chile's disaster agency Senapred said.\n"
        "The quake hit at 3:12 a.m. local time at a depth of 35 kilometres, according to the "
        "US Geological Survey.\n"
        "President Gabriel Boric said rescue teams had been sent to the worst-hit "
        "neighbourhoods of Antofagasta and nearby Mejillones.\n",
    ),
    "chile-daily": (
        "2025-03-03",
        "Fourteen dead as strong tremor shakes Antofagasta",
        "At least fourteen people lost their lives when a powerful tremor of magnitude 6.8 "
        "rocked Antofagasta in Chile's far north before dawn on Monday.\n"
        "Senapred, the national emergency service, said several hundred houses had been left "
        "damaged, many of them in the hillside districts above the port.\n"
        "Boric cancelled a trip to Santiago and flew to the region, where soldiers were "
        "helping firefighters search collapsed buildings in Mejillones.\n",
    ),
    "chile-followup": (
        "2025-03-05",
        "Antofagasta quake toll rises to 21",
        "Rescuers in Antofagasta pulled more bodies from collapsed buildings on Wednesday, "
        "raising the death toll from Monday's magnitude 6.8 earthquake in northern Chile to 21, "
        "Senapred said.\n"
        "President Boric declared a state of catastrophe for the Antofagasta region and promised "
        "emergency housing for families in Mejillones whose homes were destroyed.\n",
    ),
    # Quake two, eastern Turkey, a month later, written to read like the first.
    "turkey-wire": (
        "2025-04-08",
        "Quake kills 9 in eastern Turkey",
        "MALATYA, Turkey – A magnitude 6.1 earthquake struck near the city of Malatya early on "
        "Tuesday, killing at least 9 people and damaging dozens of buildings, Turkey's disaster "
        "agency AFAD said.\n"
        "The quake hit at 4:05 a.m. local time at a depth of 10 kilometres, according to the "
        "European-Mediterranean Seismological Centre.\n"
        "President Recep Tayyip Erdogan said rescue teams had been sent to Malatya and the "
        "neighbouring province of Elazig.\n",
    ),
    "turkey-daily": (
        "2025-04-08",
        "Nine killed as earthquake rattles Malatya",
        "Nine people died when a 6.1-magnitude earthquake shook Malatya province in eastern "
        "Turkey before dawn on Tuesday, AFAD said.\n"
        "Erdogan spoke to the governor of Malatya by phone and ordered tents and blankets sent "
        "to villages near Elazig where families spent the night outdoors.\n",
    ),
}

# Two rehab check-ins, no dates: only who and where tell them apart.
REHAB = {
    "rehab-a1": (
        "Singer Mara Quill checks into rehab",
        "Pop singer Mara Quill has checked into the Sunstone Recovery Center in Malibu, her "
        "publicist Dana Reyes told People magazine on Tuesday.\n"
        "Quill, 29, cancelled the last four dates of her European tour last month.\n",
    ),
    "rehab-a2": (
        "Mara Quill enters Malibu treatment centre",
        "Mara Quill is receiving treatment at Sunstone Recovery Center in Malibu, according to "
        "her representative Dana Reyes.\n"
        "The 29-year-old singer pulled out of her tour dates in Europe in October.\n",
    ),
    "rehab-b1": (
        "Actor Jonah Brickell checks into rehab",
        "Actor Jonah Brickell has checked into the Pine Hollow clinic in Arizona to begin a "
        "60-day court-ordered stay, his lawyer Gil Tanaka told TMZ on Friday.\n"
        "Brickell, 41, was arrested in Phoenix in June on a drunk-driving charge.\n",
    ),
    "rehab-b2": (
        "Jonah Brickell starts court-ordered rehab in Arizona",
        "Jonah Brickell began a 60-day stay at Pine Hollow, an Arizona treatment clinic, his "
        "attorney Gil Tanaka said, as ordered by a Phoenix judge after his June arrest.\n",
    ),
}


def _articles(dated: bool = True) -> list[Article]:
    out = []
    for aid, (day, title, text) in REPORTS.items():
        out.append(Article(text=text, id=aid, title=title, published=day if dated else None))
    return out


@pytest.fixture(scope="module")
def quake_features(engine):
    analysed = engine.analyzer.analyze(_articles())
    return {f.article_id: f for f in features_batch(analysed, engine.embedder)}


@pytest.fixture(scope="module")
def rehab_features(engine):
    arts = [Article(text=text, id=aid, title=title) for aid, (title, text) in REHAB.items()]
    analysed = engine.analyzer.analyze(arts)
    return {f.article_id: f for f in features_batch(analysed, engine.embedder)}


def _loader(features: dict[str, DocFeatures]):  # noqa: ANN202
    return lambda ids: {i: features[i] for i in ids if i in features}


def undated(f: DocFeatures) -> DocFeatures:
    return DocFeatures.from_dict({**f.to_dict(), "published": None})


def groups(assignment: dict[str, str]) -> set[frozenset[str]]:
    by: dict[str, set[str]] = {}
    for aid, sid in assignment.items():
        by.setdefault(sid, set()).add(aid)
    return {frozenset(v) for v in by.values()}


CHILE = frozenset({"chile-wire", "chile-daily", "chile-followup"})
TURKEY = frozenset({"turkey-wire", "turkey-daily"})


# --------------------------------------------------------------------------- features


def test_features_of_a_report(quake_features, engine):
    f = quake_features["chile-wire"]
    assert f.published == dt.date(2025, 3, 3)
    assert abs(float(np.linalg.norm(f.vector)) - 1.0) < 1e-5
    assert any("antofagasta" in k for k in f.entities)
    assert any("boric" in k for k in f.entities)
    assert "2025-03" not in f.dates or f.dates  # dates only when written in full
    assert any(k.startswith("count:14") for k in f.numbers)
    # One report alone gives the same features as in a batch.
    analysed = engine.analyzer.analyze(_articles()[:1])
    alone = features_of(analysed[0], engine.embedder)
    assert alone.entities == f.entities and alone.terms == f.terms
    assert np.allclose(alone.vector, f.vector, atol=1e-6)
    # A known vector is used as given.
    given = features_of(analysed[0], engine.embedder, vector=f.vector)
    assert np.array_equal(given.vector, f.vector)


def test_features_round_trip(quake_features):
    f = quake_features["turkey-wire"]
    back = DocFeatures.from_dict(json.loads(json.dumps(f.to_dict())))
    assert back.to_dict() == f.to_dict()


# --------------------------------------------------------------------------- online


def test_same_event_shares_a_story_and_another_event_does_not(quake_features):
    clusterer = OnlineClusterer()
    for aid in REPORTS:
        clusterer.add(quake_features[aid])
    assert groups(clusterer.assignments()) == {CHILE, TURKEY}


def test_two_earthquakes_stay_apart_without_dates(quake_features):
    """Same topic, same wording: places, names and numbers must separate them."""
    feats = [undated(quake_features[aid]) for aid in REPORTS]
    for order in (feats, feats[::-1]):
        clusterer = OnlineClusterer()
        clusterer.add_many(order)
        assert groups(clusterer.assignments()) == {CHILE, TURKEY}


def test_two_rehab_check_ins_are_two_stories(rehab_features):
    clusterer = OnlineClusterer()
    clusterer.add_many(rehab_features.values())
    assert groups(clusterer.assignments()) == {
        frozenset({"rehab-a1", "rehab-a2"}),
        frozenset({"rehab-b1", "rehab-b2"}),
    }


def test_story_ids_are_stable_as_reports_arrive(quake_features):
    clusterer = OnlineClusterer()
    first = clusterer.add(quake_features["chile-wire"])
    assert first == "schile-wire"
    seen = {"chile-wire": first}
    for aid in ["turkey-wire", "chile-daily", "turkey-daily", "chile-followup"]:
        seen[aid] = clusterer.add(quake_features[aid])
        # Earlier reports never move and no story is renamed.
        assert {k: clusterer.story_of(k) for k in seen} == seen
    assert seen["turkey-daily"] == "sturkey-wire"
    assert clusterer.size("schile-wire") == 3 and clusterer.size("nope") == 0
    # Adding a report again changes nothing.
    assert clusterer.add(quake_features["chile-daily"]) == "schile-wire"
    assert clusterer.size("schile-wire") == 3


def test_state_round_trip_continues_the_same(quake_features):
    order = ["chile-wire", "turkey-wire", "chile-daily", "turkey-daily", "chile-followup"]
    straight = OnlineClusterer()
    for aid in order[:2]:
        straight.add(quake_features[aid])
    state = json.loads(json.dumps(straight.to_dict()))
    # A new process reads the stored reports' features back through a loader.
    resumed = OnlineClusterer.from_dict(state, loader=_loader(quake_features))
    assert resumed.to_dict() == straight.to_dict()
    for aid in order[2:]:
        assert resumed.add(quake_features[aid]) == straight.add(quake_features[aid])
    assert resumed.assignments() == straight.assignments()
    assert json.dumps(resumed.to_dict()) == json.dumps(straight.to_dict())


def test_changes_applied_in_steps_add_up_to_the_whole_state(quake_features):
    order = ["chile-wire", "turkey-wire", "chile-daily", "turkey-daily", "chile-followup"]
    clusterer = OnlineClusterer()
    # What a store keeps: the header, one row per story, df counts.
    header: dict = {}
    rows: dict[str, dict] = {}
    df: dict[str, int] = {}
    touched = []
    assigned: dict[str, str] = {}
    for step in (order[:2], order[2:4], order[4:]):
        for aid in step:
            clusterer.add(quake_features[aid])
        changes = json.loads(json.dumps(dataclasses.asdict(clusterer.take_changes())))
        header = changes["header"]
        touched.append(sorted(s["id"] for s in changes["stories"]))
        rows.update({s["id"]: s for s in changes["stories"]})
        for key, n in changes["df"].items():
            df[key] = df.get(key, 0) + n
        assigned.update(changes["assigned"])
        assert changes["retired"] == {}
    # Only the stories a step touched are handed over.
    assert touched == [["schile-wire", "sturkey-wire"]] * 2 + [["schile-wire"]]
    empty = clusterer.take_changes()
    assert (empty.stories, empty.df, empty.assigned, empty.created) == ([], {}, {}, [])
    assert assigned == clusterer.assignments()
    whole = clusterer.to_dict()
    assert header == {k: v for k, v in whole.items() if k not in ("stories", "df", "retired")}
    assert list(rows.values()) == whole["stories"]
    assert df == whole["df"]
    resumed = OnlineClusterer.from_parts(header, list(rows.values()), df, {})
    assert json.dumps(resumed.to_dict()) == json.dumps(whole)


def test_a_forced_story_and_an_assignment(quake_features):
    clusterer = OnlineClusterer()
    sid = clusterer.add(quake_features["chile-wire"])
    # A reprint goes where its original is, whatever it says.
    assert clusterer.add(quake_features["turkey-wire"], story_id=sid) == sid
    built = OnlineClusterer.from_assignment(
        [quake_features[a] for a in REPORTS], {a: "s-" + a.split("-")[0] for a in REPORTS}
    )
    assert groups(built.assignments()) == {CHILE, TURKEY}
    assert built.size("s-chile") == 3


# --------------------------------------------------------------------------- batch


def test_recluster_groups_events_and_ignores_order(quake_features, rehab_features):
    feats = list(quake_features.values()) + list(rehab_features.values())
    expected = recluster(feats)
    assert groups(expected) == {
        CHILE,
        TURKEY,
        frozenset({"rehab-a1", "rehab-a2"}),
        frozenset({"rehab-b1", "rehab-b2"}),
    }
    for seed in range(3):
        shuffled = feats[:]
        random.Random(seed).shuffle(shuffled)
        assert recluster(shuffled) == expected
    # Ids follow the earliest report of each story.
    assert expected["chile-followup"] == "schile-daily"  # same day as the wire: by id


def test_recluster_of_a_large_store_places_reports_online(quake_features, monkeypatch):
    import newsweave.cluster as cluster

    monkeypatch.setattr(cluster, "RECLUSTER_MAX_REPORTS", 2)
    feats = list(quake_features.values())
    got = recluster(feats[::-1])
    assert groups(got) == {CHILE, TURKEY}
    # Placed in date order: each story is named after its earliest report.
    assert got["chile-followup"] in {"schile-wire", "schile-daily"}
    assert recluster(feats) == got


# --------------------------------------------------------------------------- rules (no models)


def _feat(aid: str, vec: list[float], day: str | None = None, **parts) -> DocFeatures:  # noqa: ANN003
    v = np.asarray(vec, dtype=np.float32)
    return DocFeatures(
        article_id=aid,
        vector=v / np.linalg.norm(v),
        published=dt.date.fromisoformat(day) if day else None,
        **parts,
    )


def test_time_window_splits_identical_reports():
    a = _feat("a", [1, 0, 0], "2025-01-01", entities={"PLACE:x": 1.0})
    b = _feat("b", [1, 0, 0], "2025-01-03", entities={"PLACE:x": 1.0})
    late = (dt.date(2025, 1, 3) + dt.timedelta(days=MAX_GAP_DAYS + 1)).isoformat()
    c = _feat("c", [1, 0, 0], late, entities={"PLACE:x": 1.0})
    undated_d = _feat("d", [1, 0, 0], None, entities={"PLACE:x": 1.0})
    clusterer = OnlineClusterer()
    assert clusterer.add_many([a, b, c, undated_d]) == ["sa", "sa", "sc", "sa"]
    assert recluster([a, b, c]) == {"a": "sa", "b": "sa", "c": "sc"}


def test_dates_and_numbers_count_only_when_both_have_them():
    a = _feat("a", [1, 0], entities={"E:1": 1.0}, terms={"t": 1.0}, numbers={"count:14": 1.0})
    b = _feat("b", [1, 0], entities={"E:1": 1.0}, terms={"t": 1.0})
    assert pair_similarity(a, b) == pytest.approx(1.0)
    c = _feat("c", [1, 0], entities={"E:1": 1.0}, terms={"t": 1.0}, numbers={"count:9": 1.0})
    assert pair_similarity(a, c) < 1.0


def test_one_similarity_online_pairwise_and_batch():
    """The online score against a one-report story, ``pair_similarity`` and the
    batch matrix are one measure, also for a report naming few or no entities
    (whose entity part then counts less or not at all)."""
    a = _feat("a", [1, 0, 0], entities={"E:1": 1.0, "E:2": 1.0}, terms={"t": 1.0, "u": 1.0})
    b = _feat("b", [0.8, 0.6, 0], entities={"E:1": 1.0}, terms={"t": 1.0})
    c = _feat("c", [0.6, 0, 0.8], terms={"u": 1.0})  # no entities at all
    for x, y in [(b, a), (c, a), (a, c), (c, b)]:
        clusterer = OnlineClusterer()
        clusterer.add(y)
        clusterer._count(x)  # score with the idf of both reports, as add() does
        both = clusterer._idf
        assert clusterer.score(x, clusterer.stories[0]) == pytest.approx(
            pair_similarity(x, y, df=both.df, docs=both.docs)
        )
    # A report without entities: its entity part drops out rather than count as 0.
    assert pair_similarity(c, a) == pytest.approx(pair_similarity(c, a, weights={"entities": 0}))
    matrix = similarity_matrix([a, b, c])
    np.testing.assert_allclose(matrix, matrix.T)
    # The batch pair keeps the evidence of the report with fewer entities.
    df = {"E:1": 2, "E:2": 1, "t": 2, "u": 2}
    assert matrix[0, 1] == pytest.approx(pair_similarity(b, a, df=df, docs=3))
    assert matrix[0, 2] == pytest.approx(pair_similarity(c, a, df=df, docs=3))


def test_bad_settings_and_state_are_refused():
    with pytest.raises(ConfigError, match="unknown similarity part"):
        OnlineClusterer(weights={"colour": 1.0})
    with pytest.raises(ConfigError):
        OnlineClusterer(shortlist=0)
    with pytest.raises(StoreError, match="recluster"):
        OnlineClusterer.from_dict({"version": 999, "stories": []})


# --------------------------------------------------------------------------- regrouping


def test_a_second_event_leaves_the_first_ones_story_when_its_own_reports_come():
    """Its first report alone reads like the first event's story; the next one
    shares its neighbours and not theirs, and the regrouping moves it out."""
    a, b = event("a", 1, 4), event("b", 2, 4)
    clusterer = OnlineClusterer()
    assert clusterer.add_many(a[:1] + b[:1]) == ["sa1", "sa1"]
    assert clusterer.add_many(a[1:]) == ["sa1"] * 3
    clusterer.take_changes()
    assert clusterer.add(b[1]) == "sb1"  # named after its earliest report
    changes = clusterer.take_changes()
    assert changes.assigned == {"b1": "sb1", "b2": "sb1"}
    assert changes.created == ["sb1"] and changes.retired == {}
    assert sorted(s["id"] for s in changes.stories) == ["sa1", "sb1"]
    clusterer.add_many(b[2:])
    assert groups(clusterer.assignments()) == {
        frozenset({"a1", "a2", "a3", "a4"}),
        frozenset({"b1", "b2", "b3", "b4"}),
    }
    # The story that lost a report is what its sums say it is.
    left = next(s for s in clusterer.stories if s.id == "sa1")
    rebuilt = StoryState(id="sa1", count=0, vector_sum=np.zeros(5))
    for f in a:
        rebuilt.add(f)
    np.testing.assert_allclose(left.vector_sum, rebuilt.vector_sum, atol=1e-12)
    assert left.terms == pytest.approx(rebuilt.terms) and left.members == rebuilt.members


def test_a_report_that_joins_two_stories_retires_the_younger_one():
    x = _feat("x", [1, 0], terms={"t1": 1.0})
    y = _feat("y", [0, 1], terms={"t2": 1.0})
    bridge = _feat("z", [1, 1], terms={"t1": 1.0, "t2": 1.0})
    clusterer = OnlineClusterer()
    assert clusterer.add_many([x, y]) == ["sx", "sy"]  # nothing in common
    clusterer.take_changes()
    assert clusterer.add(bridge) == "sx"  # the older story keeps its id
    changes = clusterer.take_changes()
    assert changes.retired == {"sy": "sx"}
    assert changes.assigned == {"y": "sx", "z": "sx"}
    assert [s["id"] for s in changes.stories] == ["sx"]
    assert clusterer.size("sy") == 0 and clusterer.retired() == {"sy": "sx"}
    assert [s.id for s in clusterer.stories] == ["sx"]
    # A retired id is never given out again, and the state remembers it.
    again = _feat("y", [0, 1], terms={"t3": 1.0})
    fresh = OnlineClusterer.from_dict(json.loads(json.dumps(clusterer.to_dict())))
    assert fresh.retired() == {"sy": "sx"}
    assert fresh._fresh_id(again.article_id) == "sy-2"


def test_neighbourhoods_tell_two_events_of_a_topic_apart():
    """Two blocks of mutually close reports, each as close to the other block as
    a topic is: the pair similarity barely separates them, the neighbourhoods do."""
    sim = np.full((6, 6), 0.45)
    sim[:3, :3] = sim[3:, 3:] = 0.7
    np.fill_diagonal(sim, 1.0)
    second = neighbourhood_similarity(sim)
    np.testing.assert_allclose(second, second.T)
    np.testing.assert_allclose(np.diag(second), 1.0)
    within, across = second[0, 1], second[0, 4]
    assert within > 0.9 and across < 0.1
    assert within - across > sim[0, 1] - sim[0, 4]
    # Far apart in time stays impossible to group.
    a = _feat("a", [1, 0], "2025-01-01", terms={"t": 1.0})
    b = _feat("b", [1, 0], "2025-03-01", terms={"t": 1.0})
    assert grouping_similarity([a, b])[0, 1] == -np.inf
    only_second = grouping_similarity([a, b], neighbourhood=Neighbourhood(weight=1.0))
    assert only_second[0, 1] == -np.inf and only_second[0, 0] == pytest.approx(1.0)
    with pytest.raises(ConfigError, match="least <= most"):
        Neighbourhood(least=5, most=3)
    with pytest.raises(ConfigError, match="weight"):
        OnlineClusterer(neighbourhood={"weight": 2.0})



# --------------------------------------------------------------------------- crowding


def _crowd(n: int, dim: int = 40) -> list[DocFeatures]:
    """``n`` reports, each at embedding cosine 0.7 to the first axis and 0.49
    to each other, no word in common: each alone below the candidate floor
    with the others, each at 0.35 with a report along the first axis."""
    out = []
    for k in range(n):
        v = np.zeros(dim)
        v[0], v[k + 1] = 0.7, np.sqrt(1 - 0.49)
        out.append(_feat(f"c{k}", list(v), terms={f"word{k}": 1.0}))
    return out


def _along_first_axis(dim: int = 40) -> DocFeatures:
    v = np.zeros(dim)
    v[0] = 1.0
    return _feat("y", list(v), terms={"other": 1.0})


def test_crowding_is_the_mean_score_of_the_stories_past_the_first_ranks():
    crowding = Crowding(first=2, last=5, floor=0.35, weight=1.0)
    scores = np.array([0.9, -np.inf, 0.1, 0.8, 0.5, 0.6, 0.7, -np.inf])
    assert crowding.of(scores) == pytest.approx((0.7 + 0.6 + 0.5) / 3)  # ranks 2, 3, 4
    assert crowding.of(np.array([0.9, 0.8, -np.inf])) == 0.35  # too few: the floor
    assert crowding.rise(crowding.of(np.array([0.9, 0.8]))) == 0.0
    assert crowding.rise(0.30) == 0.0 and crowding.rise(0.55) == pytest.approx(0.2)
    with pytest.raises(ConfigError, match="first < last"):
        Crowding(first=5, last=5)
    with pytest.raises(ConfigError, match="whole numbers"):
        Crowding(first=15.0)
    with pytest.raises(ConfigError, match="floor"):
        Crowding(floor=-0.1)
    with pytest.raises(ConfigError, match="weight"):
        OnlineClusterer(crowding={"weight": -1.0})


def test_what_joins_a_lone_story_stands_apart_in_a_crowd():
    """The same pair similarity joins a report to the one story near it, and
    not to one of thirty equally near stories: there it tells nothing apart."""
    y = _along_first_axis()
    alone = OnlineClusterer()
    alone.add_many(_crowd(1))
    assert alone.add(y) == "sc0"

    crowd = _crowd(31)
    crowded = OnlineClusterer()
    assert crowded.add_many(crowd) == [f"sc{k}" for k in range(31)]
    assert crowded.add(y) == "sy"
    assert crowded.params()["crowding"] == dataclasses.asdict(Crowding())
    # Without the rise the crowd does not keep it out.
    flat = OnlineClusterer(crowding=Crowding(weight=0.0))
    flat.add_many(crowd)
    assert flat.add(y) != "sy"
    # The batch version measures crowding the same way.
    assert recluster(_crowd(1) + [y])["y"] == "sc0"
    assert recluster(crowd + [y])["y"] == "sy"
    assert recluster(crowd + [y], crowding=Crowding(weight=0.0))["y"] != "sy"


def _dated(features: DocFeatures, day: str) -> DocFeatures:
    return dataclasses.replace(features, published=dt.date.fromisoformat(day))


def test_crowding_counts_only_the_stories_in_the_reports_window():
    """Thirty near stories two months before do not crowd a report: it joins
    the one near story of its own weeks, online and in the batch."""
    crowd = _crowd(31)
    near = [_dated(crowd[0], "2025-03-01")]
    old = [_dated(f, "2025-01-01") for f in crowd[1:]]
    y = _dated(_along_first_axis(), "2025-03-02")
    clusterer = OnlineClusterer()
    clusterer.add_many(old + near)
    assert clusterer.add(y) == "sc0"
    assert recluster(old + near + [y])["y"] == "sc0"
    # The same thirty in its window do.
    recent = [_dated(f, "2025-02-27") for f in crowd[1:]]
    crowded = OnlineClusterer()
    crowded.add_many(recent + near)
    assert crowded.add(y) == "sy"
    assert recluster(recent + near + [y])["y"] == "sy"


def test_batch_crowding_is_the_same_in_any_chunk_size():
    from newsweave.cluster import _average_link, _raise_crowded

    feats = _crowd(31) + [_along_first_axis()]
    feats = [_dated(f, f"2025-01-{1 + i % 28:02d}") for i, f in enumerate(feats)]
    sim = grouping_similarity(feats)
    labels = _average_link(sim, 0.35)
    whole, pieces = sim.copy(), sim.copy()
    _raise_crowded(whole, feats, labels, Crowding(), MAX_GAP_DAYS)
    _raise_crowded(pieces, feats, labels, Crowding(), MAX_GAP_DAYS, chunk=3)
    np.testing.assert_array_equal(whole, pieces)
    finite = np.isfinite(sim)
    assert (whole[finite] <= sim[finite]).all() and (whole[finite] < sim[finite]).any()
    assert (np.isneginf(whole) == ~finite).all()  # too far apart stays impossible


def test_a_state_from_before_crowding_resumes_with_the_default():
    clusterer = OnlineClusterer(crowding=Crowding(weight=0.5))
    clusterer.add_many(_crowd(3))
    state = json.loads(json.dumps(clusterer.to_dict()))
    assert state["params"]["crowding"]["weight"] == 0.5
    assert OnlineClusterer.from_dict(state).crowding == Crowding(weight=0.5)
    del state["params"]["crowding"]
    resumed = OnlineClusterer.from_dict(state)
    assert resumed.crowding == Crowding()
    assert resumed.assignments() == clusterer.assignments()
