"""Copy detection: reprints count once, independent reports do not.

Every report here is made up for these tests.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from newsweave.dedup import (
    COPY_THRESHOLD,
    SHINGLE_SIZE,
    containment,
    find_copies,
    shingles,
    source_of,
)
from newsweave.ingest.text import article_from_text
from newsweave.model import Article

ORIGINAL = (
    "BRANNOCK – The old swing bridge over the Lessar canal was closed to traffic on Thursday "
    "after inspectors found a crack in one of its main girders.\n"
    "Engineers from the county roads department said the bridge would stay shut for at least "
    "six weeks while a temporary support is built beneath the span.\n"
    "About 4,000 vehicles cross the bridge each day, and drivers have been told to use the "
    "ring road instead, adding around ten minutes to most journeys.\n"
    "The county plans to replace the bridge entirely in 2027, at a cost of 14 million crowns.\n"
)

# New first line, last paragraph dropped, two words changed ("crack" -> "fracture",
# "around" -> "about").
REPRINT = (
    "Canal crossing shut after girder fault\n"
    "BRANNOCK – The old swing bridge over the Lessar canal was closed to traffic on Thursday "
    "after inspectors found a fracture in one of its main girders.\n"
    "Engineers from the county roads department said the bridge would stay shut for at least "
    "six weeks while a temporary support is built beneath the span.\n"
    "About 4,000 vehicles cross the bridge each day, and drivers have been told to use the "
    "ring road instead, adding about ten minutes to most journeys.\n"
)

# The same event, written by someone else.
INDEPENDENT = (
    "Brannock: Drivers face long detours after the county shut the Lessar canal swing bridge "
    "on Thursday.\n"
    "Inspectors discovered a cracked girder during a routine check, a county spokesperson "
    "said, and the crossing will remain closed for six weeks or more.\n"
    "The bridge carries some 4,000 vehicles a day. Traffic is being sent along the ring road.\n"
    "Shop owners near the canal said they feared losing customers during the closure.\n"
)


def report(text: str, id_: str, published: str | None) -> Article:
    article = article_from_text(text, path=f"{id_}.txt", source=f"{id_}.txt")
    article.id = id_
    article.published = published
    return article


def test_reprint_is_a_copy_of_the_original() -> None:
    original = report(ORIGINAL, "orig", "2025-06-12")
    reprint = report(REPRINT, "reprint", "2025-06-13")
    assert find_copies([original, reprint]) == {"reprint": "orig"}
    assert find_copies([reprint, original]) == {"reprint": "orig"}


def test_reprint_scores_well_above_the_threshold() -> None:
    a, b = shingles(ORIGINAL), shingles(REPRINT)
    assert containment(a, b) >= COPY_THRESHOLD + 0.2
    assert containment(a, b) == containment(b, a)


def test_independent_reports_are_not_copies() -> None:
    original = report(ORIGINAL, "orig", "2025-06-12")
    independent = report(INDEPENDENT, "other", "2025-06-12")
    assert find_copies([original, independent]) == {}
    assert containment(shingles(ORIGINAL), shingles(INDEPENDENT)) < 0.15


def test_original_is_the_earliest_published() -> None:
    # Whichever text is longer, the report published first is the original.
    early_reprint = report(REPRINT, "reprint", "2025-06-11")
    later_original = report(ORIGINAL, "orig", "2025-06-12")
    other = report(INDEPENDENT, "other", "2025-06-10")
    for order in itertools.permutations([early_reprint, later_original, other]):
        assert find_copies(list(order)) == {"orig": "reprint"}


def test_same_day_copies_keep_the_longer_as_original() -> None:
    full = report(ORIGINAL, "full", "2025-06-12")
    trimmed = report(REPRINT, "trimmed", "2025-06-12")
    assert find_copies([trimmed, full]) == {"trimmed": "full"}


def test_dated_report_is_original_over_an_undated_one() -> None:
    undated = report(ORIGINAL, "undated", None)
    dated = report(REPRINT, "dated", "2025-06-12")
    assert find_copies([undated, dated]) == {"undated": "dated"}


def test_three_copies_share_one_original() -> None:
    first = report(ORIGINAL, "first", "2025-06-12")
    second = report(REPRINT, "second", "2025-06-13")
    third = report(ORIGINAL.replace("Thursday", "Thursday morning"), "third", "2025-06-14")
    copies = find_copies([third, second, first])
    assert copies == {"second": "first", "third": "first"}
    assert {source_of(a, copies) for a in ("first", "second", "third")} == {"first"}


def test_dateline_does_not_make_copies() -> None:
    # Two short, different reports under one long opening: only the text after
    # body_start is compared.
    opening = "PORT ELLERY NORTH HARBOUR DISTRICT AND WESTERN ISLES COAST DESK – "
    a = Article(id="a", text=opening + "Ferries ran late.", body_start=len(opening))
    b = Article(id="b", text=opening + "A choir won a prize.", body_start=len(opening))
    # With the opening counted they would look like copies.
    assert containment(shingles(a.text), shingles(b.text)) >= COPY_THRESHOLD
    assert find_copies([a, b]) == {}


@pytest.mark.parametrize("text", ["", "   ", "–", "..."])
def test_shingles_of_no_words(text: str) -> None:
    assert shingles(text) == set()


def test_shingles_of_a_very_short_text() -> None:
    # Fewer words than a shingle: the whole text is one shingle.
    short = shingles("Ferry sails late.")
    assert len(short) == 1
    assert short == shingles("ferry, SAILS late")
    assert short != shingles("Ferry sails early.")
    assert containment(short, shingles("Ferry sails late.")) == 1.0


def test_shingles_count_and_case() -> None:
    words = "one two three four five six seven"
    assert len(shingles(words)) == len(words.split()) - SHINGLE_SIZE + 1
    assert shingles(words) == shingles(words.upper())


def test_containment_of_empty_sets() -> None:
    assert containment(set(), shingles(ORIGINAL)) == 0.0
    assert containment(set(), set()) == 0.0


def test_empty_articles_are_not_copies_of_each_other() -> None:
    assert find_copies([Article(id="a", text="."), Article(id="b", text="!")]) == {}


def test_source_of() -> None:
    assert source_of("b", {"b": "a"}) == "a"
    assert source_of("a", {"b": "a"}) == "a"


def test_copy_index_finds_a_reprint_among_many_and_not_an_independent_report():
    from newsweave.dedup import CopyIndex, minhash_signature

    story = Path(__file__).parent / "fixtures" / "stories" / "copy"
    original = (story / "01-highland-wire.txt").read_text(encoding="utf-8")
    reprint = (story / "02-lowland-echo.txt").read_text(encoding="utf-8")
    independent = (story / "03-valley-radio-news.txt").read_text(encoding="utf-8")
    index = CopyIndex()
    index.add("original", *minhash_signature(original))
    # Unrelated filler so that the LSH has more than one bucket to search.
    for n in range(50):
        index.add(f"other{n}", *minhash_signature(f"Unrelated report number {n} " * 20 + str(n)))
    found = index.matches(*minhash_signature(reprint))
    assert [k for k, _ in found] == ["original"]
    assert found[0][1] >= 0.5
    assert index.matches(*minhash_signature(independent)) == []
    assert len(index) == 51


def test_short_items_sharing_phrasing_are_not_copies():
    a = Article(text="The council approved the new budget on Tuesday after a long debate.")
    b = Article(text="After a long debate, the council approved the new budget on Tuesday night.")
    assert find_copies([a, b]) == {}
    # Nearly identical short items still are.
    assert find_copies([a, Article(text=a.text.replace("Tuesday", "Tuesday,"))]) != {}
