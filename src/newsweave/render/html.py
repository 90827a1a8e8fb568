"""One self-contained HTML file: sources, the cited brief, the claims, and every report's text
with each claim mention marked.

Everything that comes from a report (text, titles, outlets, URLs) is hostile. The template is
rendered with autoescape on and no value is ever marked safe; URLs become links only when they
are http(s); a Content-Security-Policy ``<meta>`` lets the page load nothing and run only its
own inline script (by a per-render nonce). The page is readable without JavaScript; the script
only adds click-to-highlight.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import jinja2

from ..errors import ConfigError
from ..model import Comparison
from ._common import (
    article_map,
    brief_sections,
    claims_by_status,
    conflict_versions,
    count_label,
    css_token,
    independent_reports,
    one_line,
    original_of,
    other_side,
    report_title,
    safe_url,
    source_labels,
    spaced,
    span_text,
    status_label,
    summary_counts,
)

TEMPLATE = "report.html.j2"
# Tooltips of brief citations quote the cited sentence up to this many characters.
TOOLTIP_LIMIT = 280


@dataclass(slots=True)
class Segment:
    """A run of an article's text covered by the same set of claims (maybe none)."""

    text: str
    claims: list[str]  # ids of every claim with a mention covering the run, outermost first
    primary: str | None  # the innermost (shortest-mention) claim: what a click selects
    status: str | None  # status of the primary claim, for the colour
    anchors: list[str] = field(default_factory=list)  # element ids that start at this run


