"""The output contract (DESIGN.md), checked on every hand-written test story.

These are invariants, not the expected facts of each story: any comparison the
engine produces must keep them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.dedup import source_of
from newsweave.model import Comparison
from newsweave.render.json import to_json, validate

STORIES = Path(__file__).parent / "fixtures" / "stories"
NAMES = sorted(p.name for p in STORIES.iterdir() if p.is_dir())


@pytest.fixture(params=NAMES)
def story(request, story_results) -> Comparison:
    return story_results(request.param)


@pytest.fixture
def obj(story) -> dict:
    return story.to_dict(with_text=True)


def test_every_story_folder_is_checked() -> None:
    assert len(NAMES) >= 9
    for name in NAMES:
        assert list((STORIES / name).glob("*.txt")), name


def test_story_reads_without_failures(story) -> None:
    assert story.failures == []
    assert len(story.articles) >= 2


def test_validates_against_the_schema(story, obj) -> None:
    validate(obj)
    # The same object as the JSON text of --format json --with-text.
    assert json.loads(to_json(story, with_text=True)) == obj
    validate(story.to_dict())


def test_ids_are_unique(obj) -> None:
    article_ids = [a["id"] for a in obj["articles"]]
    claim_ids = [c["id"] for c in obj["claims"]]
    assert len(set(article_ids)) == len(article_ids)
    assert len(set(claim_ids)) == len(claim_ids)
    assert all(claim_ids)


def test_mentions_quote_their_article(obj) -> None:
    texts = {a["id"]: a["text"] for a in obj["articles"]}
    for claim in obj["claims"]:
        assert claim["mentions"], claim
        for m in claim["mentions"]:
            assert m["article"] in texts
            assert 0 <= m["start"] < m["end"] <= len(texts[m["article"]])
            assert texts[m["article"]][m["start"] : m["end"]] == m["text"]
        for conflict in claim["conflicts"]:
            assert conflict["mentions"], conflict
            for m in conflict["mentions"]:
                assert texts[m["article"]][m["start"] : m["end"]] == m["text"]


def test_brief_citations_point_inside_an_article(obj) -> None:
    texts = {a["id"]: a["text"] for a in obj["articles"]}
    assert obj["brief"]
    for item in obj["brief"]:
        assert item["text"].strip()
        assert item["citations"], item
        for c in item["citations"]:
            assert c["article"] in texts
            assert 0 <= c["start"] < c["end"] <= len(texts[c["article"]])
            assert texts[c["article"]][c["start"] : c["end"]].strip()


def test_every_sentence_that_states_a_fact_lands_in_a_claim(story, obj) -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for claim in obj["claims"]:
        for m in claim["mentions"]:
            spans.setdefault(m["article"], []).append((m["start"], m["end"]))
    unplaced = [
        (a.article.id, s.text)
        for a in story.articles
        for s in a.sentences
        if not any(start < s.end and s.start < end for start, end in spans.get(a.article.id, []))
    ]
    # Page furniture (a timestamp, a header) is the only kind of sentence left out.
    furniture = ("PUBLISHED", "UPDATED", "Updated 4:08")
    assert [u for u in unplaced if not any(f in u[1] for f in furniture)] == []


def test_sentences_are_outside_the_dateline(story) -> None:
    for a in story.articles:
        assert a.sentences
        for s in a.sentences:
            assert s.start >= a.article.body_start
            assert a.article.text[s.start : s.end] == s.text


def test_status_agrees_with_sources_and_conflicts(story, obj) -> None:
    for claim in obj["claims"]:
        sources = {source_of(m["article"], story.copy_of) for m in claim["mentions"]}
        assert claim["independent_sources"] == len(sources), claim
        if claim["status"] == "corroborated":
            assert claim["independent_sources"] >= 2 and not claim["conflicts"], claim
        elif claim["status"] == "single_source":
            assert claim["independent_sources"] == 1 and not claim["conflicts"], claim
        else:
            assert claim["status"] == "conflicting"
            assert len(claim["conflicts"]) >= 1, claim


def test_copy_of_points_inside_the_comparison(obj) -> None:
    ids = {a["id"] for a in obj["articles"]}
    for a in obj["articles"]:
        if a["copy_of"] is not None:
            assert a["copy_of"] in ids
            assert a["copy_of"] != a["id"]
            # An original is never itself a copy.
            original = next(o for o in obj["articles"] if o["id"] == a["copy_of"])
            assert original["copy_of"] is None


def test_articles_carry_their_sidecar_metadata(obj) -> None:
    for a in obj["articles"]:
        assert a["outlet"] and a["published"] and a["url"]
        assert a["path"].endswith(".txt")


def test_reprint_is_found(story_results) -> None:
    # The one story with a reprint, so that the copy_of checks are not vacuous.
    obj = story_results("copy").to_dict()
    by_file = {Path(a["path"]).name: a for a in obj["articles"]}
    original = by_file["01-highland-wire.txt"]
    assert by_file["02-lowland-echo.txt"]["copy_of"] == original["id"]
    assert original["copy_of"] is None
    assert by_file["03-valley-radio-news.txt"]["copy_of"] is None
