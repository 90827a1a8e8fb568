from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text

from newsweave.model import Comparison
from newsweave.render.terminal import render, terminal_console, visible


def _text(comparison: Comparison, width: int) -> str:
    console = Console(record=True, width=width, color_system=None)
    render(comparison, console)
    return console.export_text()


def _row(out: str, claim_id: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f" {claim_id} "))


def test_outlets_are_columns(story: Comparison) -> None:
    out = _text(story, 120)
    header = next(line for line in out.splitlines() if "Claim" in line and "Status" in line)
    positions = [header.index(name) for name in ("Harbor Gazette", "Metro Wire", "Coastal Daily")]
    assert positions == sorted(positions)
    # c3: Harbor Gazette says an hour; Metro Wire and its reprint are on the other side.
    row = _row(out, "c3")
    assert row.index("✓") < row.index("✗") and row.count("✗") == 2
    assert "Conflicting" in row and row.rstrip().endswith("2")
    # c6: only in Harbor Gazette, the other columns are blank.
    row = _row(out, "c6")
    assert row.count("✓") == 1 and "✗" not in row and "Single source" in row
    assert row.index("✓") < positions[1]
    assert _row(out, "c1").count("✓") == 3


def test_sources_brief_and_conflicts(story: Comparison) -> None:
    out = _text(story, 120)
    assert "Fire guts grain warehouse at Port of Halden" in out
    assert "Metro Wire" in next(
        line for line in out.splitlines() if "Coastal Daily" in line and "2025-03-19" in line
    )
    assert "No one was injured. [4] [5]" in out
    assert "[6] Harbor Gazette: “the blaze burned for an hour" in out
    conflicts = out[out.index("Conflicts") :]
    assert "number: an hour vs 90 minutes" in conflicts
    assert "the blaze burned for an hour before crews brought it under control" in conflicts
    assert "The fire burned for 90 minutes, according to harbour master Jens Lund." in conflicts


def test_long_claims_are_truncated(story: Comparison) -> None:
    story.claims[0].text = "A fire hit a grain warehouse " + "and more " * 40
    out = _text(story, 200)
    row_lines = out[out.index(" c1 ") :].splitlines()[:3]
    assert "…" in "".join(row_lines)
    assert "and more " * 20 not in out


def test_narrow_console(story: Comparison) -> None:
    out = _text(story, 60)
    assert all(len(line) <= 60 for line in out.splitlines())
    for claim_id in ("c1", "c3", "c8"):
        assert _row(out, claim_id)
    assert "Columns: Harbor Gazette · Metro Wire · Coastal Daily" in out
    assert "copy of Metro Wire" in out


def test_empty_comparisons(empty: Comparison) -> None:
    out = _text(empty, 60)
    assert "No claims." in out and "No brief." in out and "Quiet Times" in out
    out = _text(Comparison(articles=[], claims=[], brief=[]), 60)
    assert "No reports." in out


def test_report_text_is_not_rich_markup(hostile: Comparison) -> None:
    out = _text(hostile, 120)
    assert "happened [bold]now[/bold] [/oops]." in out
    assert "<script>alert(1)</script>" in out  # plain text in a terminal is harmless
    assert "✓" in _row(out, "c1")


# What a hostile report would send: clear the screen, retitle the window, an OSC 8 link, a C1
# CSI (red), a carriage return that rewrites the line, and a bell.
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\\x9b31m\r\x07"


def _only_styles(out: str) -> str:
    """``out`` without rich's own colour codes (SGR): what is left must have no control."""
    return re.sub(r"\x1b\[[0-9;]*m", "", out)


def test_control_characters_in_reports_never_reach_the_terminal(story: Comparison) -> None:
    first = story.articles[0].article
    first.outlet = f"Harbor{ESCAPES}Gazette"
    first.title = f"Fire{ESCAPES} at the port"
    first.dateline = f"HALDEN{ESCAPES}"
    story.claims[0].text = f"A fire{ESCAPES} hit a grain warehouse."
    story.brief[0].text = f"Fire{ESCAPES} at the port."
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      width=160)
    render(story, console)
    out = console.file.getvalue()
    assert "\x1b[" in out  # the styles are still there
    left = _only_styles(out)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", left), repr(left[:400])
    # What is left of a sequence shows as text; the layout around it holds.
    assert "Harbor[2J]0;pwned]8;;http://evil.example/\\31mGazette" in left
    assert "Metro Wire" in left and "Conflicts" in left


def test_terminal_console_prints_styles_but_not_controls() -> None:
    console = terminal_console(file=io.StringIO(), force_terminal=True, width=80)
    console.print(Text(f"a{ESCAPES}b\nc", style="bold"))
    out = console.file.getvalue()
    assert out.startswith("\x1b[1m")
    assert _only_styles(out) == "a[2J]0;pwned]8;;http://evil.example/\\31mb\nc\n"
    assert visible(f"x{ESCAPES}\ty\n") == "x[2J]0;pwned]8;;http://evil.example/\\31m\ty\n"