def segments(
    text: str,
    spans: list[tuple[int, int, str]],
    *,
    anchors: dict[int, list[str]] | None = None,
    status: dict[str, str] | None = None,
) -> list[Segment]:
    """Split ``text`` at every span boundary; each piece carries the claims covering it.

    Args:
        text: an article's text.
        spans: ``(start, end, claim_id)`` mentions; they may overlap, nest or repeat. Spans out
            of the text's range are clipped; empty ones are ignored.
        anchors: element ids to place at given offsets (the text is split there too).
        status: claim id to status, for each segment's colour.

    Returns:
        Segments in text order whose texts concatenate to ``text`` exactly.
    """
    anchors = anchors or {}
    status = status or {}
    n = len(text)
    clean = []
    for start, end, claim in spans:
        start, end = max(0, min(start, n)), max(0, min(end, n))
        if start < end:
            clean.append((start, end, claim))
    cuts = {0, n}
    cuts.update(s for s, _, _ in clean)
    cuts.update(e for _, e, _ in clean)
    cuts.update(p for p in anchors if 0 <= p <= n)
    bounds = sorted(cuts)
    # Sweep the boundaries keeping the spans open at each one: linear in the number of
    # boundaries times the (small) nesting depth, not boundaries times spans.
    starting: dict[int, list[tuple[int, int, str]]] = {}
    for span in clean:
        starting.setdefault(span[0], []).append(span)
    active: list[tuple[int, int, str]] = []
    out: list[Segment] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        active = [s for s in active if s[1] > lo] + starting.get(lo, [])
        # Outermost first: earlier, then longer spans before the spans they contain.
        covering = sorted(active, key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
        ids = list(dict.fromkeys(c for _, _, c in covering))
        primary = min(covering, key=lambda s: (s[1] - s[0], -s[0]))[2] if covering else None
        out.append(
            Segment(
                text=text[lo:hi],
                claims=ids,
                primary=primary,
                status=status.get(primary) if primary else None,
                anchors=list(anchors.get(lo, ())),
            )
        )
    if n == 0 and anchors.get(0):
        out.append(Segment(text="", claims=[], primary=None, status=None, anchors=anchors[0]))
    return out


def _anchor_id(article: str, offset: int) -> str:
    return f"at-{article}-{offset}"


def build_context(comparison: Comparison, *, nonce: str) -> dict:
    """Everything the template shows, as plain values (all text still unescaped)."""
    labels = source_labels(comparison)
    articles = article_map(comparison)
    status = {g.id: css_token(g.status) for g in comparison.claims}

    # Anchors in the reports, targets of plain links (so the page works without JavaScript):
    # the start of every cited span and conflicting version, and each claim's first mention.
    anchors: dict[str, dict[int, list[str]]] = {a: {} for a in articles}

    def anchor(article: str, start: int, end: int, name: str | None = None) -> str | None:
        if span_text(articles, article, start, end) is None:
            return None
        name = name or _anchor_id(article, start)
        ids = anchors[article].setdefault(start, [])
        if name not in ids:
            ids.append(name)
        return name

    for item in comparison.brief:
        for c in item.citations:
            anchor(c.article, c.start, c.end)
    order = {a: i for i, a in enumerate(articles)}
    first_mention: dict[str, str] = {}
    for g in comparison.claims:
        placed = [m for m in g.mentions if span_text(articles, m.article, m.start, m.end)]
        if placed:
            m = min(placed, key=lambda m: (order[m.article], m.start))
            first_mention[g.id] = anchor(m.article, m.start, m.end, f"first-{g.id}") or ""

    claim_sections = []
    for st, groups in claims_by_status(comparison):
        items = []
        for g in groups:
            against = other_side(g)
            outlets = [
                {
                    "label": labels.get(a, a),
                    "against": a in against,
                    "is_copy": original_of(comparison, a) != a,
                }
                for a in g.articles
            ]
            conflicts = []
            for c in g.conflicts:
                versions = []
                for v in conflict_versions(g, c, articles):
                    target = anchor(v["article"], v["start"], v["end"])
                    versions.append(
                        {
                            "label": labels.get(v["article"], v["article"]),
                            "text": one_line(v["text"]),
                            "segments": [(spaced(t), marked)
                                         for t, marked in v["segments"]],
                            "href": f"#{target}" if target else None,
                            "against": v["article"] in against,
                        }
                    )
                conflicts.append({"type": c.type, "detail": c.detail, "versions": versions})
            items.append(
                {
                    "id": g.id,
                    "status": status[g.id],
                    "status_label": status_label(g.status),
                    "sources": g.independent_sources,
                    "text": g.text,
                    "href": f"#{first_mention.get(g.id) or 'claim-' + g.id}",
                    "outlets": outlets,
                    "conflicts": conflicts,
                }
            )
        claim_sections.append(
            {"status": css_token(st), "label": status_label(st), "claims": items}
        )

    reports = []
    for analyzed in comparison.articles:
        art = analyzed.article
        spans = [
            (m.start, m.end, g.id)
            for g in comparison.claims
            for m in g.mentions
            if m.article == art.id
        ]
        original = comparison.copy_of.get(art.id)
        reports.append(
            {
                "id": art.id,
                "label": labels[art.id],
                "outlet": art.outlet,
                "owner": art.owner,
                "title": report_title(art),
                "url": safe_url(art.url),
                "raw_url": art.url,
                "dateline": art.dateline,
                "published": art.published,
                "author": art.author,
                "copy_of": labels.get(original, original) if original else None,
                "segments": segments(art.text, spans, anchors=anchors[art.id], status=status),
                "n_claims": len({s[2] for s in spans}),
            }
        )

    brief = brief_sections(
        comparison,
        articles,
        labels,
        href=lambda c, found: f"#{_anchor_id(c.article, c.start)}" if found else None,
        quote_limit=TOOLTIP_LIMIT,
    )

    counts = summary_counts(comparison)
    first_title = next((a.article.title for a in comparison.articles if a.article.title), None)
    return {
        "nonce": nonce,
        "title": first_title or "News comparison",
        "n_reports": len(comparison.articles),
        "n_independent": independent_reports(comparison),
        "n_claims": len(comparison.claims),
        "counts": [
            {"status": css_token(s), "text": count_label(s, n)}
            for s, n in counts.items()
            if n
        ],
        "reports": reports,
        "claim_sections": claim_sections,
        "brief_sections": brief,
        "failures": [{"source": f.source, "reason": f.reason} for f in comparison.failures],
    }


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        autoescape=True,  # always: the template name ends in .j2, not .html
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    source = files("newsweave.render").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return env.from_string(source)


def to_html(comparison: Comparison, *, nonce: str | None = None) -> str:
    """The comparison as one self-contained HTML page.

    Args:
        comparison: the result of comparing one story.
        nonce: the CSP nonce of the page's inline script; a fresh random one per call by
            default. Pass a fixed value only to get byte-identical output (tests, golden files).

    Returns:
        The HTML text. It references no external resource; report links are plain ``<a>``
        elements and only for http(s) URLs.
    """
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
    elif not nonce or not all(ch.isascii() and (ch.isalnum() or ch in "+/-_=") for ch in nonce):
        raise ConfigError(
            f"Invalid CSP nonce {nonce!r}: use a base64 string (letters, digits, + / - _ =), "
            "or leave it out to get a random one."
        )
    return _template().render(**build_context(comparison, nonce=nonce))


__all__ = ["Segment", "build_context", "segments", "to_html"]
