"""What the pages show, as plain values: built from a story's cached comparison and its reports.

Everything here is data for autoescaping templates: texts stay unescaped strings, links are
built from ids the app made (``/articles/{id}``) or passed through ``safe_url`` (http(s) only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..model import (
    AnalyzedArticle,
    Article,
    BriefItem,
    Citation,
    ClaimGroup,
    Comparison,
    Conflict,
    Mention,
)
from ..render._common import (
    STATUS_ORDER,
    brief_sections,
    conflict_anchor,
    conflict_versions,
    css_token,
    one_line,
    original_of,
    other_side,
    safe_url,
    source_labels,
    spaced,
    status_label,
)
from ..render.html import segments

# Brief citations quote the cited sentence in their preview up to this many characters.
QUOTE_LIMIT = 400
# Rows of the claim matrix: a story of dozens of reports has hundreds of claims, and the
# single-source ones, ranked last, are all listed under "what only one outlet reports".
MATRIX_ROWS = 150
# Entity kinds shown as "people and organisations", with their headings.
ENTITY_KINDS = {"PERSON": "Person", "ORG": "Organisation"}
# The timeline chart's geometry, in SVG user units (the chart scales to its box).
CHART_WIDTH = 760
CHART_LABEL_WIDTH = 180
CHART_ROW = 30
CHART_TOP = 14
CHART_BOTTOM = 30
CHART_RIGHT = 24
# Characters of an outlet name shown in the chart before it is cut.
CHART_LABEL_CHARS = 22
# Marks the search snippets use around matched words: private-use characters, which
# news text does not contain, so a report cannot fake a highlight.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"


def article_href(article_id: str, span: tuple[int, int] | None = None) -> str:
    """The report page of an article; with a span, that span highlighted and scrolled to."""
    base = _article_base(article_id)
    if span is None:
        return base
    return f"{base}?hl={int(span[0])}-{int(span[1])}#cited"


@lru_cache(maxsize=4096)
def _article_base(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe='')}"


def story_href(story_id: str, claim: str | None = None) -> str:
    base = f"/stories/{quote(story_id, safe='')}"
    return f"{base}#claim-{claim}" if claim else base


def comparison_from_data(data: dict[str, Any], articles: dict[str, Article]) -> Comparison:
    """Rebuild a ``Comparison`` from its cached JSON and the stored reports (their texts).

    Articles of the JSON missing from ``articles`` (deleted since) are left out, with every
    span that points into them.
    """
    present = [a["id"] for a in data.get("articles", []) if a["id"] in articles]
    keep = set(present)

    def mentions(items: list[dict[str, Any]]) -> list[Mention]:
        return [
            Mention(m["article"], m["start"], m["end"], m.get("text", ""))
            for m in items
            if m["article"] in keep
        ]

    claims = []
    for c in data.get("claims", []):
        ms = mentions(c["mentions"])
        if not ms:
            continue
        conflicts = [
            Conflict(k["type"], k.get("detail", ""), mentions(k["mentions"]))
            for k in c.get("conflicts", [])
        ]
        claims.append(
            ClaimGroup(
                c["id"], c["status"], c["independent_sources"], c["text"], ms,
                [k for k in conflicts if k.mentions],
            )
        )
    brief = [
        BriefItem(
            b["text"],
            [Citation(x["article"], x["start"], x["end"]) for x in b["citations"]
             if x["article"] in keep],
            b.get("kind") or "corroborated",
            b.get("outlet"),
            bool(b.get("more")),
        )
        for b in data.get("brief", [])
    ]
    copy_of = {
        a["id"]: a["copy_of"]
        for a in data.get("articles", [])
        if a.get("copy_of") and a["id"] in keep and a["copy_of"] in keep
    }
    return Comparison(
        articles=[AnalyzedArticle(articles[i]) for i in present],
        claims=claims,
        brief=brief,
        copy_of=copy_of,
    )


# --- the stories page ---------------------------------------------------------------------------


def hit_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, matched)`` runs, split at the private-use marks."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(HIT_OPEN)):
        if i == 0:
            parts.append((chunk, False))
            continue
        matched, _, rest = chunk.partition(HIT_CLOSE)
        parts.append((matched, True))
        parts.append((rest, False))
    return [(text, hit) for text, hit in parts if text]


# --- a story ------------------------------------------------------------------------------------


def story_view(
    summary: dict[str, Any], data: dict[str, Any], articles: list[Article]
) -> dict[str, Any]:
    """Everything the story page shows."""
    by_id = {a.id: a for a in articles}
    comparison = comparison_from_data(data, by_id)
    labels = source_labels(comparison)
    texts = {a.article.id: a.article for a in comparison.articles}
    order = [a.article.id for a in comparison.articles]

    columns = [
        {
            "id": aid,
            "label": labels[aid],
            "href": article_href(aid),
            "is_copy": original_of(comparison, aid) != aid,
            "published": by_id[aid].published,
        }
        for aid in order
    ]

    brief = brief_sections(
        comparison,
        texts,
        labels,
        # A span not found in the text still opens its report, unhighlighted.
        href=lambda c, found: article_href(c.article, (c.start, c.end) if found else None),
        quote_limit=QUOTE_LIMIT,
    )

    ranked = sorted(
        comparison.claims,
        key=lambda g: (
            STATUS_ORDER.index(g.status) if g.status in STATUS_ORDER else len(STATUS_ORDER),
            -g.independent_sources,
        ),
    )
    rows = []
    for g in ranked[:MATRIX_ROWS]:
        against = other_side(g)
        first: dict[str, Mention] = {}
        for m in g.mentions:
            first.setdefault(m.article, m)
        cells = []
        for aid in order:
            m = first.get(aid)
            if m is None:
                cells.append(_SILENT)
                continue
            state = "contradicts" if aid in against else "reports"
            cells.append((state, article_href(aid, (m.start, m.end))))
        rows.append(
            {
                "id": g.id,
                "text": g.text,
                "status": css_token(g.status),
                "status_label": status_label(g.status),
                "sources": g.independent_sources,
                "cells": cells,
            }
        )

    conflicts = []
    for g in ranked:
        for k in g.conflicts:
            anchor = conflict_anchor(g, k)
            sides: list[list[dict[str, Any]]] = [[], []]
            for v in conflict_versions(g, k, texts):
                sides[0 if v["article"] == anchor else 1].append(
                    {
                        "label": labels.get(v["article"], v["article"]),
                        "text": one_line(v["text"]),
                        "segments": [(spaced(t), marked)
                                     for t, marked in v["segments"]],
                        "href": article_href(v["article"], (v["start"], v["end"])),
                    }
                )
            conflicts.append(
                {
                    "claim": g.id,
                    "claim_text": g.text,
                    "type": css_token(k.type),
                    "detail": k.detail,
                    "left": sides[0],
                    "right": sides[1],
                }
            )

    alone: dict[str, dict[str, Any]] = {}
    for g in ranked:
        if g.status != "single_source":
            continue
        originals = {original_of(comparison, m.article) for m in g.mentions}
        if len(originals) != 1:
            continue
        (source,) = originals
        m = next((m for m in g.mentions if m.article == source), g.mentions[0])
        entry = alone.setdefault(
            source,
            {"label": labels.get(source, source), "href": article_href(source), "claims": []},
        )
        entry["claims"].append(
            {"id": g.id, "text": g.text, "href": article_href(m.article, (m.start, m.end))}
        )

    return {
        "summary": summary,
        "columns": columns,
        "brief_sections": brief,
        "rows": rows,
        "rows_left_out": max(0, len(ranked) - MATRIX_ROWS),
        "conflicts": conflicts,
        "alone": [alone[a] for a in order if a in alone],
        "timeline": timeline(articles, labels),
        "entities": entities_view(data.get("entities", []), labels, texts),
        "n_claims": len(comparison.claims),
    }


# A matrix cell is ``(state, href)``: a tuple, as the template's hottest loop unpacks it.
_SILENT = ("silent", None)


@dataclass(slots=True)
class _Dot:
    day: date
    article: Article


def _day_of(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def timeline(articles: list[Article], labels: dict[str, str]) -> dict[str, Any]:
    """The coverage chart: one row per outlet, one dot per report on its day.

    Geometry is computed here so the SVG needs no script and no inline style.
    """
    rows: dict[str, list[_Dot]] = {}
    undated = []
    for a in articles:
        day = _day_of(a.published)
        name = a.outlet or labels.get(a.id, a.id)
        if day is None:
            undated.append({"label": name, "href": article_href(a.id), "title": a.title or ""})
            continue
        rows.setdefault(name, []).append(_Dot(day, a))
    if not rows:
        return {"rows": [], "undated": undated, "ticks": [], "width": CHART_WIDTH, "height": 0}
    days = [d.day for dots in rows.values() for d in dots]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    plot = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_RIGHT

    def x(day: date) -> float:
        if lo == hi:
            return CHART_LABEL_WIDTH + plot / 2
        return round(CHART_LABEL_WIDTH + plot * (day - lo).days / span, 1)

    ordered = sorted(rows.items(), key=lambda kv: (min(d.day for d in kv[1]), kv[0].lower()))
    out_rows = []
    for i, (name, dots) in enumerate(ordered):
        y = CHART_TOP + CHART_ROW * i + CHART_ROW / 2
        per_day: dict[date, int] = {}
        points = []
        for d in sorted(dots, key=lambda d: (d.day, d.article.id)):
            n = per_day.get(d.day, 0)
            per_day[d.day] = n + 1
            points.append(
                {
                    "x": x(d.day),
                    # Reports of one outlet on one day stack upwards a little.
                    "y": y - min(n, 3) * 5,
                    "href": article_href(d.article.id),
                    "title": f"{name}, {d.day.isoformat()}: {d.article.title or d.article.id}",
                }
            )
        short = name if len(name) <= CHART_LABEL_CHARS else name[: CHART_LABEL_CHARS - 1] + "…"
        out_rows.append({"label": short, "full": name, "y": y, "points": points,
                         "count": len(dots)})
    height = CHART_TOP + CHART_ROW * len(out_rows) + CHART_BOTTOM
    tick_days = sorted({lo, hi} | ({lo + (hi - lo) / 2} if (hi - lo).days >= 2 else set()))
    ticks = [
        {
            "x": x(d),
            "label": d.isoformat(),
            # The end labels stay inside the chart.
            "anchor": "middle" if lo == hi or lo < d < hi else ("start" if d == lo else "end"),
        }
        for d in tick_days
    ]
    return {
        "rows": out_rows,
        "undated": undated,
        "ticks": ticks,
        "width": CHART_WIDTH,
        "height": height,
        "axis_y": height - CHART_BOTTOM + 6,
        "label_x": CHART_LABEL_WIDTH - 10,
        "plot_left": CHART_LABEL_WIDTH,
        "plot_right": CHART_WIDTH - CHART_RIGHT,
        "first": lo.isoformat(),
        "last": hi.isoformat(),
    }


def entities_view(
    entities: list[dict[str, Any]], labels: dict[str, str], texts: dict[str, Article]
) -> list[dict[str, Any]]:
    """People and organisations: their names, titles (roles) and who mentions them."""
    out = []
    for e in entities:
        kind = ENTITY_KINDS.get(e.get("label", ""))
        if kind is None:
            continue
        mentions = [m for m in e.get("mentions", []) if m["article"] in texts]
        if not mentions:
            continue
        outlets = list(dict.fromkeys(labels.get(m["article"], m["article"]) for m in mentions))
        first = mentions[0]
        name = e.get("name") or ""
        out.append(
            {
                "name": name,
                "kind": kind,
                "titles": list(dict.fromkeys(t for t in e.get("titles", []) if t)),
                "aliases": [a for a in dict.fromkeys(e.get("aliases", [])) if a and a != name],
                "outlets": outlets,
                "mentions": len(mentions),
                "href": article_href(first["article"], (first["start"], first["end"])),
            }
        )
    out.sort(key=lambda e: (e["kind"] != "Person", -len(e["outlets"]), -e["mentions"],
                            e["name"].lower()))
    return out


# --- a report -----------------------------------------------------------------------------------


def article_view(
    article: Article,
    story_id: str | None,
    data: dict[str, Any] | None,
    story_articles: list[Article],
    highlight: tuple[int, int] | None,
) -> dict[str, Any]:
    """The report page: its text with each claim marked and linked to its group in the story."""
    claims: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str]] = []
    if data is not None:
        comparison = comparison_from_data(data, {a.id: a for a in story_articles})
        for g in comparison.claims:
            mine = [m for m in g.mentions if m.article == article.id]
            if not mine:
                continue
            against = article.id in other_side(g)
            claims[g.id] = {
                "id": g.id,
                "text": g.text,
                "status": css_token(g.status),
                "status_label": status_label(g.status),
                "sources": g.independent_sources,
                "contradicts": against,
                "href": story_href(story_id, g.id) if story_id else None,
            }
            spans.extend((m.start, m.end, g.id) for m in mine)
    n = len(article.text)
    cited = None
    anchors: dict[int, list[str]] = {}
    if highlight is not None and 0 <= highlight[0] < highlight[1] <= n:
        cited = highlight
        spans.append((highlight[0], highlight[1], _CITED))
        anchors[highlight[0]] = ["cited"]
    status = {cid: c["status"] for cid, c in claims.items()}
    runs = []
    for seg in segments(article.text, spans, anchors=anchors, status=status):
        ids = [c for c in seg.claims if c != _CITED]
        primary = seg.primary if seg.primary != _CITED else (ids[-1] if ids else None)
        info = claims.get(primary) if primary else None
        runs.append(
            {
                "text": seg.text,
                "anchor": "cited" in seg.anchors,
                "cited": _CITED in seg.claims,
                "claim": primary if info else None,
                "status": info["status"] if info else "",
                "multi": len(ids) > 1,
                "href": info["href"] if info else None,
                "title": " | ".join(claims[c]["text"] for c in ids if c in claims),
            }
        )
    return {
        "runs": runs,
        "claims": list(claims.values()),
        "cited": cited,
        "compared": data is not None,
        "url": safe_url(article.url),
    }


_CITED = "\0cited"  # not a claim id: claim ids never hold a NUL


__all__ = [
    "article_href",
    "article_view",
    "comparison_from_data",
    "hit_parts",
    "story_href",
    "story_view",
    "timeline",
]
