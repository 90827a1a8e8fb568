"""The brief a person reads: a short lead, each conflict once, a few lines per outlet."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.brief import LEAD_MAX, LEAD_MIN, SHOWN_PER_OUTLET

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsweave" / "samples"


@pytest.fixture(scope="module")
def demo(engine):
    from newsweave import compare

    return compare([SAMPLES], engine=engine)


def test_the_lead_is_a_few_whole_sentences_with_the_best_support(demo) -> None:
    lead = [b for b in demo.brief if b.kind == "lead"]
    assert LEAD_MIN <= len(lead) <= LEAD_MAX
    for item in lead:
        assert item.text[0].isupper() and item.text.endswith((".", "!", "?", "”", '"'))
        assert len(item.text.split()) >= 6
    # The core event first, as the reports open with it.
    assert "collapsed" in lead[0].text
    support = {g.text.rstrip("."): g.independent_sources for g in demo.claims}
    assert all(support.get(item.text.rstrip("."), 2) >= 2 for item in lead)


def test_a_core_event_with_a_disputed_number_leads_and_says_so(story_results) -> None:
    # Both reports tell of the grounding; they differ on the passengers aboard.
    lead = [b for b in story_results("number-conflict").brief if b.kind == "lead"]
    assert "ran aground" in lead[0].text
    assert "the reports differ: 212 passengers vs 186 passengers" in lead[0].text


def test_each_conflict_is_one_line_citing_both_sides(demo) -> None:
    lines = [b for b in demo.brief if b.kind == "conflict"]
    assert len(lines) == sum(len(g.conflicts) for g in demo.claims)
    for item in lines:
        assert len(item.citations) == 2 and "\n" not in item.text


def test_single_source_lines_are_few_per_outlet_and_the_rest_folded(demo) -> None:
    by_outlet: dict[str, list] = {}
    for b in demo.brief:
        if b.kind == "single_source":
            by_outlet.setdefault(b.outlet, []).append(b)
    assert by_outlet
    for items in by_outlet.values():
        shown = [b for b in items if not b.more]
        assert len(shown) <= SHOWN_PER_OUTLET
        assert items[: len(shown)] == shown  # the shown ones come first


def test_no_omission_paragraphs(demo) -> None:
    assert not [b for b in demo.brief if "does not report" in b.text]
    assert {b.kind for b in demo.brief} <= {"lead", "conflict", "corroborated", "single_source"}
