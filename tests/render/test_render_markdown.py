from __future__ import annotations

import re

from newsweave.model import Comparison
from newsweave.render.markdown import escape, to_markdown

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _tables(md: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_has_title_sources_brief_and_claims(story: Comparison) -> None:
    md = to_markdown(story)
    assert md.startswith("# Fire guts grain warehouse at Port of Halden\n")
    assert "3 reports (2 independent)" in md
    for item in story.brief:
        assert item.text in md
    for group in story.claims:
        assert escape(group.text) in md
    # Sources: outlet, linked title, dateline, published, copy of.
    row = next(line for line in md.splitlines() if "Coastal Daily" in line and "`a3`" in line)
    assert "(<https://coastaldaily.example/world/halden-fire>)" in row
    assert row.rstrip().endswith("| Metro Wire |")


def test_brief_citations_are_numbered_references(story: Comparison) -> None:
    md = to_markdown(story)
    assert "evacuated. [1] [2] [3]" in md
    assert (
        "- [6] **Harbor Gazette**: “the blaze burned for an hour before crews brought it "
        "under control”" in md
    )
    # The same span cited twice keeps its number.
    assert md.count("- [1] ") == 1
    # The item's own text names the outlet; the renderer adds no prefix.
    assert "- The warehouse belonged to Nordgrain" in md


def test_claims_grouped_conflicting_first(story: Comparison) -> None:
    md = to_markdown(story)
    order = [
        md.index(h)
        for h in ("### Conflicting (1)", "### Corroborated (4)", "### Single source (3)")
    ]
    assert order == sorted(order)
    conflict_row = next(line for line in md.splitlines() if line.startswith("| c3 "))
    assert "| number |" in conflict_row and "an hour vs 90 minutes" in conflict_row
    assert "Metro Wire: “The fire burned for 90 minutes" in conflict_row
    corroborated = next(line for line in md.splitlines() if line.startswith("| c1 "))
    assert "| 2 |" in corroborated
    assert "#### Only in Harbor Gazette" in md


def test_pipes_are_escaped_and_tables_keep_their_shape(story: Comparison) -> None:
    md = to_markdown(story)
    assert "Pier Road \\| remains closed to traffic." in md
    for table in _tables(md):
        widths = {len(UNESCAPED_PIPE.findall(line)) for line in table}
        assert len(widths) == 1, table


def test_hostile_report_text_is_literal(hostile: Comparison) -> None:
    md = to_markdown(hostile)
    # No raw "<" at all, except link destinations in angle brackets.
    assert re.findall(r"(?<!\\)<(?!https?://)", md, re.IGNORECASE) == []
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in md
    assert "javascript" not in md.lower()  # not a link, not even shown
    assert "\\[bold\\]now\\[/bold\\]" in md
    assert "(<HTTPS://example.org/a?b=1&c=%222%22>)" in md
    for table in _tables(md):
        assert len({len(UNESCAPED_PIPE.findall(line)) for line in table}) == 1


def test_escape_line_start_constructs() -> None:
    assert escape("# not a heading") == "\\# not a heading"
    assert escape("1. not a list") == "1\\. not a list"
    assert escape("- not a bullet") == "\\- not a bullet"
    assert escape("a\n\nb  c") == "a b c"
    assert escape(None) == ""


def test_empty_comparison(empty: Comparison) -> None:
    md = to_markdown(empty)
    assert "*No brief.*" in md and "*No claims.*" in md
    assert "Quiet Times" in md
