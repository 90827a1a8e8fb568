from __future__ import annotations

import json

import pytest

from newsweave.errors import ConfigError
from newsweave.model import ClaimGroup, Comparison, Conflict, Mention
from newsweave.render import render_text
from newsweave.render._common import (
    citation_claims,
    other_side,
    safe_url,
    source_labels,
    truncate,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  http://example.org/a b  ", "http://example.org/a%20b"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.org/a", None),
        ("https:///path-only", None),
        ("https://exa\nmple.org", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("one two three four five", 16) == "one two three…"
    assert truncate("one two three four five", 12) == "one two thr…"  # too much lost at a space
    assert len(truncate("x" * 50, 10)) == 10


def test_other_side_of_a_conflict() -> None:
    a, b, c = (Mention(x, 0, 1, "x") for x in ("a1", "a2", "a3"))
    group = ClaimGroup(
        "c1", "conflicting", 3, "t", [a, b, c], conflicts=[Conflict("number", "1 vs 2", [b, a])]
    )
    # The claim's own side is its first mentioning article, wherever it sits in the conflict.
    assert other_side(group) == {"a2"}
    group.conflicts.append(Conflict("date", "x vs y", [b, c]))
    assert other_side(group) == {"a2", "a3"}


def test_labels_are_distinct(story: Comparison) -> None:
    story.articles[2].article.outlet = "Metro Wire"
    assert list(source_labels(story).values()) == ["Harbor Gazette", "Metro Wire", "Metro Wire (2)"]


def test_citations_map_to_claims(story: Comparison) -> None:
    mapping = citation_claims(story)
    assert {mapping[(c.article, c.start, c.end)] for c in story.brief[2].citations} == {"c3"}


def test_render_text_dispatches(story: Comparison) -> None:
    assert json.loads(render_text(story, "json", with_text=True))["articles"][0]["text"]
    assert render_text(story, "markdown").startswith("# ")
    assert render_text(story, "html").startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigError, match="markdown"):
        render_text(story, "pdf")
